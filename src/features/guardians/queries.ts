// SQL for guardians: the visible guardians (canSeeGuardian in src/auth/policy.ts) and whose contact details, filters, paging and writes.
import { sql, type Insertable, type Selectable, type SqlBool, type Updateable } from 'kysely';
import type { Principal } from '../../auth/principal.ts';
import { canSeeGuardian } from '../../auth/policy.ts';
import type { Executor } from '../../db/database.ts';
import type { Guardians } from '../../db/types.ts';
import type { CursorKey } from '../../http/paging.ts';
import { afterPerson, containsPattern } from '../students/roster-common.ts';
import type { GuardianListQuery } from './schemas.ts';
import { visibleById, visibleByIds } from '../../auth/visible-by-id.ts';

export type GuardianRow = Selectable<Guardians> & { contactVisible: boolean };

/** Whether the principal sees the guardian's email and phones: staff always; guardians for themselves and their own family. */
function contactVisible(principal: Principal) {
  if (principal.role !== 'guardian') return sql<boolean>`true`;
  return sql<boolean>`(g.id = ${principal.sub}::uuid or coalesce(g.family_id = (select me.family_id from guardians me
    where me.id = ${principal.sub}::uuid and me.status = 'active'), false))`;
}

export function visibleGuardians(db: Executor, principal: Principal) {
  return db.selectFrom('guardians as g').selectAll('g').select(contactVisible(principal).as('contactVisible'))
    .where((eb) => canSeeGuardian(eb, principal, 'g.id', 'g.familyId'));
}

export const findGuardian = visibleById<GuardianRow>('g', visibleGuardians);

export async function listGuardianRows(db: Executor, principal: Principal, filter: GuardianListQuery,
  after: CursorKey | undefined, limit: number): Promise<GuardianRow[]> {
  let query = visibleGuardians(db, principal);
  if (filter.familyId) query = query.where('g.familyId', '=', filter.familyId);
  if (filter.status) query = query.where('g.status', '=', filter.status);
  if (filter.updatedSince) query = query.where('g.updatedAt', '>=', new Date(filter.updatedSince));
  if (filter.q) query = query.where(sql<SqlBool>`g.given_name || ' ' || g.family_name ilike ${containsPattern(filter.q)}`);
  if (filter.studentId) {
    const studentId = filter.studentId;
    query = query.where((eb) => eb.exists(eb.selectFrom('studentGuardians as fl').select('fl.id').whereRef('fl.guardianId', '=', 'g.id')
      .where('fl.studentId', '=', studentId).where('fl.status', '=', 'active')));
  }
  if (after) query = query.where(afterPerson('g', after));
  return query.orderBy('g.familyName').orderBy('g.givenName').orderBy('g.id').limit(limit + 1).execute();
}

export async function insertGuardian(db: Executor, values: Insertable<Guardians>): Promise<string> {
  const { id } = await db.insertInto('guardians').values(values).returning('id').executeTakeFirstOrThrow();
  return id;
}

export async function updateGuardianRow(db: Executor, id: string, values: Updateable<Guardians>): Promise<void> {
  if (Object.keys(values).length === 0) return;
  await db.updateTable('guardians').set(values).where('id', '=', id).execute();
}

/** Visible guardians by id (a page's links' guardians). */
export const findGuardians = visibleByIds<GuardianRow>('g', visibleGuardians);
