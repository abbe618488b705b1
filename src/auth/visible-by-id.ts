// A visible record by id, its statement built once per role (and lock) from the feature's visibility base query.
import type { SelectQueryBuilder } from 'kysely';
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
