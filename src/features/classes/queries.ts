// SQL for classes: the visible classes (canSeeClass in src/auth/policy.ts), filters and title-ordered keyset paging.
import { sql, type Selectable } from 'kysely';
import type { Principal } from '../../auth/principal.ts';
import { canSeeClass } from '../../auth/policy.ts';
import type { Executor } from '../../db/database.ts';
import { visibleById, visibleByIds } from '../../auth/visible-by-id.ts';
import type { Classes } from '../../db/types.ts';
import type { CursorKey } from '../../http/paging.ts';
import { firstRowsPerParent } from '../../db/batch.ts';
import { afterTitle, containsPattern } from '../students/roster-common.ts';
import type { ClassListQuery } from './schemas.ts';

export type ClassRow = Selectable<Classes>;

function visibleClasses(db: Executor, principal: Principal) {
  return db.selectFrom('classes as c').selectAll('c').where((eb) => canSeeClass(eb, principal, 'c.id', 'c.schoolId'));
}

export const findClass = visibleById<ClassRow>('c', visibleClasses);

export async function listClassRows(db: Executor, principal: Principal, filter: ClassListQuery,
  after: CursorKey | undefined, limit: number): Promise<ClassRow[]> {
  let query = visibleClasses(db, principal);
  if (filter.schoolId) query = query.where('c.schoolId', '=', filter.schoolId);
  if (filter.status) query = query.where('c.status', '=', filter.status);
  if (filter.updatedSince) query = query.where('c.updatedAt', '>=', new Date(filter.updatedSince));
  if (filter.q) {
    const pattern = containsPattern(filter.q);
    query = query.where((eb) => eb.or([eb('c.title', 'ilike', pattern), eb('c.classCode', 'ilike', pattern)]));
  }
  if (filter.staffId) {
    const staffId = filter.staffId;
    query = query.where((eb) => eb.exists(eb.selectFrom('enrollments as fe').select('fe.id').whereRef('fe.classId', '=', 'c.id')
      .where('fe.staffId', '=', staffId).where('fe.role', 'in', ['teacher', 'aide']).where('fe.status', '=', 'active')));
  }
  if (filter.studentId) {
    const studentId = filter.studentId;
    query = query.where((eb) => eb.exists(eb.selectFrom('enrollments as fe').select('fe.id').whereRef('fe.classId', '=', 'c.id')
      .where('fe.studentId', '=', studentId).where('fe.status', '=', 'active')));
  }
  if (after) query = query.where(afterTitle('c.title', 'c.id', after));
  return query.orderBy('c.title').orderBy('c.id').limit(limit + 1).execute();
}

/** Visible classes by id. */
export const findClassRows = visibleByIds<ClassRow>('c', visibleClasses);

/** Visible classes each student is actively enrolled in, by title. */
export async function listClassRowsOfStudents(db: Executor, principal: Principal, studentIds: string[]): Promise<Array<ClassRow & { parentId: string }>> {
  if (studentIds.length === 0) return [];
  return visibleClasses(db, principal).innerJoin('enrollments as be', 'be.classId', 'c.id').select('be.studentId as parentId')
    .where('be.studentId', 'in', studentIds).where('be.status', '=', 'active').where('be.role', '=', 'student')
    .orderBy('c.title').orderBy('c.id').execute() as Promise<Array<ClassRow & { parentId: string }>>;
}

/** Visible classes of each school by title: the first limit+1 per school in one windowed query. */
export async function listClassRowsOfSchools(db: Executor, principal: Principal, schoolIds: string[],
  after: CursorKey | undefined, limit: number): Promise<ClassRow[]> {
  if (schoolIds.length === 0) return [];
  let inner = visibleClasses(db, principal).where('c.schoolId', 'in', schoolIds);
  if (after) inner = inner.where(afterTitle('c.title', 'c.id', after));
  return firstRowsPerParent(db, inner, 'c.schoolId', sql`c.title, c.id`, 'schoolId', limit);
}
