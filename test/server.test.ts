// The real entry point: starts on DATABASE_URL or an embedded PostgreSQL, logs where it is, stops cleanly on SIGTERM.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import t from 'tap';
import { TEST_JWT_SECRET } from './helpers/app.ts';
import { createTestDatabase } from './helpers/databases.ts';
import { freePort, spawnScript } from './helpers/process.ts';

t.test('with DATABASE_URL: migrates, listens, logs the redacted database, stops on SIGTERM', async (t) => {
  const database = await createTestDatabase({ migrated: false });
  t.teardown(() => database.drop());
  const port = await freePort();
  const url = new URL(database.url);
  // A server with password authentication (the embedded one) needs its real password; under trust any will do.
  const secret = url.password || 'hunter2-secret';
  url.password = secret;
  const server = spawnScript('src/server.ts', [], {
    DATABASE_URL: url.toString(), PORT: String(port), JWT_SECRET: TEST_JWT_SECRET, LOG_LEVEL: 'info',
  });
  t.teardown(() => server.child.kill('SIGKILL'));
  await server.waitFor(/kinship-api listening/);
  t.match(server.output(), /applied database migrations/);
  t.match(server.output(), new RegExp(`"url":"http://127\\.0\\.0\\.1:${port}"`));
  t.match(server.output(), /"database":"postgres:\/\/postgres:\*\*\*@/);
  t.notOk(server.output().includes(secret), 'the password is not logged');

  const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
  t.equal(ready.status, 200);
  server.child.kill('SIGTERM');
  const exit = await server.exited;
  t.same(exit, { code: 0, signal: null }, server.output());
  t.match(server.output(), /shutting down/);
});

t.test('a bad variable stops start-up with one line naming it', async (t) => {
  const server = spawnScript('src/server.ts', [], { PORT: 'eighty', DATABASE_URL: 'postgres://x@127.0.0.1/x' });
  const { code } = await server.exited;
  t.equal(code, 1);
  t.equal(server.output().trim(), 'Configuration error: PORT must be a whole number (got "eighty")');
});

t.test('production without key material refuses to start', async (t) => {
  const server = spawnScript('src/server.ts', [], { NODE_ENV: 'production', DATABASE_URL: 'postgres://x@127.0.0.1/x' });
  const { code } = await server.exited;
  t.equal(code, 1);
  t.match(server.output(), /JWT_SECRET or JWT_PUBLIC_KEY must be set when NODE_ENV=production/);
});

t.test('without DATABASE_URL: boots an embedded PostgreSQL whose data survives a restart', async (t) => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'kinship-embedded-'));
  t.teardown(() => rmSync(dataDir, { recursive: true, force: true }));
  const env = { DATA_DIR: dataDir, PORT: String(await freePort()), EMBEDDED_PG_PORT: String(await freePort()), LOG_LEVEL: 'info' };

  const first = spawnScript('src/server.ts', [], env);
  t.teardown(() => first.child.kill('SIGKILL'));
  await first.waitFor(/kinship-api listening/, 60_000);
  t.match(first.output(), /using embedded PostgreSQL/);
  t.match(first.output(), /generated a local signing secret/);
  t.equal((await fetch(`http://127.0.0.1:${env.PORT}/readyz`)).status, 200);
  first.child.kill('SIGTERM');
  t.equal((await first.exited).code, 0);

  const second = spawnScript('src/server.ts', [], env);
  t.teardown(() => second.child.kill('SIGKILL'));
  await second.waitFor(/kinship-api listening/, 60_000);
  t.match(second.output(), /database schema is up to date/, 'the data directory kept the migrated schema');
  t.notMatch(second.output(), /generated a local signing secret/, 'the local secret is reused');
  second.child.kill('SIGTERM');
  t.equal((await second.exited).code, 0);
});

t.test('the container image runs the service as npm start does, with the same V8 options', async (t) => {
  const root = new URL('..', import.meta.url);
  const start = (JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as { scripts: { start: string } }).scripts.start;
  const cmd = /^CMD (\[.*\])$/m.exec(readFileSync(new URL('Dockerfile', root), 'utf8'))?.[1];
  t.ok(cmd, 'the Dockerfile has an exec-form CMD');
  t.same(JSON.parse(cmd!), start.split(' '), `CMD is ${start}`);
  t.match(start, /--max-semi-space-size=\d+/, 'with the young generation docs/operations.md describes');
});
