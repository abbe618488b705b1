// SQL for strategy resources: the visible library (canSeeResource in src/auth/policy.ts), filters, keyset order, and writes.
import { sql, type Insertable, type Selectable, type Updateable } from 'kysely';
import type { Principal } from '../../auth/principal.ts';
import { canSeeResource, staffSchoolIds } from '../../auth/policy.ts';
import type { Executor } from '../../db/database.ts';
import type { StrategyResources } from '../../db/types.ts';
import { afterTimeKey, type CursorKey } from '../../http/paging.ts';
import type { StrategyResourceListQuery } from './schemas.ts';
import { visibleById, visibleByIds } from '../../auth/visible-by-id.ts';

/** A resource row plus its exact creation time as text (microseconds), the keyset cursor's sort value. */
export type StrategyResourceRow = Selectable<StrategyResources> & { createdAtKey: string };

export function visibleResources(db: Executor, principal: Principal) {
  return db.selectFrom('strategyResources as sr')
    .selectAll('sr')
    .select(sql<string>`sr.created_at::text`.as('createdAtKey'))
    .where((eb) => canSeeResource(eb, principal));
}

export const findResource = visibleById<StrategyResourceRow>('sr', visibleResources);

export async function listResourceRows(db: Executor, principal: Principal, filter: StrategyResourceListQuery,
  after: CursorKey | undefined, limit: number): Promise<StrategyResourceRow[]> {
  let query = visibleResources(db, principal)
    .where('sr.archivedAt', filter.archived ? 'is not' : 'is', null);
  if (filter.kind) query = query.where('sr.kind', '=', filter.kind);
  if (filter.setting) query = query.where('sr.setting', '=', filter.setting);
  if (filter.scope) query = query.where('sr.scope', '=', filter.scope);
  if (filter.schoolId) query = query.where('sr.schoolId', '=', filter.schoolId);
  if (filter.gradeBand) query = query.where('sr.gradeBand', '=', filter.gradeBand);
  if (filter.createdBy) query = query.where('sr.createdBy', '=', filter.createdBy);
  if (filter.updatedSince) query = query.where('sr.updatedAt', '>=', new Date(filter.updatedSince));
  if (filter.tag) query = query.where(sql<boolean>`sr.tags @> array[${filter.tag}]::text[]`);
  if (filter.language) {
    // A tag matches itself and its regional or script variants: "es" finds "es-MX".
    const language = filter.language.toLowerCase();
    query = query.where(sql<boolean>`exists (select 1 from unnest(sr.languages) l
      where lower(l) = ${language} or lower(l) like ${`${language.replace(/[\\%_]/g, (c) => `\\${c}`)}-%`})`);
  }
  if (filter.q) {
    const pattern = `%${filter.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    query = query.where((eb) => eb.or([eb('sr.title', 'ilike', pattern), eb('sr.summary', 'ilike', pattern)]));
  }
  if (after) query = query.where(afterTimeKey('sr.createdAt', 'sr.id', after, 'desc'));
  return query.orderBy('sr.createdAt', 'desc').orderBy('sr.id', 'desc').limit(limit + 1).execute();
}

/** True when a school-scoped resource may be placed in this school by the principal. */
export async function schoolAvailableTo(db: Executor, principal: Principal, schoolId: string): Promise<boolean> {
  let query = db.selectFrom('orgs').select('id').where('id', '=', schoolId).where('type', '=', 'school').where('status', '=', 'active');
  if (principal.role === 'teacher' || principal.role === 'school_admin') query = query.where('id', 'in', staffSchoolIds(principal));
  return (await query.executeTakeFirst()) !== undefined;
}

export async function insertResource(db: Executor, values: Insertable<StrategyResources>): Promise<string> {
  const { id } = await db.insertInto('strategyResources').values(values).returning('id').executeTakeFirstOrThrow();
  return id;
}

/** Archives now (the transaction's time); an archived resource keeps its first archive time. */
export async function archiveResourceRow(db: Executor, id: string): Promise<void> {
  await db.updateTable('strategyResources').set({ archivedAt: sql<Date>`coalesce(archived_at, now())` }).where('id', '=', id).execute();
}

export async function updateResourceRow(db: Executor, id: string, values: Updateable<StrategyResources>): Promise<void> {
  if (Object.keys(values).length === 0) return;
  await db.updateTable('strategyResources').set(values).where('id', '=', id).execute();
}

/** Visible resources by id. */
export const findResourceRows = visibleByIds<StrategyResourceRow>('sr', visibleResources);
