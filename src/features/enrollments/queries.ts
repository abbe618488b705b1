// SQL for enrollments: student enrollments of visible students, staff enrollments of visible classes; keyset by creation.
import type { Selectable } from 'kysely';
import type { Principal } from '../../auth/principal.ts';
import { canSeeStudent } from '../../auth/policy.ts';
import type { Executor } from '../../db/database.ts';
import type { Enrollments } from '../../db/types.ts';
import type { CursorKey } from '../../http/paging.ts';
import { canSeeClass } from '../../auth/policy.ts';
import { afterTimeKey, timeKey } from '../../http/paging.ts';
import type { EnrollmentListQuery } from './schemas.ts';
import { visibleById } from '../../auth/visible-by-id.ts';

export type EnrollmentRow = Selectable<Enrollments> & { cursorAt: string };

function visibleEnrollments(db: Executor, principal: Principal) {
  return db.selectFrom('enrollments as e').selectAll('e').select(timeKey('e.createdAt').as('cursorAt')).where((eb) => eb.or([
    eb.and([eb('e.studentId', 'is not', null), canSeeStudent(eb, principal, 'e.studentId')]),
    eb.and([eb('e.staffId', 'is not', null), canSeeClass(eb, principal, 'e.classId')]),
  ]));
}

export const findEnrollment = visibleById<EnrollmentRow>('e', visibleEnrollments);

export async function listEnrollmentRows(db: Executor, principal: Principal, filter: EnrollmentListQuery,
  after: CursorKey | undefined, limit: number): Promise<EnrollmentRow[]> {
  let query = visibleEnrollments(db, principal);
  if (filter.classId) query = query.where('e.classId', '=', filter.classId);
  if (filter.studentId) query = query.where('e.studentId', '=', filter.studentId);
  if (filter.staffId) query = query.where('e.staffId', '=', filter.staffId);
  if (filter.schoolId) query = query.where('e.schoolId', '=', filter.schoolId);
  if (filter.role) query = query.where('e.role', '=', filter.role);
  if (filter.status) query = query.where('e.status', '=', filter.status);
  if (after) query = query.where(afterTimeKey('e.createdAt', 'e.id', after, 'asc'));
  return query.orderBy('e.createdAt').orderBy('e.id').limit(limit + 1).execute();
}
