// SQL for student–guardian links: the links of a student whose guardian the caller may see, paging and writes.
import type { Insertable, Selectable, Updateable } from 'kysely';
import type { Principal, Role } from '../../auth/principal.ts';
import { callerFromHoles, callerHoles, canSeeStudent, type CallerHoles } from '../../auth/policy.ts';
import { anyId } from '../../db/batch.ts';
import type { Executor } from '../../db/database.ts';
import { frozenStatement } from '../../db/frozen-sql.ts';
import type { StudentGuardians } from '../../db/types.ts';
import type { CursorKey } from '../../http/paging.ts';
import { afterTimeKey, timeKey } from '../../http/paging.ts';
import { canSeeGuardian } from '../../auth/policy.ts';

export type LinkRow = Selectable<StudentGuardians> & { cursorAt: string };

/** Active links whose guardian is visible; district admins and integrations also see ended links. */
function visibleLinks(db: Executor, principal: Principal, studentId: string) {
  let query = db.selectFrom('studentGuardians as sg').selectAll('sg').select(timeKey('sg.createdAt').as('cursorAt')).where('sg.studentId', '=', studentId)
    .where((eb) => canSeeGuardian(eb, principal, 'sg.guardianId'));
  if (principal.role !== 'district_admin' && principal.role !== 'integration') query = query.where('sg.status', '=', 'active');
  return query;
}

export async function findLink(db: Executor, principal: Principal, studentId: string, guardianId: string, forUpdate = false): Promise<LinkRow | undefined> {
  let query = visibleLinks(db, principal, studentId).where('sg.guardianId', '=', guardianId);
  if (forUpdate) query = query.forUpdate('sg');
  return query.executeTakeFirst();
}

export async function listLinkRows(db: Executor, principal: Principal, studentId: string, status: 'active' | 'inactive' | undefined,
  after: CursorKey | undefined, limit: number): Promise<LinkRow[]> {
  let query = visibleLinks(db, principal, studentId);
  if (status) query = query.where('sg.status', '=', status);
  if (after) query = query.where(afterTimeKey('sg.createdAt', 'sg.id', after, 'asc'));
  return query.orderBy('sg.createdAt').orderBy('sg.id').limit(limit + 1).execute();
}

export async function insertLink(db: Executor, values: Insertable<StudentGuardians>): Promise<void> {
  await db.insertInto('studentGuardians').values(values).execute();
}

export async function updateLinkRow(db: Executor, id: string, values: Updateable<StudentGuardians>): Promise<void> {
  if (Object.keys(values).length === 0) return;
  await db.updateTable('studentGuardians').set(values).where('id', '=', id).execute();
}

/** The links of students (GraphQL), built once per role: the caller's ids and the students are parameters. */
const ofStudentsStatement = frozenStatement<Role, CallerHoles & { studentIds: readonly string[] }, Executor, LinkRow>((role, holes, db) => {
  const principal = callerFromHoles(role, holes);
  let query = db.selectFrom('studentGuardians as sg').selectAll('sg').select(timeKey('sg.createdAt').as('cursorAt'))
    .where('sg.studentId', '=', anyId(holes.studentIds))
    .where((eb) => canSeeStudent(eb, principal, 'sg.studentId'))
    .where((eb) => canSeeGuardian(eb, principal, 'sg.guardianId'));
  if (role !== 'district_admin' && role !== 'integration') query = query.where('sg.status', '=', 'active');
  return query.orderBy('sg.createdAt').orderBy('sg.id');
});

/** The links of each student whose student and guardian the caller may see (as visibleLinks, for many students at once). */
export async function listLinkRowsOfStudents(db: Executor, principal: Principal, studentIds: string[]): Promise<LinkRow[]> {
  if (studentIds.length === 0) return [];
  return (await ofStudentsStatement(principal.role, { ...callerHoles(principal), studentIds }, db).execute(db)).rows;
}
