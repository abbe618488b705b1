// Edge protection: per-principal rate limits with RateLimit headers and 429 problem+json, security headers, CORS.
import t from 'tap';
import { startSeededApp } from '../helpers/app.ts';

t.test('rate limits are per principal', async (t) => {
  const { app, as } = await startSeededApp(t, { config: { http: { rateLimitMax: 3, rateLimitWindowMs: 60_000, maxEventLoopDelayMs: 0, corsOrigins: [] } } });
  const statuses: number[] = [];
  let last;
  for (let i = 0; i < 4; i++) {
    last = await app.inject({ url: '/v1/me', headers: as.teacherA });
    statuses.push(last.statusCode);
  }
  t.same(statuses, [200, 200, 200, 429]);
  t.match(last!.headers['content-type'], /application\/problem\+json/);
  t.match(last!.json(), { status: 429, code: 'KINSHIP_RATE_LIMITED' });
  t.ok(Number(last!.headers['retry-after']) > 0);
  t.equal(last!.headers['ratelimit-limit'], '3');
  t.equal((await app.inject({ url: '/v1/me', headers: as.teacherB })).statusCode, 200, 'another principal has its own budget');
  t.equal((await app.inject({ url: '/healthz' })).statusCode, 200, 'probes are never limited');
});

t.test('security headers and CORS for configured origins only', async (t) => {
  const { app, as } = await startSeededApp(t, { config: { http: { rateLimitMax: 1000, rateLimitWindowMs: 60_000, maxEventLoopDelayMs: 1000, corsOrigins: ['https://families.maple.example'] } } });
  const res = await app.inject({ url: '/v1/me', headers: { ...as.teacherA, origin: 'https://families.maple.example' } });
  t.equal(res.headers['x-content-type-options'], 'nosniff');
  t.equal(res.headers['access-control-allow-origin'], 'https://families.maple.example');
  const other = await app.inject({ url: '/v1/me', headers: { ...as.teacherA, origin: 'https://evil.example' } });
  t.equal(other.headers['access-control-allow-origin'], undefined);
  const preflight = await app.inject({ method: 'OPTIONS', url: '/v1/contact-logs', headers: { origin: 'https://families.maple.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,idempotency-key' } });
  t.equal(preflight.statusCode, 204);
  t.match(preflight.headers['access-control-allow-headers'], /idempotency-key/);
});

t.test('an event loop lagging past the limit sheds load with 503 and Retry-After', async (t) => {
  const { app, as } = await startSeededApp(t, { config: { http: { rateLimitMax: 1000, rateLimitWindowMs: 60_000, maxEventLoopDelayMs: 50, corsOrigins: [] } } });
  let shed;
  for (let attempt = 0; attempt < 20 && !shed; attempt++) {
    const until = Date.now() + 400;
    while (Date.now() < until) { /* keep the event loop busy, as a CPU-bound burst would */ }
    await new Promise((resolve) => setTimeout(resolve, 50));
    const res = await app.inject({ url: '/v1/me', headers: as.teacherA });
    if (res.statusCode === 503) shed = res;
  }
  t.ok(shed, 'a request was shed');
  const probes = [await app.inject({ url: '/healthz' }), await app.inject({ url: '/readyz' })];
  t.same(probes.map((r) => r.statusCode), [200, 200], 'liveness and readiness probes still answer');
  t.match(shed!.headers['content-type'], /application\/problem\+json/);
  t.equal(shed!.headers['retry-after'], '5');
  t.equal(shed!.json().code, 'KINSHIP_UNAVAILABLE');
});
