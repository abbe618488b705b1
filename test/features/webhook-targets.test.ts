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
