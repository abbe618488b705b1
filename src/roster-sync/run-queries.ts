// SQL for sync runs: one run, and the newest-first keyset list with its status filter.
import type { Selectable } from 'kysely';
import type { Executor } from '../db/database.ts';
import type { SyncRuns } from '../db/types.ts';
import { afterTimeKey, timeKey, type CursorKey } from '../http/paging.ts';

export type SyncRunRow = Selectable<SyncRuns> & { cursorAt: string };

function runs(db: Executor) {
  return db.selectFrom('syncRuns as sr').selectAll('sr').select(timeKey('sr.createdAt').as('cursorAt'));
}

export async function findSyncRun(db: Executor, id: string): Promise<SyncRunRow | undefined> {
  return runs(db).where('sr.id', '=', id).executeTakeFirst();
}

export async function listSyncRunRows(db: Executor, filter: { status?: string }, after: CursorKey | undefined,
  limit: number): Promise<SyncRunRow[]> {
  let query = runs(db);
  if (filter.status) query = query.where('sr.status', '=', filter.status);
  if (after) query = query.where(afterTimeKey('sr.createdAt', 'sr.id', after, 'desc'));
  return query.orderBy('sr.createdAt', 'desc').orderBy('sr.id', 'desc').limit(limit + 1).execute();
}
