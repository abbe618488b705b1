// The test harness: a test database's drop lets closing sessions end on their own and ends only those that stay open;
// test processes run with tap's configured plugin set.
import t from 'tap';
import pg from 'pg';
import { adminUrl, createTestDatabase } from '../helpers/databases.ts';

async function exists(url: string): Promise<boolean> {
  const admin = new pg.Client({ connectionString: adminUrl() });
  await admin.connect();
  try {
    const { rows } = await admin.query(`select 1 from pg_database where datname = $1`, [new URL(url).pathname.slice(1)]);
    return rows.length > 0;
  } finally {
    await admin.end();
  }
}

async function connectedClient(url: string): Promise<{ client: pg.Client; errors: string[] }> {
  const client = new pg.Client({ connectionString: url });
  const errors: string[] = [];
  client.on('error', (error) => errors.push(error.message));
  await client.connect();
  return { client, errors };
}

t.test('a session that closes while the drop starts ends on its own, without an error', async (t) => {
  const database = await createTestDatabase({ migrated: false });
  const { client, errors } = await connectedClient(database.url);
  // It closes 300 ms after the drop starts, as a pool's sessions may still be closing after pool.end() resolved.
  const closed = new Promise<void>((resolve) => setTimeout(() => void client.end().then(resolve, resolve), 300));
  await database.drop();
  await closed;
  t.same(errors, [], 'the closing client was not terminated');
  t.notOk(await exists(database.url), 'the database is gone');
});

t.test('a session that stays open is ended by the drop', async (t) => {
  const database = await createTestDatabase({ migrated: false });
  const { client, errors } = await connectedClient(database.url);
  await database.drop();
  t.notOk(await exists(database.url), 'the database is gone');
  t.match(errors, [/terminating connection due to administrator command/], 'the leaked session was terminated');
  await client.end().catch(() => undefined);
});

t.test('test files load through tsx alone, with tap built for its configured plugins (even on a fresh install)', async (t) => {
  t.ok(process.execArgv.some((arg) => /(^|=)tsx$/.test(arg)), 'tsx is the loader');
  t.notOk(process.execArgv.some((arg) => arg.includes('@tapjs/typescript')), "tap's TypeScript plugin (ts-node) is not loaded too");
});
