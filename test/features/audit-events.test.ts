// The audit trail: reads and writes of student records leave rows (writes in their own transaction); admins query them.
import pg from 'pg';
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

t.test('read audits of concurrent requests share inserts, and each response waits for its own rows', async (t) => {
  let auditInserts = 0;
  const { app, d, as, database } = await startSeededApp(t, {
    onQuery: (sql) => { if (sql.startsWith('insert into audit_events')) auditInserts += 1; },
  });
  const requests = 60;
  const responses = await Promise.all(Array.from({ length: requests }, (_, i) =>
    app.inject({ url: `/v1/students/${d.studentA}`, headers: { ...as.teacherA, 'x-request-id': `req-burst-${i}` } })));
  t.same(new Set(responses.map((r) => r.statusCode)), new Set([200]));
  t.ok(auditInserts < requests, `${requests} concurrent reads were audited in ${auditInserts} inserts`);

  const sql = new pg.Pool({ connectionString: database.url, max: 1 });
  t.teardown(() => sql.end());
  const { rows } = await sql.query<{ request_id: string; actor_id: string; record_id: string }>(
    `select request_id, actor_id, record_id from audit_events where request_id like 'req-burst-%'`);
  t.equal(rows.length, requests, 'one row per request, none lost or doubled');
  t.same(new Set(rows.map((r) => r.request_id)).size, requests);
  t.ok(rows.every((r) => r.actor_id === d.teacherA && r.record_id === d.studentA), 'each row names its own actor and record');

  // A read whose audit row cannot be written is not answered with the record.
  await sql.query(`create function refuse_audit() returns trigger language plpgsql as $$
    begin if new.request_id = 'req-unauditable' then raise exception 'audit store refused the row'; end if; return new; end $$`);
  await sql.query(`create trigger refuse_audit before insert on audit_events for each row execute function refuse_audit()`);
  const refused = await app.inject({ url: `/v1/students/${d.studentA}`, headers: { ...as.teacherA, 'x-request-id': 'req-unauditable' } });
  t.equal(refused.statusCode, 500);
  t.match(refused.headers['content-type'], /^application\/problem\+json/);
  t.notOk('givenName' in refused.json(), 'the record is not in the error');
  const after = await app.inject({ url: `/v1/students/${d.studentA}`, headers: as.teacherA });
  t.equal(after.statusCode, 200, 'the writer carries on after a failed insert');
});

t.test('rows batched from concurrent requests of several actors and record types match those of the same requests one by one', async (t) => {
  const { app, d, as, database } = await startSeededApp(t);
  const board = `{ student(id: "${d.studentA}") { id guardians { guardian { id } } contactLogs(first: 5) { nodes { id } } goals(first: 5) { nodes { id } } } }`;
  const requests = [
    { who: as.teacherA, url: `/v1/students/${d.studentA}` },
    { who: as.teacherA, url: '/v1/students?limit=50' },
    { who: as.schoolAdminA, url: `/v1/guardians?limit=50` },
    { who: as.guardianA, url: `/v1/students/${d.studentA}/guardians` },
    { who: as.teacherA, url: '/graphql', body: { query: board } },
    { who: as.schoolAdminA, url: '/graphql', body: { query: board } },
  ];
  const send = (i: number, tag: string) => {
    const r = requests[i]!;
    return app.inject({ method: r.body ? 'POST' : 'GET', url: r.url, payload: r.body, headers: { ...r.who, 'x-request-id': `${tag}-${i}` } });
  };
  for (let i = 0; i < requests.length; i++) t.equal((await send(i, 'one')).statusCode, 200, `request ${i} alone`);
  const together = await Promise.all(Array.from({ length: 3 }, () => requests.map((_, i) => send(i, 'batch'))).flat());
  t.same(new Set(together.map((r) => r.statusCode)), new Set([200]));

  const sql = new pg.Pool({ connectionString: database.url, max: 1 });
  t.teardown(() => sql.end());
  const { rows } = await sql.query<{ request_id: string; row: string }>(`select request_id,
      concat_ws('|', actor_id, actor_role, action, record_type, coalesce(record_id::text, '-'), coalesce(student_id::text, '-')) as row
    from audit_events where request_id like 'one-%' or request_id like 'batch-%' order by id`);
  const rowsOf = (requestId: string) => rows.filter((r) => r.request_id === requestId).map((r) => r.row).sort();
  const kinds = new Set(rows.map((r) => r.row.split('|')[3]));
  t.ok(kinds.size >= 3, `several record types audited: ${[...kinds].join(', ')}`);
  t.ok(rows.some((r) => r.row.endsWith('|-')), 'some rows have no student');
  for (let i = 0; i < requests.length; i++) {
    const alone = rowsOf(`one-${i}`);
    t.ok(alone.length > 0, `request ${i} left rows`);
    t.same(rowsOf(`batch-${i}`), [...alone, ...alone, ...alone].sort(), `request ${i}: the same rows when batched with the others`);
  }
});

t.test('each filter of the audit listing reads its index in page order, without sorting the matching rows', async (t) => {
  const { database } = await startSeededApp(t);
  const sql = new pg.Pool({ connectionString: database.url, max: 1 });
  t.teardown(() => sql.end());
  const id = '00000000-0000-4000-8000-000000000001';
  const filters: Array<[string, string, unknown[]]> = [
    ['audit_events_student_idx', 'student_id = $1', [id]],
    ['audit_events_actor_idx', 'actor_id = $1', [id]],
    ['audit_events_record_idx', 'record_type = $1 and record_id = $2 and record_id is distinct from student_id', ['contactLog', id]],
    // "Who accessed this record?" names the record only: its type is not needed to find its rows.
    ['audit_events_record_idx', 'record_id = $1 and record_id is distinct from student_id', [id]],
  ];
  for (const [index, where, values] of filters) {
    const client = await sql.connect();
    try {
      // Seeded tables are small: tell the planner that rows are many, as they are in a district's trail.
      await client.query('begin');
      await client.query('set local enable_seqscan = off');
      await client.query('set local enable_bitmapscan = off');
      const { rows } = await client.query<{ 'QUERY PLAN': string }>(
        `explain select * from audit_events where ${where} and id < 9000000 order by id desc limit 51`, values);
      const plan = rows.map((r) => r['QUERY PLAN']).join('\n');
      t.match(plan, new RegExp(`Index Scan using ${index}`), `${where}: ${index}`);
      t.notMatch(plan, /Sort/, `${where}: no sort`);
      await client.query('rollback');
    } finally {
      client.release();
    }
  }
});

t.test('a listing by record id finds rows whose record is the student itself and rows of other records, in id order, each from its index', async (t) => {
  const listings: Array<{ sql: string; parameters: readonly unknown[] }> = [];
  const { app, d, as, database } = await startSeededApp(t, {
    onQuery: (sql, parameters) => { if (/from \(select/.test(sql) && sql.includes('audit_events')) listings.push({ sql, parameters }); },
  });
  const created = await app.inject({ method: 'POST', url: '/v1/contact-logs', headers: { ...as.teacherA, 'x-request-id': 'rec-create' },
    payload: { studentId: d.studentA, occurredAt: '2026-09-10T15:00:00Z', channel: 'phone', purpose: 'strength', summary: 'A good day.' } });
  t.equal(created.statusCode, 201);
  const logId = created.json().id as string;
  for (const [i, url] of [`/v1/students/${d.studentA}`, `/v1/contact-logs/${logId}`, '/v1/students?limit=50', `/v1/students/${d.studentA}`].entries()) {
    t.equal((await app.inject({ url, headers: { ...as.teacherA, 'x-request-id': `rec-${i}` } })).statusCode, 200, url);
  }
  const sql = new pg.Pool({ connectionString: database.url, max: 1 });
  t.teardown(() => sql.end());
  const expected = async (recordId: string) => (await sql.query<{ id: string }>(
    'select id from audit_events where record_id = $1 order by id desc', [recordId])).rows.map((r) => Number(r.id));
  const listed = async (query: string) => {
    const ids: number[] = [];
    let cursor: string | null = null;
    do {
      const res = await app.inject({ url: `/v1/audit-events?${query}&limit=2${cursor ? `&cursor=${cursor}` : ''}`, headers: as.districtAdmin });
      t.equal(res.statusCode, 200, query);
      const body = res.json() as { data: Array<{ id: number }>; page: { nextCursor: string | null } };
      ids.push(...body.data.map((e) => e.id));
      cursor = body.page.nextCursor;
    } while (cursor);
    return ids;
  };
  const studentRows = await expected(d.studentA);
  t.ok(studentRows.length >= 3, `the student itself was audited ${studentRows.length} times`);
  t.same(await listed(`recordId=${d.studentA}`), studentRows, 'the student as a record: every row, newest first, across pages');
  t.same(await listed(`recordId=${d.studentA}&recordType=student&action=read`), (await sql.query<{ id: string }>(
    `select id from audit_events where record_id = $1 and action = 'read' order by id desc`, [d.studentA])).rows.map((r) => Number(r.id)));
  const logRows = await expected(logId);
  t.equal(logRows.length, 2, 'the contact log was created and read');
  t.same(await listed(`recordId=${logId}`), logRows, 'another record: its rows only');
  t.same(await listed(`recordId=${logId}&recordType=contactLog&studentId=${d.studentA}`), logRows);
  t.same(await listed(`recordId=${logId}&recordType=student`), [], 'the type must match too');

  // The statements the service sent for a record, with and without its type, on a trail the planner must assume is
  // large: both indexes, no scan. (With a student filter that is not the record, the student's own rows are none and
  // the planner may drop that branch.)
  const byRecord = listings.filter((l) => l.parameters.includes(logId) && !l.parameters.includes(d.studentA));
  t.ok(byRecord.some((l) => !l.parameters.includes('student')) && byRecord.some((l) => l.parameters.includes('student')),
    'listings of the contact log without a type and with one were sent');
  for (const listing of byRecord) {
    const client = await sql.connect();
    try {
      await client.query('begin');
      await client.query('set local enable_seqscan = off');
      await client.query('set local enable_bitmapscan = off');
      const { rows } = await client.query<{ 'QUERY PLAN': string }>(`explain ${listing.sql}`, [...listing.parameters]);
      const plan = rows.map((r) => r['QUERY PLAN']).join('\n');
      const filters = listing.parameters.filter((p) => typeof p === 'string' && !/^[0-9a-f-]{36}$/.test(p)).join(', ') || 'the id alone';
      t.match(plan, /Index Scan using audit_events_student_idx/, `${filters}: rows of the student itself from the student index`);
      t.match(plan, /Index Scan using audit_events_record_idx/, `${filters}: rows of other records from the record index`);
      t.notMatch(plan, /audit_events_pkey/, `${filters}: not a walk over the whole trail`);
      await client.query('rollback');
    } finally {
      client.release();
    }
  }
});
