// PostgreSQL stopped mid-traffic: 503 problem+json with Retry-After, /readyz 503, and recovery without a restart.
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import t from 'tap';
import { buildApp } from '../../src/app.ts';
import { createDatabase } from '../../src/db/database.ts';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../../src/db/embedded.ts';
import { migrateToLatest } from '../../src/db/migrator.ts';
import { testConfig } from '../helpers/app.ts';
import { freePort } from '../helpers/process.ts';
import { seedDistrict, tokensFor, type District } from '../helpers/seed.ts';

interface Answer {
  status: number;
  contentType: string;
  retryAfter: string | undefined;
  code: string | undefined;
}

/** One round of traffic: reads, a list and a write, all at once. */
function traffic(app: FastifyInstance, d: District, headers: { authorization: string }, round: number): Array<Promise<Answer>> {
  const requests = [
    { url: `/v1/students/${d.studentA}` },
    { url: `/v1/contact-logs?studentId=${d.studentA}&limit=5` },
    { url: `/v1/classes/${d.classA}` },
    {
      method: 'POST' as const, url: '/v1/contact-logs',
      payload: { studentId: d.studentA, occurredAt: '2026-09-10T15:00:00Z', channel: 'phone', purpose: 'update', summary: `Round ${round}` },
    },
  ];
  return requests.map(async (request) => {
    const res = await app.inject({ method: 'GET', ...request, headers });
    const contentType = String(res.headers['content-type'] ?? '');
    const body = contentType.includes('json') ? res.json() as { code?: string } : {};
    return { status: res.statusCode, contentType, retryAfter: res.headers['retry-after'] as string | undefined, code: body.code };
  });
}

t.test('the database stops mid-traffic and comes back', async (t) => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'kinship-pgdown-'));
  chmodSync(dataDir, 0o755);
  t.teardown(() => rmSync(dataDir, { recursive: true, force: true }));
  const port = await freePort();
  const log = pino({ level: 'silent' });
  let server: EmbeddedDatabase | undefined = await startEmbeddedPostgres({ dataDir, port, log });
  t.teardown(async () => server?.stop());

  const setup = createDatabase({ connectionString: server.url, poolMax: 1 });
  await migrateToLatest(setup.db);
  const d = await seedDistrict(setup.db);
  await setup.db.destroy();

  const app = await buildApp(testConfig(server.url, { dbPoolMax: 4 }));
  await app.ready();
  t.teardown(() => app.close());
  const as = tokensFor((claims) => app.jwt.sign(claims, { expiresIn: '1h' }), d);

  const before = await Promise.all(traffic(app, d, as.teacherA, 0));
  t.same(before.map((a) => a.status), [200, 200, 200, 201], 'traffic flows while the database is up');

  // Stop the database while a wave of requests is in flight.
  const inFlight = [0, 1, 2].flatMap((round) => traffic(app, d, as.teacherA, round + 1));
  const stopping = server.stop();
  server = undefined;
  const during = await Promise.all(inFlight);
  await stopping;
  for (const answer of during) {
    t.ok([200, 201, 503].includes(answer.status), `a request in flight answers ${answer.status}, never a 500`);
    if (answer.status === 503) {
      t.match(answer.contentType, /application\/problem\+json/);
      t.equal(answer.code, 'KINSHIP_UNAVAILABLE');
      t.ok(Number(answer.retryAfter) > 0, 'with Retry-After');
    }
  }

  const down = await Promise.all(traffic(app, d, as.teacherA, 10));
  for (const answer of down) {
    t.equal(answer.status, 503, 'while the database is down every request answers 503');
    t.match(answer.contentType, /application\/problem\+json/);
    t.equal(answer.code, 'KINSHIP_UNAVAILABLE');
    t.ok(Number(answer.retryAfter) > 0, 'with Retry-After');
  }
  const readyDown = await app.inject({ url: '/readyz' });
  t.equal(readyDown.statusCode, 503);
  t.match(readyDown.headers['content-type'], /application\/problem\+json/);
  t.equal((await app.inject({ url: '/healthz' })).statusCode, 200, 'the process is alive');

  server = await startEmbeddedPostgres({ dataDir, port, log });
  let ready = 503;
  for (let attempt = 0; attempt < 50 && ready !== 200; attempt++) {
    ready = (await app.inject({ url: '/readyz' })).statusCode;
    if (ready !== 200) await new Promise((resolve) => setTimeout(resolve, 200));
  }
  t.equal(ready, 200, '/readyz recovers by itself');
  const after = await Promise.all(traffic(app, d, as.teacherA, 20));
  t.same(after.map((a) => a.status), [200, 200, 200, 201], 'requests succeed again without a restart');
});
