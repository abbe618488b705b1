// Change feed throughput: generates events, then reads them all over HTTP the way a warehouse does, and reports events/s.
// Usage: node --import tsx bench/change-feed.ts [events=200000] ; BENCH_CHANGES_DATABASE_URL picks the database;
// BENCH_ROW_TRIGGERS=1 measures the former row-level triggers (migrations 0800 and 0400 undone) for comparison.
import pg from 'pg';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { createDatabase } from '../src/db/database.ts';
import { migrateToLatest } from '../src/db/migrator.ts';
import { down as restoreRowTriggers } from '../migrations/20261126_0400_change-feed-statement-triggers.ts';
import { down as restoreSnakeCaseState } from '../migrations/20261126_0800_change-feed-api-keys.ts';

const EVENTS = Number(process.argv[2] ?? 200_000);
const TRIGGER_ROWS = 50_000;
const url = new URL(process.env.BENCH_CHANGES_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/kinship_bench_changes');
const name = url.pathname.slice(1);
const adminUrl = new URL(url);
adminUrl.pathname = '/postgres';

const admin = new pg.Client({ connectionString: adminUrl.toString() });
await admin.connect();
await admin.query(`drop database if exists ${name} with (force)`);
await admin.query(`create database ${name}`);
await admin.end();
const { db } = createDatabase({ connectionString: url.toString(), poolMax: 1 });
await migrateToLatest(db);
if (process.env.BENCH_ROW_TRIGGERS === '1') {
  await restoreSnakeCaseState(db);
  await restoreRowTriggers(db);
}
await db.destroy();

const client = new pg.Client({ connectionString: url.toString() });
await client.connect();
const timed = async (label: string, text: string) => {
  const started = performance.now();
  await client.query(text);
  const ms = performance.now() - started;
  console.log(`${label}: ${ms.toFixed(0)} ms`);
  return ms;
};

// What the triggers cost a bulk write (a roster sync): the same statements with the change-feed triggers on and off
// (only those: foreign keys and updated_at still run), three rounds each (the best counts: the machine is shared).
const { rows: feedTriggers } = await client.query<{ name: string }>(
  `select tgname as name from pg_trigger where tgrelid = 'families'::regclass and tgname like '%\\_changes'`);
if (feedTriggers.length === 0) throw new Error('no change-feed triggers on families');
async function triggerCost(label: string, text: string): Promise<void> {
  const best = { on: Infinity, off: Infinity };
  for (let round = 0; round < 3; round++) {
    for (const mode of ['on', 'off'] as const) {
      await client.query('begin');
      if (mode === 'off') for (const { name } of feedTriggers) await client.query(`alter table families disable trigger ${name}`);
      const started = performance.now();
      await client.query(text);
      best[mode] = Math.min(best[mode], performance.now() - started);
      await client.query('rollback');
    }
  }
  console.log(`${label}: ${best.on.toFixed(0)} ms with change events, ${best.off.toFixed(0)} ms without: `
    + `${(((best.on - best.off) * 1000) / TRIGGER_ROWS).toFixed(1)} µs per row`);
}
await client.query(`insert into families (name) select 'Family ' || i from generate_series(1, ${TRIGGER_ROWS}) i`);
await triggerCost(`insert ${TRIGGER_ROWS} families`,
  `insert into families (name) select 'Family ' || i from generate_series(1, ${TRIGGER_ROWS}) i`);
await triggerCost(`update ${TRIGGER_ROWS} families`, `update families set notes = coalesce(notes, '') || 'x'`);
await triggerCost(`update ${TRIGGER_ROWS} families, nothing changed`, `update families set name = name`);
await triggerCost(`delete ${TRIGGER_ROWS} families`, `delete from families`);

// The events to read: shaped like contact log and student rows, three in four about a student, 100 per transaction.
// Their transaction ids must be below the feed horizon, so a new cluster first uses up enough transaction ids.
await client.query(`truncate change_events`);
const lastTxid = 1000 + Math.ceil(EVENTS / 100);
for (;;) {
  const { rows: [next] } = await client.query<{ txid: string }>(`select pg_current_xact_id()::text as txid`);
  if (Number(next!.txid) > lastTxid) break;
}
await timed(`generate ${EVENTS} events`, `
  insert into change_events (txid, entity_type, entity_id, operation, data, student_id, occurred_at)
  select (1000 + i / 100)::text::xid8,
    (array['contactLog','progressEvent','student','goal'])[1 + i % 4],
    gen_random_uuid(),
    (array['create','update','update','delete'])[1 + (i / 4) % 4],
    case when (i / 4) % 4 = 3 then null else jsonb_build_object(
      'id', gen_random_uuid(), 'studentId', gen_random_uuid(), 'authorId', gen_random_uuid(),
      'occurredAt', now() - i * interval '1 minute', 'channel', 'phone', 'direction', 'outbound', 'purpose', 'strength',
      'summary', repeat('Talked about a good week at school. ', 4), 'familyInput', 'Mom says thank you.',
      'staffNote', null, 'language', 'es', 'interpreterUsed', true, 'durationMinutes', 10, 'followUpDue', null,
      'followUpDoneAt', null, 'visibility', 'family', 'guardianIds', jsonb_build_array(gen_random_uuid()),
      'createdAt', now(), 'updatedAt', now()) end,
    case when i % 4 = 1 then null else gen_random_uuid() end,
    now()
  from generate_series(1, ${EVENTS}) i`);
await client.query('vacuum analyze change_events');
await client.end();

const config = loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'bench-secret-bench-secret-bench-secret-0123', DATABASE_URL: url.toString(), LOG_LEVEL: 'warn', WEBHOOK_WORKER_ENABLED: 'false',
  MAX_EVENT_LOOP_DELAY_MS: '0', RATE_LIMIT_MAX: '10000000' });
const app = await buildApp(config);
const address = await app.listen({ host: '127.0.0.1', port: 0 });
const token = app.jwt.sign({ role: 'district_admin', sub: 'bench' }, { expiresIn: '1h' });

/** Reads the whole feed page by page over HTTP; returns events/s. */
async function readAll(label: string, query = ''): Promise<number> {
  let after: string | null = null;
  let count = 0;
  const started = performance.now();
  for (;;) {
    const response: Response = await fetch(`${address}/v1/changes?limit=1000${query}${after ? `&after=${after}` : ''}`, { headers: { authorization: `Bearer ${token}` } });
    if (!response.ok) throw new Error(`${response.status} ${await response.text()}`);
    const page = (await response.json()) as { data: unknown[]; page: { nextCursor: string | null; hasMore: boolean } };
    count += page.data.length;
    after = page.page.nextCursor;
    if (!page.page.hasMore) break;
  }
  const seconds = (performance.now() - started) / 1000;
  const rate = count / seconds;
  console.log(`${label}: ${count} events in ${seconds.toFixed(2)} s = ${Math.round(rate)} events/s`);
  return rate;
}

await readAll('full feed, cold');
await readAll('full feed, warm');
await readAll('one type (contactLog)', '&types=contactLog');
await app.close();
