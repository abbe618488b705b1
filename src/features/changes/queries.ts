// SQL for the change feed: events whose transaction has finished, in (txid, id) order after a position.
import { sql, type RawBuilder, type Selectable } from 'kysely';
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

/** A snapshot key camelCased the way the API names fields: `guardian_ids` → `guardianIds`. */
const camelCaseOf = (k: RawBuilder<unknown>) =>
  sql<string>`case when strpos(${k}, '_') = 0 then ${k} else lower(left(${k}, 1)) || substr(replace(initcap(${k}), '_', ''), 2) end`;

let columnNames: Promise<string> | undefined;

/**
 * Every column name of the schema with its API name, as one jsonb object, built once per process by `camelCaseOf`.
 * Looking a key up in it (a binary search) costs a third of computing the name with string functions, which was a
 * third of a feed page's query; a key it lacks (`guardian_ids`, a column added later) is still computed.
 */
function apiColumnNames(db: Executor): Promise<string> {
  columnNames ??= sql<{ names: string }>`select coalesce(jsonb_object_agg(c, ${camelCaseOf(sql.ref('c'))}), '{}')::text as names
    from (select distinct column_name::text as c from information_schema.columns where table_schema = current_schema()) as columns`
    .execute(db).then((result) => result.rows[0]!.names, (error: unknown) => {
      columnNames = undefined;
      throw error;
    });
  return columnNames;
}

const camelKey = (names: string) => sql`coalesce(${names}::jsonb ->> k, ${camelCaseOf(sql.ref('k'))})`;

/** The row snapshot with camelCased keys, as jsonb (parsed by the driver) … */
const camelData = (names: string) => sql`(select jsonb_object_agg(${camelKey(names)}, v) from jsonb_each(ce.data) as e(k, v))`;

/** … and as json text, which PostgreSQL assembles without building and sorting a jsonb value first (twice as fast). */
const camelDataJson = (names: string) => sql`(select json_object_agg(${camelKey(names)}, v) from jsonb_each(ce.data) as e(k, v))`;

/**
 * Events after `after`, of the given types, oldest first. Only events of transactions below the horizon are
 * returned: no later commit can ever land before the returned position, so a reader resuming from it misses nothing
 * and sees nothing twice, however transactions interleave.
 */
function feedQuery(db: Executor, after: FeedPosition | undefined, types: readonly string[] | undefined, limit: number) {
  let query = db.selectFrom('changeEvents as ce')
    .select(['ce.id', 'ce.txid', 'ce.entityType', 'ce.entityId', 'ce.studentId'])
    .where(sql<boolean>`ce.txid < ${feedHorizon}`);
  if (after) query = query.where(sql<boolean>`(ce.txid, ce.id) > (${after.txid}::xid8, ${after.id}::bigint)`);
  if (types) query = query.where('ce.entityType', '=', sql<string>`any(${types}::text[])`);
  return query.orderBy('ce.txid').orderBy('ce.id').limit(limit);
}

/** Feed events as rows, data camelCased in SQL: what webhook delivery sends, one event at a time. */
export async function listChangeEventRows(db: Executor, after: FeedPosition | undefined, types: readonly string[] | undefined,
  limit: number): Promise<ChangeEventRow[]> {
  const names = await apiColumnNames(db);
  return feedQuery(db, after, types, limit)
    .select(['ce.operation', 'ce.occurredAt', sql<ChangeEventRow['data']>`${camelData(names)}`.as('data')])
    .execute();
}

/** What a feed page needs besides each event's JSON: its position and, for the audit, what it is about. */
export interface ChangeEventJsonRow {
  id: number;
  txid: string;
  entityType: string;
  entityId: string;
  studentId: string | null;
  json: string;
}

/**
 * Feed events each serialised by PostgreSQL as the API's ChangeEvent (occurredAt rendered as `toISOString()` does), so
 * the REST feed passes the text through instead of parsing every row's data and serialising it again.
 */
export async function listChangeEventJson(db: Executor, after: FeedPosition | undefined, types: readonly string[] | undefined,
  limit: number): Promise<ChangeEventJsonRow[]> {
  const names = await apiColumnNames(db);
  return feedQuery(db, after, types, limit)
    .select(sql<string>`json_build_object('id', ce.id, 'type', ce.entity_type, 'entityId', ce.entity_id,
      'operation', ce.operation, 'studentId', ce.student_id,
      'occurredAt', to_char(ce.occurred_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
      'data', ${camelDataJson(names)})::text`.as('json'))
    .execute();
}

/** The position just before every event not yet final: where a new subscriber starts. */
export async function currentFeedHead(db: Executor): Promise<FeedPosition> {
  const row = await sql<{ txid: string }>`select ${feedHorizon}::text as txid`.execute(db);
  return { txid: row.rows[0]!.txid, id: 0 };
}
