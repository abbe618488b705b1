// Runs left behind by a stopped process are marked failed when the service starts; a live sync's run is left alone.
import pg from 'pg';
import t from 'tap';
import { SYNC_LOCK_KEY } from '../../src/roster-sync/sync-service.ts';
import { buildApp } from '../../src/app.ts';
import { bearer, testConfig } from '../helpers/app.ts';
import { createTestDatabase } from '../helpers/databases.ts';

t.test('stale runs are failed at start-up, live ones are not', async (t) => {
  const database = await createTestDatabase();
  t.teardown(() => database.drop());
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  t.teardown(() => client.end());
  const insert = async (status: string, age: string) => (await client.query<{ id: string }>(
    `insert into sync_runs (status, created_at, started_at) values ($1, now() - $2::interval, now() - $2::interval) returning id`, [status, age])).rows[0]!.id;
  const staleRunning = await insert('running', '10 minutes');
  const oldQueued = await insert('queued', '2 hours');
  const freshQueued = await insert('queued', '1 minute');

  // A sync of another process holds the lock: its running run must survive this start-up.
  const holder = new pg.Client({ connectionString: database.url });
  await holder.connect();
  await holder.query('begin');
  await holder.query('select pg_advisory_xact_lock($1)', [SYNC_LOCK_KEY]);
  const statusOf = async (id: string) => (await client.query<{ status: string }>('select status from sync_runs where id = $1', [id])).rows[0]?.status;
  // The sweep runs in the background after start-up: wait until it has visibly run (the old queued run is failed).
  const settled = async (id: string, status: string) => {
    for (let i = 0; i < 100 && (await statusOf(id)) !== status; i++) await new Promise((resolve) => setTimeout(resolve, 50));
  };
  const liveApp = await buildApp(testConfig(database.url));
  await liveApp.ready();
  await settled(oldQueued, 'failed');
  await liveApp.close();
  const during = await client.query<{ id: string; status: string }>('select id, status from sync_runs');
  t.equal(during.rows.find((r) => r.id === staleRunning)?.status, 'running', 'a run whose sync may be alive is left running');
  await holder.query('rollback');
  await holder.end();

  const app = await buildApp(testConfig(database.url));
  await app.ready();
  t.teardown(() => app.close());
  await settled(staleRunning, 'failed');
  const run = async (id: string) => (await app.inject({ url: `/v1/roster/syncs/${id}`, headers: bearer(app, { role: 'district_admin', sub: 'admin' }) })).json();
  t.match(await run(staleRunning), { status: 'failed', errors: [{ severity: 'error', message: /stopped before it finished/ }] });
  t.match(await run(oldQueued), { status: 'failed' });
  t.match(await run(freshQueued), { status: 'queued' }, 'a recent upload may still be waiting in another instance');
});

t.test('the service starts even when the database is unmigrated or away', async (t) => {
  const empty = await createTestDatabase({ migrated: false });
  t.teardown(() => empty.drop());
  for (const url of [empty.url, 'postgres://postgres@127.0.0.1:1/nowhere']) {
    const app = await buildApp(testConfig(url));
    await app.ready();
    t.equal((await app.inject({ url: '/readyz' })).statusCode, 503, url);
    await app.close();
  }
});
