// Live updates over WebSocket, authorized per subscriber, in-process and across instances through PostgreSQL.
import t from 'tap';
import { buildApp } from '../../src/app.ts';
import { startSeededApp, testConfig } from '../helpers/app.ts';
import { GraphQLWsClient } from '../helpers/graphql-ws.ts';

const SUBSCRIPTION = 'subscription($s: UUID!) { contactLogged(studentId: $s) { id purpose visibility staffNote } }';

t.test('contactLogged', async (t) => {
  const { app, d, as } = await startSeededApp(t);
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  const url = `${address.replace('http', 'ws')}/graphql`;
  const log = (visibility: string, purpose = 'strength') => app.inject({
    method: 'POST', url: '/v1/contact-logs', headers: as.teacherA,
    payload: { studentId: d.studentA, occurredAt: '2026-09-10T15:00:00Z', channel: 'phone', purpose, summary: 'A good day.', visibility, staffNote: 'internal' },
  });

  await t.test('no token: the connection is refused', async (t) => {
    const client = await GraphQLWsClient.connect(url);
    t.teardown(() => client.close());
    const reply = await client.next();
    t.not(reply?.type, 'connection_ack');
  });

  await t.test('teachers hear every log; guardians only family-visible ones, without staff notes', async (t) => {
    const teacher = await GraphQLWsClient.connect(url, as.teacherA.authorization);
    const guardian = await GraphQLWsClient.connect(url, as.guardianA.authorization);
    t.teardown(() => { teacher.close(); guardian.close(); });
    t.equal((await teacher.next())?.type, 'connection_ack');
    t.equal((await guardian.next())?.type, 'connection_ack');
    teacher.subscribe('1', SUBSCRIPTION, { s: d.studentA });
    guardian.subscribe('1', SUBSCRIPTION, { s: d.studentA });
    await new Promise((r) => setTimeout(r, 200));

    const staffOnly = (await log('staff', 'concern')).json();
    const family = (await log('family', 'celebration')).json();
    const first = await teacher.next();
    const second = await teacher.next();
    t.same([first?.payload?.data?.contactLogged, second?.payload?.data?.contactLogged], [
      { id: staffOnly.id, purpose: 'concern', visibility: 'staff', staffNote: 'internal' },
      { id: family.id, purpose: 'celebration', visibility: 'family', staffNote: 'internal' },
    ]);
    const heard = await guardian.next();
    t.same(heard?.payload?.data?.contactLogged, { id: family.id, purpose: 'celebration', visibility: 'family', staffNote: null });
    t.equal(await guardian.next(500), undefined, 'the staff-only log never reached the guardian');
  });

  await t.test('a student the subscriber cannot see: NOT_FOUND, never events', async (t) => {
    const other = await GraphQLWsClient.connect(url, as.teacherB.authorization);
    t.teardown(() => other.close());
    t.equal((await other.next())?.type, 'connection_ack');
    other.subscribe('1', SUBSCRIPTION, { s: d.studentA });
    const answer = await other.next();
    t.equal(answer?.type, 'error');
    t.match(JSON.stringify(answer?.payload), /not found/i);
    await log('family');
    t.equal(await other.next(500), undefined);
  });
});

t.test('across instances: PostgreSQL LISTEN/NOTIFY carries events between two apps on one database', async (t) => {
  const { app: writer, database, d, as } = await startSeededApp(t, { config: { eventBus: 'postgres' } });
  const reader = await buildApp(testConfig(database.url, { eventBus: 'postgres' }));
  t.teardown(() => reader.close());
  const address = await reader.listen({ port: 0, host: '127.0.0.1' });
  const client = await GraphQLWsClient.connect(`${address.replace('http', 'ws')}/graphql`, as.teacherA.authorization);
  t.teardown(() => client.close());
  t.equal((await client.next())?.type, 'connection_ack');
  client.subscribe('1', SUBSCRIPTION, { s: d.studentA });
  await new Promise((r) => setTimeout(r, 200));
  const created = await writer.inject({
    method: 'POST', url: '/v1/contact-logs', headers: as.teacherA,
    payload: { studentId: d.studentA, occurredAt: '2026-09-11T15:00:00Z', channel: 'email', purpose: 'update', summary: 'Reading log sent home.' },
  });
  t.equal(created.statusCode, 201);
  const heard = await client.next();
  t.equal(heard?.payload?.data?.contactLogged && (heard.payload.data.contactLogged as { id: string }).id, created.json().id);
});
