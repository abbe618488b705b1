// Staff rules: who sees which staff (guardians only names and roles), and local staff created by district admins.
import { audit } from '../../auth/audit.ts';
import { assertScope, familyOnly } from '../../auth/policy.ts';
import { inTransaction, type ServiceContext } from '../../http/context.ts';
import { NotFoundError, UnprocessableError } from '../../http/errors.ts';
import { decodeCursor, pageLimit, toPage, type Page } from '../../http/paging.ts';
import { isSchool } from '../schools/service.ts';
import { assertRosterCreator, metadataToApi, personCursor, rosterFieldsToApi } from '../students/roster-common.ts';
import { byIds, distinct, listsByParent } from '../../db/batch.ts';
import { activeStaffExists, findStaff, findStaffRows, listTeacherRowsOfClasses, insertStaff, listStaffRows, type StaffRow } from './queries.ts';
import type { StaffCreate, StaffListQuery, StaffMember } from './schemas.ts';


export function staffRowToApi(row: StaffRow, forFamily: boolean): StaffMember {
  const names = {
    id: row.id,
    givenName: row.givenName,
    familyName: row.familyName,
    preferredFirstName: row.preferredFirstName,
    role: row.role as StaffMember['role'],
  };
  if (forFamily) return names;
  return {
    ...names,
    ...rosterFieldsToApi(row),
    middleName: row.middleName,
    identifier: row.identifier,
    username: row.username,
    email: row.email,
    phone: row.phone,
    schools: row.schools.map((s) => ({ schoolId: s.schoolId, role: s.role as StaffMember['role'], isPrimary: s.isPrimary })),
    metadata: metadataToApi(row.metadata),
  };
}

export async function listStaff(ctx: ServiceContext, query: StaffListQuery): Promise<Page<StaffMember>> {
  assertScope(ctx.principal, 'roster', 'read');
  const limit = pageLimit(query);
  const rows = await listStaffRows(ctx.db, ctx.principal, query, decodeCursor(query.cursor), limit);
  return toPage(rows, limit, personCursor, (r) => staffRowToApi(r, familyOnly(ctx.principal)));
}

export async function getStaff(ctx: ServiceContext, id: string): Promise<StaffMember> {
  assertScope(ctx.principal, 'roster', 'read');
  const row = await findStaff(ctx.db, ctx.principal, id);
  if (!row) throw new NotFoundError('Staff member', id);
  return staffRowToApi(row, familyOnly(ctx.principal));
}

export async function createStaff(ctx: ServiceContext, input: StaffCreate): Promise<StaffMember> {
  assertRosterCreator(ctx.principal, 'staff');
  return inTransaction(ctx, async (tx) => {
    const schools = input.schools ?? [];
    const errors = [];
    for (const [i, s] of schools.entries()) {
      if (!(await isSchool(tx, s.schoolId))) errors.push({ path: `/body/schools/${i}/schoolId`, message: 'is not a school' });
    }
    if (errors.length > 0) throw new UnprocessableError('Every school must be a school of the district', errors);
    const role = input.role ?? 'teacher';
    const id = await insertStaff(tx.db, {
      source: 'local',
      sourcedId: input.sourcedId ?? null,
      role,
      givenName: input.givenName,
      familyName: input.familyName,
      middleName: input.middleName ?? null,
      preferredFirstName: input.preferredFirstName ?? null,
      identifier: input.identifier ?? null,
      username: input.username ?? null,
      email: input.email ?? null,
      phone: input.phone ?? null,
      metadata: JSON.stringify(input.metadata ?? {}),
    }, schools.map((s, i) => ({ schoolId: s.schoolId, role: s.role ?? role, isPrimary: s.isPrimary ?? i === 0 })));
    await audit(tx, [{ action: 'create', recordType: 'staff', recordId: id, studentId: null }]);
    const row = await findStaff(tx.db, tx.principal, id);
    if (!row) throw new NotFoundError('Staff member', id);
    return staffRowToApi(row, false);
  });
}

/** For other roster features: is this an active staff member? */
export async function isActiveStaff(ctx: ServiceContext, id: string): Promise<boolean> {
  return activeStaffExists(ctx.db, id);
}

/** Visible staff by id, in the order of the ids (null where not visible). */
export async function getStaffByIds(ctx: ServiceContext, ids: readonly string[]): Promise<Array<StaffMember | null>> {
  assertScope(ctx.principal, 'roster', 'read');
  const rows = await findStaffRows(ctx.db, ctx.principal, distinct(ids));
  return byIds(ids, rows, (r) => staffRowToApi(r, familyOnly(ctx.principal)));
}

/** The visible teachers and aides of each class (one query for all the classes). */
export async function listTeachersOfClasses(ctx: ServiceContext, classIds: readonly string[]): Promise<StaffMember[][]> {
  assertScope(ctx.principal, 'roster', 'read');
  const rows = await listTeacherRowsOfClasses(ctx.db, ctx.principal, distinct(classIds));
  return listsByParent(classIds, rows, (r) => r.parentId, (r) => staffRowToApi(r, familyOnly(ctx.principal)));
}
