// /healthz lives with the process; /readyz needs a reachable, fully migrated database.
import t from 'tap';
import { buildApp } from '../../src/app.ts';
import { startTestApp, testConfig } from '../helpers/app.ts';
import { createTestDatabase } from '../helpers/databases.ts';

t.test('healthz and readyz answer 200 on a migrated database, without a token', async (t) => {
  const { app } = await startTestApp(t);
  const health = await app.inject({ method: 'GET', url: '/healthz' });
  t.equal(health.statusCode, 200);
  t.same(health.json(), { status: 'ok' });
  const ready = await app.inject({ method: 'GET', url: '/readyz' });
  t.equal(ready.statusCode, 200);
  t.same(ready.json(), { status: 'ready' });
});

t.test('readyz is 503 problem+json while migrations are pending', async (t) => {
  const database = await createTestDatabase({ migrated: false });
  const app = await buildApp(testConfig(database.url));
  t.teardown(async () => {
    await app.close();
    await database.drop();
  });
  const ready = await app.inject({ method: 'GET', url: '/readyz' });
  t.equal(ready.statusCode, 503);
  t.match(ready.headers['content-type'], /^application\/problem\+json/);
  t.match(ready.json(), { status: 503, code: 'KINSHIP_UNAVAILABLE', detail: /migration/ });
  t.equal((await app.inject({ method: 'GET', url: '/healthz' })).statusCode, 200);
});

t.test('readyz is 503 when the database does not answer', async (t) => {
  const app = await buildApp(testConfig('postgres://postgres@127.0.0.1:1/nowhere'));
  t.teardown(() => app.close());
  const ready = await app.inject({ method: 'GET', url: '/readyz' });
  t.equal(ready.statusCode, 503);
  t.match(ready.json(), { code: 'KINSHIP_UNAVAILABLE', detail: /database/ });
  t.ok(ready.headers['retry-after']);
});

t.test('request ids: an incoming X-Request-Id is honoured, otherwise one is generated', async (t) => {
  const { app } = await startTestApp(t);
  const echoed = await app.inject({ method: 'GET', url: '/healthz', headers: { 'x-request-id': 'abc-123' } });
  t.equal(echoed.headers['x-request-id'], 'abc-123');
  const generated = await app.inject({ method: 'GET', url: '/healthz' });
  t.match(generated.headers['x-request-id'], /^[0-9a-f-]{36}$/);
  const hostile = await app.inject({ method: 'GET', url: '/healthz', headers: { 'x-request-id': 'x'.repeat(500) } });
  t.not(hostile.headers['x-request-id'], 'x'.repeat(500));
});

t.test('unknown routes answer 404 problem+json', async (t) => {
  const { app } = await startTestApp(t);
  const res = await app.inject({ method: 'GET', url: '/nope' });
  t.equal(res.statusCode, 404);
  t.match(res.headers['content-type'], /^application\/problem\+json/);
  t.match(res.json(), { type: /not-found$/, title: 'Not found', status: 404, detail: /\/nope/ });
});
