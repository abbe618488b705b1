// SQL for staff: the visible staff (canSeeStaff in src/auth/policy.ts), filters, name-ordered keyset paging, and the local-staff insert.
import { sql, type Insertable, type Selectable, type SqlBool } from 'kysely';
import type { Principal } from '../../auth/principal.ts';
import { canSeeStaff } from '../../auth/policy.ts';
import type { Executor } from '../../db/database.ts';
import type { Staff } from '../../db/types.ts';
import type { CursorKey } from '../../http/paging.ts';
import { afterPerson, containsPattern } from '../students/roster-common.ts';
import type { StaffListQuery } from './schemas.ts';
import { visibleById, visibleByIds } from '../../auth/visible-by-id.ts';

export type StaffRow = Selectable<Staff> & { schools: Array<{ schoolId: string; role: string; isPrimary: boolean }> };

function visibleStaff(db: Executor, principal: Principal) {
  return db.selectFrom('staff as s').selectAll('s')
    .select(sql<StaffRow['schools']>`coalesce((select json_agg(json_build_object('schoolId', ss.school_id, 'role', ss.role,
      'isPrimary', ss.is_primary) order by ss.is_primary desc, ss.school_id) from staff_schools ss
      where ss.staff_id = s.id and ss.status = 'active'), '[]'::json)`.as('schools'))
    .where((eb) => canSeeStaff(eb, principal, 's.id'));
}

export const findStaff = visibleById<StaffRow>('s', visibleStaff);

export async function listStaffRows(db: Executor, principal: Principal, filter: StaffListQuery,
  after: CursorKey | undefined, limit: number): Promise<StaffRow[]> {
  let query = visibleStaff(db, principal);
  if (filter.role) query = query.where('s.role', '=', filter.role);
  if (filter.status) query = query.where('s.status', '=', filter.status);
  if (filter.updatedSince) query = query.where('s.updatedAt', '>=', new Date(filter.updatedSince));
  if (filter.q) query = query.where(sql<SqlBool>`s.given_name || ' ' || s.family_name ilike ${containsPattern(filter.q)}`);
  if (filter.schoolId) {
    const schoolId = filter.schoolId;
    query = query.where((eb) => eb.exists(eb.selectFrom('staffSchools as fs').select('fs.staffId').whereRef('fs.staffId', '=', 's.id')
      .where('fs.schoolId', '=', schoolId).where('fs.status', '=', 'active')));
  }
  if (filter.classId) {
    const classId = filter.classId;
    query = query.where((eb) => eb.exists(eb.selectFrom('enrollments as fe').select('fe.id').whereRef('fe.staffId', '=', 's.id')
      .where('fe.classId', '=', classId).where('fe.status', '=', 'active')));
  }
  if (after) query = query.where(afterPerson('s', after));
  return query.orderBy('s.familyName').orderBy('s.givenName').orderBy('s.id').limit(limit + 1).execute();
}

export async function insertStaff(db: Executor, values: Insertable<Staff>,
  schools: Array<{ schoolId: string; role: string; isPrimary: boolean }>): Promise<string> {
  const { id } = await db.insertInto('staff').values(values).returning('id').executeTakeFirstOrThrow();
  if (schools.length > 0) await db.insertInto('staffSchools').values(schools.map((s) => ({ staffId: id, ...s }))).execute();
  return id;
}

export async function activeStaffExists(db: Executor, id: string): Promise<boolean> {
  return (await db.selectFrom('staff').select('id').where('id', '=', id).where('status', '=', 'active').executeTakeFirst()) !== undefined;
}

/** Visible staff by id. */
export const findStaffRows = visibleByIds<StaffRow>('s', visibleStaff);

/** Visible staff actively teaching (teacher or aide) each class, by name. */
export async function listTeacherRowsOfClasses(db: Executor, principal: Principal, classIds: string[]): Promise<Array<StaffRow & { parentId: string }>> {
  if (classIds.length === 0) return [];
  return visibleStaff(db, principal).innerJoin('enrollments as be', 'be.staffId', 's.id').select('be.classId as parentId')
    .where('be.classId', 'in', classIds).where('be.status', '=', 'active').where('be.role', 'in', ['teacher', 'aide'])
    .orderBy('s.familyName').orderBy('s.givenName').orderBy('s.id').execute() as Promise<Array<StaffRow & { parentId: string }>>;
}
