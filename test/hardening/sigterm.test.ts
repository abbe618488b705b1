// SIGTERM during 200 concurrent requests: accepted requests complete, acknowledged writes persist, the process exits 0.
import { createSigner } from 'fast-jwt';
import pg from 'pg';
import t from 'tap';
import { TEST_JWT_SECRET } from '../helpers/app.ts';
import { createTestDatabase } from '../helpers/databases.ts';
import { freePort, spawnScript } from '../helpers/process.ts';
import { seedDistrictAt } from '../helpers/seed.ts';

interface Outcome {
  kind: 'read' | 'write';
  status?: number;
  id?: string;
  error?: string;
  afterSignal: boolean;
}

t.test('SIGTERM while 200 requests are in flight', async (t) => {
  const database = await createTestDatabase();
  t.teardown(() => database.drop());
  const d = await seedDistrictAt(database.url);
  const port = await freePort();
  const server = spawnScript('src/server.ts', [], {
    DATABASE_URL: database.url, PORT: String(port), JWT_SECRET: TEST_JWT_SECRET, LOG_LEVEL: 'info',
    RATE_LIMIT_MAX: '1000000', MAX_EVENT_LOOP_DELAY_MS: '0', DB_POOL_MAX: '5', SHUTDOWN_TIMEOUT_MS: '60000',
  });
  t.teardown(() => server.child.kill('SIGKILL'));
  await server.waitFor(/kinship-api listening/, 60_000);

  const sign = createSigner({ key: TEST_JWT_SECRET, expiresIn: 3_600_000 });
  const headers = { authorization: `Bearer ${sign({ role: 'teacher', sub: d.teacherA })}`, 'content-type': 'application/json' };
  const base = `http://127.0.0.1:${port}`;
  const reads = [`/v1/students/${d.studentA}`, `/v1/contact-logs?studentId=${d.studentA}&limit=20`, `/v1/classes/${d.classA}`, `/v1/students/${d.studentA2}/timeline`];
  const warm = await fetch(base + reads[0], { headers });
  t.equal(warm.status, 200, 'the server answers before the signal');

  let signalled = false;
  let firstArrived: () => void;
  const arrived = new Promise<void>((resolve) => { firstArrived = resolve; });
  const requests = Array.from({ length: 200 }, async (_, i): Promise<Outcome> => {
    const write = i % 3 === 0;
    try {
      const res = write
        ? await fetch(`${base}/v1/contact-logs`, {
          method: 'POST', headers,
          body: JSON.stringify({ studentId: d.studentA, occurredAt: '2026-10-01T12:00:00Z', channel: 'text', purpose: 'update', summary: `Drain ${i}` }),
        })
        : await fetch(base + reads[i % reads.length], { headers });
      const body = await res.json() as { id?: string };
      // Signal once a write has landed, so some writes are surely among the accepted requests.
      if (write) firstArrived();
      return { kind: write ? 'write' : 'read', status: res.status, id: write && res.status === 201 ? body.id : undefined, afterSignal: signalled };
    } catch (error) {
      return { kind: write ? 'write' : 'read', error: String((error as Error).cause ?? error), afterSignal: signalled };
    }
  });
  await arrived;
  server.child.kill('SIGTERM');
  signalled = true;
  const outcomes = await Promise.all(requests);
  const exit = await server.exited;
  t.same(exit, { code: 0, signal: null }, 'the process exits 0');
  if (exit.code !== 0) t.comment(server.output().split('\n').filter((l) => /"level":(40|50|60)|shutting|stopped/.test(l)).slice(0, 8).join('\n'));
  t.comment(JSON.stringify(outcomes.filter((o) => o.error).slice(0, 3)));
  t.match(server.output(), /shutting down/);

  const answered = outcomes.filter((o) => o.status !== undefined);
  const refusedOnClose = answered.filter((o) => o.status === 503);
  const accepted = answered.filter((o) => o.status !== 503);
  t.ok(accepted.some((o) => o.afterSignal), 'requests in flight at the signal still completed');
  for (const o of accepted) t.ok(o.kind === 'read' ? o.status === 200 : o.status === 201, `an accepted ${o.kind} completed normally (${o.status})`);
  t.comment(`${accepted.length} completed, ${refusedOnClose.length} refused with 503 while closing, ${outcomes.length - answered.length} not connected`);

  const acknowledged = accepted.filter((o) => o.id).map((o) => o.id!);
  t.ok(acknowledged.length > 0, 'some writes were acknowledged');
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  try {
    const { rows } = await client.query<{ id: string }>('select id from contact_logs where id = any($1::uuid[])', [acknowledged]);
    t.equal(rows.length, acknowledged.length, 'every contact log acknowledged with 201 is stored');
  } finally {
    await client.end();
  }
});
