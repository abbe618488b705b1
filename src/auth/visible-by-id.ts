// A visible record (or records) by id, the statement built once per role (and lock) from the feature's visibility rule.
import type { SelectQueryBuilder } from 'kysely';
import { anyId } from '../db/batch.ts';
import type { Executor } from '../db/database.ts';
import { frozenStatement } from '../db/frozen-sql.ts';
import { callerFromHoles, callerHoles, type CallerHoles } from './policy.ts';
import type { Principal, Role } from './principal.ts';

/**
 * The read of one record through its visibility rule (`visible`, whose table has the alias `alias`), built and compiled
 * once per role and lock: the caller's ids and the record's id are parameters. Every GET by id runs one, and every
 * write reads its record through one, `for update`.
 */
export function visibleById<R>(alias: string, visible: (db: Executor, principal: Principal) => SelectQueryBuilder<any, any, any>) {
  const statement = frozenStatement<string, CallerHoles & { id: string }, Executor, R>((key, holes, db) => {
    const [role, lock] = key.split('|') as [Role, string];
    const query = visible(db, callerFromHoles(role, holes)).where(`${alias}.id`, '=', holes.id);
    return lock === 'for update' ? query.forUpdate(alias) : query;
  });
  return async (db: Executor, principal: Principal, id: string, forUpdate = false): Promise<R | undefined> =>
    (await statement(`${principal.role}|${forUpdate ? 'for update' : ''}`, { ...callerHoles(principal), id }, db).execute(db)).rows[0];
}

/**
 * The read of many records by id through their visibility rule (the parents of a GraphQL relation), built once per
 * role: the ids go as one `uuid[]` parameter, so one statement serves any number of them. Invisible ids are left out.
 */
export function visibleByIds<R>(alias: string, visible: (db: Executor, principal: Principal) => SelectQueryBuilder<any, any, any>) {
  const statement = frozenStatement<Role, CallerHoles & { ids: readonly string[] }, Executor, R>((role, holes, db) =>
    visible(db, callerFromHoles(role, holes)).where(`${alias}.id`, '=', anyId(holes.ids)));
  return async (db: Executor, principal: Principal, ids: string[]): Promise<R[]> =>
    ids.length === 0 ? [] : (await statement(principal.role, { ...callerHoles(principal), ids }, db).execute(db)).rows;
}
