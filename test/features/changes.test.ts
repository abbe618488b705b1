// The change feed over REST: events for every write, in commit order, cursors that survive out-of-order commits, scopes.
import t from 'tap';
import pg from 'pg';
import { startSeededApp, tokenFor } from '../helpers/app.ts';

interface Event { id: number; type: string; entityId: string; operation: string; studentId: string | null; data: Record<string, unknown> | null }
interface FeedPage { data: Event[]; page: { nextCursor: string | null; hasMore: boolean } }

t.test('change feed', async (t) => {
  const { app, d, as, database } = await startSeededApp(t);
  const sqlClient = async () => {
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    t.teardown(() => client.end());
    return client;
  };
  const db = await sqlClient();
  const feed = async (query: string, headers: Record<string, string> = as.districtAdmin): Promise<FeedPage> => {
    const res = await app.inject({ url: `/v1/changes${query}`, headers });
    if (res.statusCode !== 200) throw new Error(`${res.statusCode} ${res.body}`);
    return res.json();
  };
  /** Reads from `after` until caught up, page by page. */
  const drain = async (after: string | null, extra = '', limit = 1000) => {
    const events: Event[] = [];
    let cursor = after;
    for (;;) {
      const page = await feed(`?limit=${limit}${cursor ? `&after=${cursor}` : ''}${extra}`);
      events.push(...page.data);
      cursor = page.page.nextCursor;
      if (!page.page.hasMore) return { events, cursor };
    }
  };

  const start = await drain(null);
  await t.test('the seeded roster is in the feed, camelCased, with student ids', async (t) => {
    const students = start.events.filter((e) => e.type === 'student');
    t.equal(students.length, 3);
    const mateo = students.find((e) => e.entityId === d.studentA)!;
    t.match(mateo, { operation: 'create', studentId: d.studentA, data: { id: d.studentA, givenName: 'Mateo', familyName: 'Garcia', schoolId: d.schoolA, status: 'active' } });
    t.match(String(mateo.data!.createdAt), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?\+00:00$/, 'times are UTC');
    const link = start.events.find((e) => e.type === 'studentGuardian')!;
    t.ok(link.studentId, 'links carry their student');
    t.equal(start.events.filter((e) => e.type === 'org').length, 3);
    t.equal(start.events.filter((e) => e.type === 'enrollment').length, 5);
    t.ok(start.events.every((e, i) => i === 0 || start.events[i - 1]!.id !== e.id), 'no event twice');
    t.not(start.cursor, null);
  });

  await t.test('create, update, delete of a contact log, with its guardians folded into the log', async (t) => {
    const created = await app.inject({ method: 'POST', url: '/v1/contact-logs', headers: as.teacherA, payload: {
      studentId: d.studentA, occurredAt: '2026-09-10T15:00:00Z', channel: 'phone', purpose: 'strength', summary: 'A kind day.', guardianIds: [d.guardianA, d.guardianA2] } });
    t.equal(created.statusCode, 201);
    const log = created.json();
    const patched = await app.inject({ method: 'PATCH', url: `/v1/contact-logs/${log.id}`, headers: { ...as.teacherA, 'content-type': 'application/merge-patch+json' }, payload: { summary: 'A very kind day.' } });
    t.equal(patched.statusCode, 200);
    const deleted = await app.inject({ method: 'DELETE', url: `/v1/contact-logs/${log.id}`, headers: as.teacherA });
    t.equal(deleted.statusCode, 204);
    const { events } = await drain(start.cursor);
    const mine = events.filter((e) => e.entityId === log.id);
    t.same(mine.map((e) => e.operation), ['create', 'update', 'update', 'delete']);
    t.ok(mine.every((e) => e.type === 'contactLog' && e.studentId === d.studentA));
    t.same(mine[0]!.data!.guardianIds, [], 'the row is inserted before its guardians');
    t.same(mine[1]!.data!.guardianIds, [d.guardianA, d.guardianA2].sort(), 'one event for the guardians statement');
    t.match(mine[1]!.data, { summary: 'A kind day.', staffNote: null, authorId: d.teacherA });
    t.equal(mine[2]!.data!.summary, 'A very kind day.');
    t.equal(mine[3]!.data, null, 'a delete is a tombstone');
  });

  await t.test('deactivation, archiving, no-op updates and rolled-back writes', async (t) => {
    const before = await drain(null);
    await db.query(`update students set given_name = given_name where id = $1`, [d.studentA2]);
    await db.query(`update students set status = 'inactive' where id = $1`, [d.studentA2]);
    await db.query(`update students set status = 'active' where id = $1`, [d.studentA2]);
    await db.query(`update guardians set preferred_channel = 'email' where id = $1`, [d.guardianB]);
    await db.query('begin');
    await db.query(`insert into families (name) values ('Never committed')`);
    await db.query('rollback');
    const resource = await db.query(`insert into strategy_resources (title, kind, body, created_by) values ('Calm corner', 'coping_strategy', 'Breathe.', $1) returning id`, [d.teacherA]);
    await db.query(`update strategy_resources set archived_at = now() where id = $1`, [resource.rows[0].id]);
    const { events } = await drain(before.cursor);
    t.same(events.map((e) => [e.type, e.operation]), [
      ['student', 'deactivate'], ['student', 'update'], ['guardian', 'update'],
      ['strategyResource', 'create'], ['strategyResource', 'deactivate'],
    ]);
    t.equal(events[2]!.data!.preferredChannel, 'email');
    t.equal(events[2]!.studentId, null);
  });

  await t.test('a reader never misses or repeats a change while transactions commit out of order', async (t) => {
    const { cursor } = await drain(null);
    const t1 = await sqlClient();
    const t2 = await sqlClient();
    await t1.query('begin');
    const f1 = await t1.query(`insert into families (name) values ('Older transaction') returning id`);
    await t2.query('begin');
    const f2 = await t2.query(`insert into families (name) values ('Younger transaction') returning id`);
    await t2.query('commit');
    const whileT1Runs = await drain(cursor);
    t.same(whileT1Runs.events, [], 'nothing past the oldest running transaction is shown yet');
    t.equal(whileT1Runs.cursor, cursor, 'the cursor stays put');
    await t1.query('commit');
    const after = await drain(whileT1Runs.cursor);
    t.same(after.events.map((e) => e.entityId), [f1.rows[0].id, f2.rows[0].id], 'both arrive, the older transaction first');
    const again = await drain(after.cursor);
    t.same(again.events, [], 'nothing twice');
    const everything = await drain(null);
    t.equal(new Set(everything.events.map((e) => e.id)).size, everything.events.length);
  });

  await t.test('paging: small pages give the same events as one big page', async (t) => {
    const big = await drain(null, '', 1000);
    const small = await drain(null, '', 7);
    t.same(small.events.map((e) => e.id), big.events.map((e) => e.id));
    t.equal(small.cursor, big.cursor);
    const first = await feed('?limit=7');
    t.equal(first.data.length, 7);
    t.equal(first.page.hasMore, true);
  });

  await t.test('types filter, validation', async (t) => {
    const students = await drain(null, '&types=student,guardian');
    t.ok(students.events.length > 0);
    t.ok(students.events.every((e) => e.type === 'student' || e.type === 'guardian'));
    const cases: Array<[string, string]> = [
      ['?types=student,pupil', '/querystring/types'],
      ['?types=', '/querystring/types'],
      ['?limit=1001', '/querystring/limit'],
      ['?after=nonsense', '/querystring/after'],
      ['?after=WyJ4IiwiMSJd', '/querystring/after'],
      ['?since=2026-01-01', '/querystring/since'],
    ];
    for (const [query, path] of cases) {
      const res = await app.inject({ url: `/v1/changes${query}`, headers: as.districtAdmin });
      t.equal(res.statusCode, 400, query);
      t.ok(res.json().errors?.some((e: { path: string }) => e.path === path), `${query}: ${res.body}`);
    }
  });

  await t.test('who may read: district admins and integrations by scope', async (t) => {
    for (const role of ['teacherA', 'schoolAdminA', 'guardianA', 'integrationNone'] as const) {
      t.equal((await app.inject({ url: '/v1/changes', headers: as[role] })).statusCode, 403, role);
    }
    t.equal((await app.inject({ url: '/v1/changes' })).statusCode, 401);
    const partnership = await drain(null);
    const viaIntegration = await feed('?limit=1000', as.integrationRead);
    t.equal(viaIntegration.data.length, Math.min(1000, partnership.events.length));
    const roster = { authorization: `Bearer ${tokenFor(app, { role: 'integration', sub: 'sis', scope: 'roster:read' })}` };
    const rosterFeed = await feed('?limit=1000', roster);
    t.ok(rosterFeed.data.length > 0);
    t.notOk(rosterFeed.data.some((e) => ['contactLog', 'strategyResource'].includes(e.type)), 'roster scope sees roster types only');
    t.equal((await app.inject({ url: '/v1/changes?types=contactLog', headers: roster })).statusCode, 403);
  });

  await t.test('each page audits the student records it hands out, once each, and nothing beyond the page', async (t) => {
    // a reader of its own, so its audit rows are only these pages'
    const reader = { authorization: `Bearer ${tokenFor(app, { role: 'district_admin', sub: 'warehouse-audit-check' })}` };
    // a contact log changed three times, so one page holds several events of the same record
    const created = await app.inject({ method: 'POST', url: '/v1/contact-logs', headers: as.teacherA, payload: {
      studentId: d.studentA, occurredAt: '2026-09-11T15:00:00Z', channel: 'email', purpose: 'strength', summary: 'Helped a friend.' } });
    t.equal(created.statusCode, 201, created.body);
    const log = created.json().id as string;
    for (const summary of ['Helped two friends.', 'Helped the class.']) {
      const patched = await app.inject({ method: 'PATCH', url: `/v1/contact-logs/${log}`, headers: { ...as.teacherA, 'content-type': 'application/merge-patch+json' }, payload: { summary } });
      t.equal(patched.statusCode, 200, patched.body);
    }
    const pages: Array<{ requestId: string; events: Event[] }> = [];
    let cursor: string | null = null;
    for (;;) {
      const res = await app.inject({ url: `/v1/changes?limit=7&types=student,contactLog,org${cursor ? `&after=${cursor}` : ''}`, headers: reader });
      t.equal(res.statusCode, 200);
      const page = res.json() as FeedPage;
      pages.push({ requestId: String(res.headers['x-request-id']), events: page.data });
      cursor = page.page.nextCursor;
      if (!page.page.hasMore) break;
    }
    t.ok(pages.length > 2, `${pages.length} pages`);
    t.ok(pages.some((p) => p.events.filter((e) => e.entityId === log).length > 1), 'a page holds the same record twice');
    const expected = pages.flatMap(({ requestId, events }) => [...new Map(events.filter((e) => e.studentId !== null)
      .map((e) => [e.entityId, [requestId, e.type, e.entityId, e.studentId]])).values()]);
    const { rows } = await db.query(`select request_id, record_type, record_id, student_id from audit_events
      where actor_id = 'warehouse-audit-check' and actor_role = 'district_admin' and action = 'list'`);
    const key = (row: unknown[]) => row.join(' ');
    t.same(rows.map((r) => key([r.request_id, r.record_type, r.record_id, r.student_id])).sort(), expected.map(key).sort(),
      'one row per student record per page, under the page\'s request id; none for orgs, none beyond the page');
    t.ok(expected.some((row) => row[1] === 'student') && expected.some((row) => row[1] === 'contactLog'));
  });
});
