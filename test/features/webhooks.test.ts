// Webhooks: subscriptions over REST, and signed, retried, paused and restart-safe deliveries to a real local receiver.
import http from 'node:http';
import { createHmac } from 'node:crypto';
import t from 'tap';
import pg from 'pg';
import { buildApp } from '../../src/app.ts';
import { loadConfig, type Config } from '../../src/config.ts';
import { startSeededApp, testConfig } from '../helpers/app.ts';

const fast: Partial<Config> = { webhooks: { ...loadConfig({}).webhooks, pollIntervalMs: 20, retryBaseMs: 20, retryMaxDelayMs: 100, pauseAfterFailures: 3, timeoutMs: 5000 } };

interface Received { path: string; headers: http.IncomingHttpHeaders; raw: string; body: { id: number; type: string; operation: string; entityId: string; data: Record<string, unknown> | null } }

/** A receiver on 127.0.0.1: records every request and answers the statuses scripted for its path (the last one repeats). */
async function startReceiver(t: { teardown(fn: () => unknown): void }) {
  const received: Received[] = [];
  const script = new Map<string, number[]>();
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk: Buffer) => { raw += chunk.toString('utf8'); });
    req.on('end', () => {
      const path = req.url ?? '/';
      received.push({ path, headers: req.headers, raw, body: JSON.parse(raw) });
      const queue = script.get(path) ?? [200];
      res.writeHead(queue.length > 1 ? queue.shift()! : queue[0]!).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => { server.closeAllConnections(); server.close(); });
  const port = (server.address() as { port: number }).port;
  return { url: (path: string) => `http://127.0.0.1:${port}${path}`, received, script, at: (path: string) => received.filter((r) => r.path === path) };
}

/** Waits (bounded) until the condition holds: deliveries happen in the background. */
async function until(what: string, check: () => boolean | Promise<boolean>, limitMs = 20_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`gave up waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

t.test('webhooks', async (t) => {
  const { app, d, as, database } = await startSeededApp(t, { config: fast });
  const receiver = await startReceiver(t);
  const db = new pg.Client({ connectionString: database.url });
  await db.connect();
  t.teardown(() => db.end());
  const addFamily = async (name: string) => (await db.query(`insert into families (name) values ($1) returning id`, [name])).rows[0].id as string;
  const subscribe = async (path: string, eventTypes: string[]) => {
    const res = await app.inject({ method: 'POST', url: '/v1/webhooks', headers: as.districtAdmin, payload: { url: receiver.url(path), eventTypes } });
    if (res.statusCode !== 201) throw new Error(res.body);
    return res.json() as { id: string; secret: string };
  };
  const hookState = async (id: string) => (await app.inject({ url: `/v1/webhooks/${id}`, headers: as.districtAdmin })).json();
  const deliveries = async (id: string) => (await app.inject({ url: `/v1/webhooks/${id}/deliveries?limit=500`, headers: as.districtAdmin })).json().data;

  await t.test('manage subscriptions: create shows the secret once, read, list, patch with If-Match, delete', async (t) => {
    const res = await app.inject({ method: 'POST', url: '/v1/webhooks', headers: as.districtAdmin,
      payload: { url: 'https://warehouse.example/hooks', eventTypes: ['student', 'contactLog'], description: 'Warehouse' } });
    t.equal(res.statusCode, 201);
    const hook = res.json();
    t.equal(res.headers.location, `/v1/webhooks/${hook.id}`);
    t.match(hook, { url: 'https://warehouse.example/hooks', eventTypes: ['student', 'contactLog'], status: 'active', failureCount: 0, description: 'Warehouse' });
    t.match(hook.secret, /^whsec_[A-Za-z0-9_-]{43}$/);
    const read = await app.inject({ url: hook.id ? `/v1/webhooks/${hook.id}` : '', headers: as.districtAdmin });
    t.equal(read.statusCode, 200);
    t.notOk('secret' in read.json(), 'the secret is never shown again');
    const list = await app.inject({ url: '/v1/webhooks?limit=1', headers: as.districtAdmin });
    t.equal(list.json().data.length, 1);
    const stale = await app.inject({ method: 'PATCH', url: `/v1/webhooks/${hook.id}`, headers: { ...as.districtAdmin, 'if-match': '"nope"' }, payload: { description: 'x' } });
    t.equal(stale.statusCode, 412);
    const patched = await app.inject({ method: 'PATCH', url: `/v1/webhooks/${hook.id}`, headers: { ...as.districtAdmin, 'content-type': 'application/merge-patch+json', 'if-match': read.headers.etag as string },
      payload: { description: null, status: 'paused' } });
    t.equal(patched.statusCode, 200);
    t.match(patched.json(), { description: null, status: 'paused', pausedReason: 'Paused by an administrator' });
    t.equal((await app.inject({ method: 'DELETE', url: `/v1/webhooks/${hook.id}`, headers: as.districtAdmin })).statusCode, 204);
    t.equal((await app.inject({ url: `/v1/webhooks/${hook.id}`, headers: as.districtAdmin })).statusCode, 404);
    t.equal((await app.inject({ url: `/v1/webhooks/${hook.id}/deliveries`, headers: as.districtAdmin })).statusCode, 404);
  });

  await t.test('validation names the field', async (t) => {
    const cases: Array<[object, string]> = [
      [{ url: 'ftp://warehouse.example/x', eventTypes: ['student'] }, '/body/url'],
      [{ url: 'not a url', eventTypes: ['student'] }, '/body/url'],
      [{ url: 'https://warehouse.example/x', eventTypes: ['pupil'] }, '/body/eventTypes/0'],
      [{ url: 'https://warehouse.example/x', eventTypes: [] }, '/body/eventTypes'],
      [{ url: 'https://warehouse.example/x', eventTypes: ['student'], secret: 'mine' }, '/body/secret'],
    ];
    for (const [payload, path] of cases) {
      const res = await app.inject({ method: 'POST', url: '/v1/webhooks', headers: as.districtAdmin, payload });
      t.equal(res.statusCode, 400, path);
      t.ok(res.json().errors?.some((e: { path: string }) => e.path === path), `${path}: ${res.body}`);
    }
  });

  await t.test('only district admins manage webhooks', async (t) => {
    const payload = { url: 'https://warehouse.example/x', eventTypes: ['student'] };
    for (const role of ['schoolAdminA', 'teacherA', 'guardianA', 'integrationRead'] as const) {
      t.equal((await app.inject({ method: 'POST', url: '/v1/webhooks', headers: as[role], payload })).statusCode, 403, role);
      t.equal((await app.inject({ url: '/v1/webhooks', headers: as[role] })).statusCode, 403, role);
    }
  });

  await t.test('deliveries arrive in order, signed and verifiable, only of the chosen types and only from now on', async (t) => {
    await addFamily('Before the subscription');
    const hook = await subscribe('/signed', ['contactLog', 'family']);
    const log = (await app.inject({ method: 'POST', url: '/v1/contact-logs', headers: as.teacherA, payload: {
      studentId: d.studentA, occurredAt: '2026-09-10T15:00:00Z', channel: 'phone', purpose: 'strength', summary: 'A kind day.' } })).json();
    await db.query(`update guardians set preferred_channel = 'email' where id = $1`, [d.guardianA]);
    const familyId = await addFamily('After the subscription');
    await until('both events arrive', () => receiver.at('/signed').length >= 2);
    const got = receiver.at('/signed');
    t.same(got.map((r) => [r.body.type, r.body.operation, r.body.entityId]), [['contactLog', 'create', log.id], ['family', 'create', familyId]]);
    for (const r of got) {
      const timestamp = r.headers['kinship-timestamp'] as string;
      const expected = `v1=${createHmac('sha256', hook.secret).update(`${timestamp}.${r.raw}`).digest('hex')}`;
      t.equal(r.headers['kinship-signature'], expected, 'the signature verifies with the secret');
      t.equal(r.headers['kinship-webhook-id'], hook.id);
      t.equal(r.headers['kinship-event-id'], String(r.body.id));
      t.match(r.headers['content-type'], /application\/json/);
    }
    t.match(got[0]!.body.data, { summary: 'A kind day.', studentId: d.studentA, guardianIds: [] });
    await until('the log shows both', async () => (await deliveries(hook.id)).length >= 2);
    const logged = await deliveries(hook.id);
    t.same(logged.map((x: { eventId: number }) => x.eventId), [got[1]!.body.id, got[0]!.body.id], 'newest first');
    t.ok(logged.every((x: { statusCode: number; attempt: number; deliveredAt: string | null }) => x.statusCode === 200 && x.attempt === 1 && x.deliveredAt));
  });

  await t.test('a receiver answering 500 then 200 gets the same event again', async (t) => {
    receiver.script.set('/flaky', [500, 200]);
    const hook = await subscribe('/flaky', ['family']);
    const familyId = await addFamily('Retry me');
    await until('the retry arrives', () => receiver.at('/flaky').length >= 2);
    const got = receiver.at('/flaky');
    t.same(got.map((r) => r.body.entityId), [familyId, familyId]);
    t.equal(got[0]!.body.id, got[1]!.body.id);
    await until('the log shows both attempts', async () => (await deliveries(hook.id)).length >= 2);
    t.match(await deliveries(hook.id), [
      { attempt: 2, statusCode: 200, error: null, nextAttemptAt: null },
      { attempt: 1, statusCode: 500, error: 'The receiver answered 500', deliveredAt: null },
    ]);
    t.ok((await deliveries(hook.id))[1].nextAttemptAt, 'a failed attempt says when it is retried');
    t.match(await hookState(hook.id), { status: 'active', failureCount: 0 });
  });

  await t.test('a permanently failing receiver pauses the webhook; PATCH resumes it', async (t) => {
    receiver.script.set('/down', [503]);
    const hook = await subscribe('/down', ['family']);
    const familyId = await addFamily('Nobody home');
    await until('the webhook is paused', async () => (await hookState(hook.id)).status === 'paused');
    const state = await hookState(hook.id);
    t.match(state, { status: 'paused', failureCount: 3, pausedReason: 'Paused after 3 consecutive failed deliveries' });
    const logged = await deliveries(hook.id);
    t.same(logged.map((x: { attempt: number }) => x.attempt), [3, 2, 1]);
    t.equal(logged[0].nextAttemptAt, null, 'no retry is scheduled once paused');
    t.equal(receiver.at('/down').length, 3);
    receiver.script.set('/down', [200]);
    const resumed = await app.inject({ method: 'PATCH', url: `/v1/webhooks/${hook.id}`, headers: as.districtAdmin, payload: { status: 'active' } });
    t.match(resumed.json(), { status: 'active', failureCount: 0, pausedReason: null });
    await until('the event is delivered after resuming', async () => (await hookState(hook.id)).lastSuccessAt !== null);
    t.same(receiver.at('/down').map((r) => r.body.entityId), [familyId, familyId, familyId, familyId]);
  });

  await t.test('a restarted app resumes from the stored cursor without redelivering', async (t) => {
    const hook = await subscribe('/restart', ['family']);
    await addFamily('Before the restart');
    await until('the first event arrives', () => receiver.at('/restart').length === 1);
    await until('it is acknowledged', async () => (await hookState(hook.id)).lastSuccessAt !== null);
    await app.close();
    await addFamily('While down 1');
    await addFamily('While down 2');
    const again = await buildApp(testConfig(database.url, fast), { validateResponses: true });
    await again.ready();
    t.teardown(() => again.close());
    await until('the events written while down arrive', () => receiver.at('/restart').length >= 3);
    const got = receiver.at('/restart');
    t.same(got.map((r) => r.body.data?.name), ['Before the restart', 'While down 1', 'While down 2']);
    t.equal(new Set(got.map((r) => r.body.id)).size, 3, 'nothing delivered twice');
    const logged = async () => (await again.inject({ url: `/v1/webhooks/${hook.id}/deliveries`, headers: as.districtAdmin })).json().data;
    await until('the new app logs its deliveries', async () => (await logged()).length >= 3);
    t.same((await logged()).map((x: { attempt: number; statusCode: number }) => [x.attempt, x.statusCode]), [[1, 200], [1, 200], [1, 200]]);
  });
});
