// Webhooks deliver to public addresses only (unless a deployment allows private ones), checked at registration and delivery.
import t from 'tap';
import { sendWebhook } from '../../src/features/webhooks/delivery.ts';
import { startSeededApp } from '../helpers/app.ts';
import { loadConfig } from '../../src/config.ts';

t.test('registration refuses loopback, private and reserved targets when they are not allowed', async (t) => {
  const webhooks = { ...loadConfig({}).webhooks, workerEnabled: false, allowPrivateTargets: false };
  const { app, as } = await startSeededApp(t, { config: { webhooks } });
  const create = (url: string) => app.inject({ method: 'POST', url: '/v1/webhooks', headers: as.districtAdmin, payload: { url, eventTypes: ['student'] } });
  for (const url of ['http://127.0.0.1:8080/hook', 'http://localhost/hook', 'http://10.1.2.3/hook', 'http://169.254.169.254/latest/meta-data',
    'http://[::1]/hook', 'http://192.168.0.10/hook', 'http://[::ffff:127.0.0.1]/hook']) {
    const res = await create(url);
    t.equal(res.statusCode, 422, url);
    t.equal(res.json().errors[0].path, '/body/url');
  }
  const pub = await create('https://93.184.216.34/kinship');
  t.equal(pub.statusCode, 201, 'a public address is accepted');
  const moved = await app.inject({ method: 'PATCH', url: `/v1/webhooks/${pub.json().id}`, headers: as.districtAdmin, payload: { url: 'http://10.0.0.5/x' } });
  t.equal(moved.statusCode, 422, 'nor can a webhook be moved to one');
});

t.test('delivery re-checks the target before every attempt', async (t) => {
  const event = { id: 1, type: 'student', entityId: '00000000-0000-4000-8000-000000000000', operation: 'create', studentId: null,
    occurredAt: '2026-11-26T00:00:00.000Z', data: {} } as never;
  const refused = await sendWebhook({ id: 'h', url: 'http://127.0.0.1:9/hook', secret: 's' }, event, 1000, false);
  t.match(refused, { ok: false, statusCode: null, error: /Not delivered: .*127\.0\.0\.1/ });
});

t.test('delivery connects only to the address it checked (no DNS rebinding)', async (t) => {
  const { createServer } = await import('node:http');
  let received = 0;
  const receiver = createServer((req, res) => { received += 1; req.resume(); res.end('ok'); });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  t.teardown(() => receiver.close());
  const port = (receiver.address() as { port: number }).port;
  const event = { id: 2, type: 'student', entityId: '00000000-0000-4000-8000-000000000000', operation: 'create', studentId: null,
    occurredAt: '2026-11-26T00:00:00.000Z', data: {} } as never;
  // A host whose first answer is public and every later one loopback: the classic rebinding attack on check-then-fetch.
  let lookups = 0;
  const rebinding = (_host: string, _options: unknown, callback: (error: null, addresses: Array<{ address: string; family: number }>) => void) => {
    lookups += 1;
    callback(null, [{ address: lookups === 1 ? '93.184.216.34' : '127.0.0.1', family: 4 }]);
  };
  const hook = { id: 'h', url: `http://hooks.example.test:${port}/in`, secret: 's' };
  lookups = 1; // the registration-time check already used the public answer
  const refused = await sendWebhook(hook, event, 2000, false, rebinding);
  t.match(refused, { ok: false, statusCode: null, error: /Not delivered: .*hooks\.example\.test resolves to 127\.0\.0\.1/ });
  t.equal(received, 0, 'nothing reached the internal address');

  // The same resolver decides where the socket goes: allowed, the delivery lands on the address it returned.
  const delivered = await sendWebhook(hook, event, 2000, true, rebinding);
  t.match(delivered, { ok: true, statusCode: 200 });
  t.equal(received, 1);
  const unresolvable = await sendWebhook(hook, event, 2000, false, (_h, _o, callback) => callback(null, []));
  t.match(unresolvable, { ok: false, error: /does not resolve/ });
});
