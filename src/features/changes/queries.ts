// SQL for the change feed: events whose transaction has finished, in (txid, id) order after a position.
import { sql, type Selectable } from 'kysely';
import type { Executor } from '../../db/database.ts';
import type { ChangeEvents } from '../../db/types.ts';

export type ChangeEventRow = Selectable<ChangeEvents>;

/** A position in the feed: the transaction id (xid8, as text) and the event id. */
export interface FeedPosition {
  txid: string;
  id: number;
}

/**
 * The feed horizon: the oldest transaction of this database still running when the statement's snapshot was
 * taken, or the next transaction id when none is. Every transaction below it has finished and is visible to the
 * statement. Transactions of other databases on the same server (seen running there) do not hold it back; one
 * that cannot be placed (it finished meanwhile, or its session is not visible) does, to stay safe.
 */
export const feedHorizon = sql<string>`(select least(pg_snapshot_xmax(pg_current_snapshot()),
  (select min(x) from pg_snapshot_xip(pg_current_snapshot()) as x where not exists (
    select 1 from pg_stat_activity a where a.backend_xid = x::xid and a.datname <> current_database()))))`;

/**
 * Events after `after`, of the given types, up to `upTo`: the feed horizon, or the last position of a page already
 * found below it.
 */
function eventsIn(db: Executor, after: FeedPosition | undefined, types: readonly string[] | undefined, upTo: FeedPosition | 'horizon') {
  let query = db.selectFrom('changeEvents as ce').where(upTo === 'horizon'
    ? sql<boolean>`ce.txid < ${feedHorizon}`
    : sql<boolean>`(ce.txid, ce.id) <= (${upTo.txid}::xid8, ${upTo.id}::bigint)`);
  if (after) query = query.where(sql<boolean>`(ce.txid, ce.id) > (${after.txid}::xid8, ${after.id}::bigint)`);
  if (types) query = query.where('ce.entityType', '=', sql<string>`any(${types}::text[])`);
  return query;
}

/**
 * Events after `after`, of the given types, oldest first. Only events of transactions below the horizon are
 * returned: no later commit can ever land before the returned position, so a reader resuming from it misses nothing
 * and sees nothing twice, however transactions interleave.
 */
function feedQuery(db: Executor, after: FeedPosition | undefined, types: readonly string[] | undefined, limit: number) {
  return eventsIn(db, after, types, 'horizon').select(['ce.id', 'ce.txid']).orderBy('ce.txid').orderBy('ce.id').limit(limit);
}

/** Feed events as rows (data is stored with the API's keys): what webhook delivery sends, one event at a time. */
export async function listChangeEventRows(db: Executor, after: FeedPosition | undefined, types: readonly string[] | undefined,
  limit: number): Promise<ChangeEventRow[]> {
  return feedQuery(db, after, types, limit)
    .select(['ce.entityType', 'ce.entityId', 'ce.studentId', 'ce.operation', 'ce.occurredAt', 'ce.data']).execute();
}

/**
 * Where a page of up to `limit` events after `after` ends, without reading them: its last event's position and
 * whether more events follow. An index-only scan of positions, so a page's audit and its JSON can then be read over
 * the same range at once.
 */
export async function findPageEnd(db: Executor, after: FeedPosition | undefined, types: readonly string[] | undefined,
  limit: number): Promise<{ last: FeedPosition | undefined; hasMore: boolean }> {
  const tail = await db.selectFrom(feedQuery(db, after, types, limit + 1).as('p'))
    .select(['p.txid', 'p.id', sql<string>`count(*) over ()`.as('count')])
    .orderBy('p.txid', 'desc').orderBy('p.id', 'desc').limit(2)
    .execute();
  const hasMore = tail.length > 0 && Number(tail[0]!.count) > limit;
  const last = tail[hasMore ? 1 : 0];
  return { last: last ? { txid: last.txid, id: last.id } : undefined, hasMore };
}

/**
 * A page's events, each serialised by PostgreSQL as the API's ChangeEvent (occurredAt rendered as `toISOString()`
 * does, data as stored), so the REST feed passes the text through instead of parsing and serialising every event.
 */
export async function listChangeEventJson(db: Executor, after: FeedPosition | undefined, last: FeedPosition,
  types: readonly string[] | undefined): Promise<string[]> {
  // `last` comes from `findPageEnd`: it is below the horizon, so the range holds exactly the events that call counted.
  const rows = await eventsIn(db, after, types, last)
    .select(sql<string>`json_build_object('id', ce.id, 'type', ce.entity_type, 'entityId', ce.entity_id,
      'operation', ce.operation, 'studentId', ce.student_id,
      'occurredAt', to_char(ce.occurred_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
      'data', ce.data)::text`.as('json'))
    .orderBy('ce.txid').orderBy('ce.id')
    .execute();
  return rows.map((row) => row.json);
}

/** The student records a page hands out, once each, as (record type, record id, student id): what its audit records. */
export function pageStudentRecords(db: Executor, after: FeedPosition | undefined, last: FeedPosition, types: readonly string[] | undefined) {
  return eventsIn(db, after, types, last)
    .distinctOn('ce.entityId')
    .select(['ce.entityType', 'ce.entityId', 'ce.studentId'])
    .where('ce.studentId', 'is not', null);
}

/** The position just before every event not yet final: where a new subscriber starts. */
export async function currentFeedHead(db: Executor): Promise<FeedPosition> {
  const row = await sql<{ txid: string }>`select ${feedHorizon}::text as txid`.execute(db);
  return { txid: row.rows[0]!.txid, id: 0 };
}
