// SQL for students: visible rows (through the policy), filters, name-ordered keyset paging, and writes.
import { sql, type Insertable, type Selectable, type SqlBool, type Updateable } from 'kysely';
import type { Principal, Role } from '../../auth/principal.ts';
import { callerFromHoles, callerHoles, canSeeStudent, type CallerHoles } from '../../auth/policy.ts';
import type { Executor } from '../../db/database.ts';
import { frozenStatement } from '../../db/frozen-sql.ts';
import { visibleById, visibleByIds } from '../../auth/visible-by-id.ts';
import type { Students } from '../../db/types.ts';
import type { CursorKey } from '../../http/paging.ts';
import { anyId, rowsPerParent } from '../../db/batch.ts';
import { afterCheckedPerson, assertPersonCursor, containsPattern } from './roster-common.ts';
import type { StudentListQuery } from './schemas.ts';

export type StudentRow = Selectable<Students>;

function visibleStudents(db: Executor, principal: Principal) {
  return db.selectFrom('students as s').selectAll('s').where((eb) => canSeeStudent(eb, principal, 's.id'));
}

/** A visible student by id: every read of one student and every student write runs it. */
export const findStudent = visibleById<StudentRow>('s', visibleStudents);

interface ListHoles extends CallerHoles {
  limit: string;
  grade?: string;
  familyId?: string;
  caseManagerId?: string;
  status?: string;
  updatedSince?: string;
  q?: string;
  schoolId?: string;
  classId?: string;
  guardianId?: string;
  afterFamilyName?: string;
  afterGivenName?: string;
  afterId?: string;
}

/** The student list, built and compiled once per role (the key) and set of filters, run with their values. */
const listStatement = frozenStatement<Role, ListHoles, Executor, StudentRow>((role, holes, db) => {
  let query = visibleStudents(db, callerFromHoles(role, holes));
  if (holes.grade !== undefined) query = query.where('s.grade', '=', holes.grade);
  if (holes.familyId !== undefined) query = query.where('s.familyId', '=', holes.familyId);
  if (holes.caseManagerId !== undefined) query = query.where('s.caseManagerId', '=', holes.caseManagerId);
  if (holes.status !== undefined) query = query.where('s.status', '=', holes.status as StudentRow['status']);
  if (holes.updatedSince !== undefined) query = query.where('s.updatedAt', '>=', holes.updatedSince as unknown as Date);
  if (holes.q !== undefined) {
    query = query.where(sql<SqlBool>`s.given_name || ' ' || coalesce(s.preferred_first_name, '') || ' ' || s.family_name ilike ${holes.q}`);
  }
  const { schoolId, classId, guardianId } = holes;
  if (schoolId !== undefined) {
    query = query.where((eb) => eb.or([eb('s.schoolId', '=', schoolId),
      eb.exists(eb.selectFrom('studentSchools as fs').select('fs.studentId').whereRef('fs.studentId', '=', 's.id')
        .where('fs.schoolId', '=', schoolId).where('fs.status', '=', 'active'))]));
  }
  if (classId !== undefined) {
    query = query.where((eb) => eb.exists(eb.selectFrom('enrollments as fe').select('fe.id').whereRef('fe.studentId', '=', 's.id')
      .where('fe.classId', '=', classId).where('fe.status', '=', 'active')));
  }
  if (guardianId !== undefined) {
    query = query.where((eb) => eb.exists(eb.selectFrom('studentGuardians as fg').select('fg.id').whereRef('fg.studentId', '=', 's.id')
      .where('fg.guardianId', '=', guardianId).where('fg.status', '=', 'active')));
  }
  if (holes.afterId !== undefined) query = query.where(afterCheckedPerson('s', [holes.afterFamilyName!, holes.afterGivenName!, holes.afterId]));
  return query.orderBy('s.familyName').orderBy('s.givenName').orderBy('s.id').limit(holes.limit as unknown as number);
});

export async function listStudentRows(db: Executor, principal: Principal, filter: StudentListQuery,
  after: CursorKey | undefined, limit: number): Promise<StudentRow[]> {
  const holes: ListHoles = { ...callerHoles(principal), limit: String(limit + 1) };
  if (filter.grade) holes.grade = filter.grade;
  if (filter.familyId) holes.familyId = filter.familyId;
  if (filter.caseManagerId) holes.caseManagerId = filter.caseManagerId;
  if (filter.status) holes.status = filter.status;
  if (filter.updatedSince) holes.updatedSince = new Date(filter.updatedSince).toISOString();
  if (filter.q) holes.q = containsPattern(filter.q);
  if (filter.schoolId) holes.schoolId = filter.schoolId;
  if (filter.classId) holes.classId = filter.classId;
  if (filter.guardianId) holes.guardianId = filter.guardianId;
  if (after) [holes.afterFamilyName, holes.afterGivenName, holes.afterId] = assertPersonCursor(after);
  return (await listStatement(principal.role, holes, db).execute(db)).rows;
}

export async function insertStudent(db: Executor, values: Insertable<Students>): Promise<string> {
  const { id } = await db.insertInto('students').values(values).returning('id').executeTakeFirstOrThrow();
  if (values.schoolId) await setPrimarySchool(db, id, values.schoolId);
  return id;
}

export async function updateStudentRow(db: Executor, id: string, values: Updateable<Students>): Promise<void> {
  if (Object.keys(values).length === 0) return;
  await db.updateTable('students').set(values).where('id', '=', id).execute();
}

/** A local student's membership follows its primary school: the new one active and primary, the others ended. */
export async function setPrimarySchool(db: Executor, studentId: string, schoolId: string | null): Promise<void> {
  await db.updateTable('studentSchools').set({ status: 'inactive', isPrimary: false })
    .where('studentId', '=', studentId).$if(schoolId !== null, (q) => q.where('schoolId', '<>', schoolId as string)).execute();
  if (schoolId === null) return;
  await db.insertInto('studentSchools').values({ studentId, schoolId, isPrimary: true, status: 'active' })
    .onConflict((oc) => oc.columns(['studentId', 'schoolId']).doUpdateSet({ isPrimary: true, status: 'active' })).execute();
}

/** Visible students by id (for GraphQL relations: one query for many parents). */
export const findStudentRows = visibleByIds<StudentRow>('s', visibleStudents);

interface OfClassesHoles extends CallerHoles {
  classIds: readonly string[];
  cut: string;
  afterFamilyName?: string;
  afterGivenName?: string;
  afterId?: string;
}

/** The students of classes (a GraphQL page of each class), built once per role and cursor presence. */
const ofClassesStatement = frozenStatement<Role, OfClassesHoles, Executor, StudentRow & { parentId: string }>((role, holes, db) => {
  let inner = visibleStudents(db, callerFromHoles(role, holes)).innerJoin('enrollments as be', 'be.studentId', 's.id')
    .select('be.classId as parentId')
    .where('be.classId', '=', anyId(holes.classIds)).where('be.status', '=', 'active').where('be.role', '=', 'student');
  if (holes.afterId !== undefined) inner = inner.where(afterCheckedPerson('s', [holes.afterFamilyName!, holes.afterGivenName!, holes.afterId]));
  return rowsPerParent(db, inner, 'be.classId', sql`s.family_name, s.given_name, s.id`, 'parentId', holes.cut);
});

/** The visible students actively enrolled in each class, by name: the first limit+1 per class in one windowed query. */
export async function listStudentRowsOfClasses(db: Executor, principal: Principal, classIds: string[],
  after: CursorKey | undefined, limit: number): Promise<Array<StudentRow & { parentId: string }>> {
  if (classIds.length === 0) return [];
  const holes: OfClassesHoles = { ...callerHoles(principal), classIds, cut: String(limit + 1) };
  if (after) [holes.afterFamilyName, holes.afterGivenName, holes.afterId] = assertPersonCursor(after);
  return (await ofClassesStatement(principal.role, holes, db).execute(db)).rows;
}
