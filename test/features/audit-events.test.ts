// The audit trail: reads and writes of student records leave rows (writes in their own transaction); admins query them.
import t from 'tap';
import { startSeededApp } from '../helpers/app.ts';

t.test('audit trail', async (t) => {
  const { app, d, as } = await startSeededApp(t);
  const log = {
    studentId: d.studentA, occurredAt: '2026-09-10T15:00:00Z', channel: 'phone', purpose: 'strength',
    summary: 'Helped a classmate.', visibility: 'family',
  };
  const created = await app.inject({ method: 'POST', url: '/v1/contact-logs', headers: { ...as.teacherA, 'x-request-id': 'req-create-1' }, payload: log });
  t.equal(created.statusCode, 201);
  const id = created.json().id;
  await app.inject({ url: `/v1/contact-logs/${id}`, headers: as.guardianA });
  await app.inject({ url: `/v1/contact-logs?studentId=${d.studentA}`, headers: as.schoolAdminA });
  const rejected = await app.inject({ method: 'POST', url: '/v1/contact-logs', headers: as.teacherA, payload: { ...log, guardianIds: [d.guardianB] } });
  t.equal(rejected.statusCode, 422);

  const res = await app.inject({ url: `/v1/audit-events?studentId=${d.studentA}`, headers: as.districtAdmin });
  t.equal(res.statusCode, 200);
  const events = res.json().data as Array<Record<string, unknown>>;
  t.same(events.map((e) => [e.action, e.actorRole]), [['list', 'school_admin'], ['read', 'guardian'], ['create', 'teacher']],
    'newest first; the rejected write left no row');
  t.match(events[2], { actorId: d.teacherA, recordType: 'contactLog', recordId: id, studentId: d.studentA, requestId: 'req-create-1' });
  t.match(events[1], { actorId: d.guardianA });

  const byActor = (await app.inject({ url: `/v1/audit-events?actorId=${d.guardianA}`, headers: as.districtAdmin })).json();
  t.equal(byActor.data.length, 1);
  const paged = (await app.inject({ url: `/v1/audit-events?studentId=${d.studentA}&limit=2`, headers: as.districtAdmin })).json();
  t.equal(paged.data.length, 2);
  const next = (await app.inject({ url: `/v1/audit-events?studentId=${d.studentA}&limit=2&cursor=${paged.page.nextCursor}`, headers: as.districtAdmin })).json();
  t.same(next.data.map((e: { action: string }) => e.action), ['create']);
  t.equal(next.page.nextCursor, null);

  // GraphQL reads, however many loaders they run, leave their rows before the response is sent.
  const graph = await app.inject({ method: 'POST', url: '/graphql', headers: { ...as.teacherA, 'x-request-id': 'req-graph-1' },
    payload: { query: `{ student(id: "${d.studentA}") { id contactLogs(first: 5) { nodes { id } } } }` } });
  t.equal(graph.statusCode, 200);
  const graphRows = (await app.inject({ url: `/v1/audit-events?actorId=${d.teacherA}&limit=50`, headers: as.districtAdmin })).json().data as Array<Record<string, unknown>>;
  const fromGraph = graphRows.filter((e) => e.requestId === 'req-graph-1');
  t.same(new Set(fromGraph.map((e) => e.recordType)), new Set(['student', 'contactLog']), 'the student and the log read through GraphQL are audited');

  for (const who of ['teacherA', 'schoolAdminA', 'guardianA', 'integrationRead'] as const) {
    t.equal((await app.inject({ url: '/v1/audit-events', headers: as[who] })).statusCode, 403, `${who} may not read the audit trail`);
  }
});
