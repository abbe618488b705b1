// The change feed's statement-level triggers: a multi-row INSERT, UPDATE or DELETE yields exactly its rows' events.
import t from 'tap';
import pg from 'pg';
import { startSeededApp } from '../helpers/app.ts';
import { listChanges, listChangesJson } from '../../src/features/changes/service.ts';
import type { ServiceContext } from '../../src/http/context.ts';

interface Event { id: number; type: string; entityId: string; operation: string; studentId: string | null; data: Record<string, unknown> | null }
interface FeedPage { data: Event[]; page: { nextCursor: string | null; hasMore: boolean } }

t.test('multi-row statements', async (t) => {
  const { app, d, as, database } = await startSeededApp(t);
  const db = new pg.Client({ connectionString: database.url });
  await db.connect();
  t.teardown(() => db.end());
  let cursor: string | null = null;
  /** The events recorded since the previous call. */
  const next = async (): Promise<Event[]> => {
    const events: Event[] = [];
    for (;;) {
      const res = await app.inject({ url: `/v1/changes?limit=1000${cursor ? `&after=${cursor}` : ''}`, headers: as.districtAdmin });
      t.equal(res.statusCode, 200);
      const page = res.json() as FeedPage;
      events.push(...page.data);
      cursor = page.page.nextCursor;
      if (!page.page.hasMore) return events;
    }
  };
  await next();
  const sorted = (events: Event[]) => [...events].sort((a, b) => a.entityId.localeCompare(b.entityId));

  await t.test('insert, update (changed, deactivated, unchanged), delete of three families', async (t) => {
    const { rows } = await db.query(`insert into families (name) values ('One'), ('Two'), ('Three') returning id, name`);
    const ids = rows.map((r) => r.id as string);
    const created = await next();
    t.same(sorted(created).map((e) => [e.type, e.operation, e.entityId, e.studentId, e.data!.name]),
      sorted(created).map((e) => ['family', 'create', e.entityId, null, rows.find((r) => r.id === e.entityId)!.name]));
    t.same(created.map((e) => e.entityId).sort(), [...ids].sort(), 'one create per inserted row');

    await db.query(`update families set
      notes = case when name = 'One' then 'Moved house' else notes end,
      status = case when name = 'Two' then 'inactive'::record_status else status end
      where id = any($1)`, [ids]);
    const updated = await next();
    t.same(updated.map((e) => [e.entityId, e.operation]).sort(), [[ids[0], 'update'], [ids[1], 'deactivate']].sort(),
      'the unchanged row is skipped');
    t.equal(updated.find((e) => e.entityId === ids[0])!.data!.notes, 'Moved house');
    t.equal(updated.find((e) => e.entityId === ids[1])!.data!.status, 'inactive');

    await db.query(`delete from families where id = any($1)`, [ids]);
    const deleted = await next();
    t.same(deleted.map((e) => [e.entityId, e.operation, e.data]).sort(), ids.map((id) => [id, 'delete', null]).sort(), 'tombstones');

    const { rows: tx } = await db.query(`select operation, count(distinct txid)::int as txids, count(*)::int as n from change_events
      where entity_id = any($1) group by operation order by operation`, [ids]);
    t.same(tx, [{ operation: 'create', txids: 1, n: 3 }, { operation: 'deactivate', txids: 1, n: 1 },
      { operation: 'delete', txids: 1, n: 3 }, { operation: 'update', txids: 1, n: 1 }]);
  });

  await t.test('student ids from the row and through the goal', async (t) => {
    const goals = await db.query(`insert into goals (student_id, title, domain, created_by) values
      ($1, 'Reads nightly', 'academic', $3), ($2, 'Homework plan', 'behavior', $3) returning id, student_id`, [d.studentA, d.studentA2, d.teacherA]);
    const goalEvents = await next();
    t.same(goalEvents.map((e) => [e.type, e.operation, e.studentId]).sort(),
      [['goal', 'create', d.studentA], ['goal', 'create', d.studentA2]].sort());
    const [g1, g2] = goals.rows.map((r) => r.id as string);
    await db.query(`insert into goal_participants (goal_id, participant_type, guardian_id) values
      ($1, 'guardian', $3), ($2, 'guardian', $3), ($2, 'guardian', $4)`, [g1, g2, d.guardianA, d.guardianA2]);
    const participants = await next();
    t.same(participants.map((e) => [e.type, e.operation, e.studentId]).sort(),
      [['goalParticipant', 'create', d.studentA], ['goalParticipant', 'create', d.studentA2], ['goalParticipant', 'create', d.studentA2]].sort());
    await db.query(`update goal_participants set role = 'lead' where goal_id = any($1)`, [[g1, g2]]);
    t.same((await next()).map((e) => [e.operation, e.studentId, e.data!.role]).sort(),
      [['update', d.studentA, 'lead'], ['update', d.studentA2, 'lead'], ['update', d.studentA2, 'lead']].sort());
    await db.query(`delete from goal_participants where goal_id = any($1)`, [[g1, g2]]);
    t.same((await next()).map((e) => [e.operation, e.studentId]).sort(),
      [['delete', d.studentA], ['delete', d.studentA2], ['delete', d.studentA2]].sort(), 'the goal still gives the student');
  });

  await t.test('contact logs and their guardians: one event per log per statement', async (t) => {
    const logs = await db.query(`insert into contact_logs (student_id, author_id, occurred_at, channel, direction, purpose, summary) values
      ($1, $3, now(), 'phone', 'outbound', 'strength', 'Good week'), ($2, $3, now(), 'email', 'outbound', 'update', 'Field trip')
      returning id`, [d.studentA, d.studentA2, d.teacherA]);
    const [l1, l2] = logs.rows.map((r) => r.id as string);
    t.same((await next()).map((e) => [e.entityId, e.operation, e.data!.guardianIds]).sort(), [[l1, 'create', []], [l2, 'create', []]].sort());
    await db.query(`insert into contact_log_guardians (contact_log_id, student_id, guardian_id)
      values ($1, $5, $3), ($1, $5, $4), ($2, $6, $3)`, [l1, l2, d.guardianA, d.guardianA2, d.studentA, d.studentA2]);
    t.same((await next()).map((e) => [e.entityId, e.operation, e.data!.guardianIds]).sort(),
      [[l1, 'update', [d.guardianA, d.guardianA2].sort()], [l2, 'update', [d.guardianA]]].sort());
    await db.query(`update contact_logs set summary = summary || '!' where id = any($1)`, [[l1, l2]]);
    const updated = await next();
    t.same(updated.map((e) => [e.entityId, e.operation, e.studentId]).sort(), [[l1, 'update', d.studentA], [l2, 'update', d.studentA2]].sort());
    t.same(updated.find((e) => e.entityId === l1)!.data!.guardianIds, [d.guardianA, d.guardianA2].sort(), 'the state carries its guardians');
    await db.query(`delete from contact_logs where id = any($1)`, [[l1, l2]]);
    t.same((await next()).map((e) => [e.entityId, e.operation]).sort(), [[l1, 'delete'], [l2, 'delete']].sort(),
      'no guardian event once the log itself is gone');
  });

  await t.test('a plan made for one row serves a statement of many', async (t) => {
    const { rows } = await db.query(`insert into families (name) select 'Bulk ' || i from generate_series(1, 3000) i returning id`);
    t.equal((await next()).length, 3000);
    await db.query(`update families set notes = 'one' where id = $1`, [rows[0].id]);
    t.equal((await next()).length, 1);
    await db.query(`update families set notes = 'many' where name like 'Bulk %'`);
    const many = await next();
    t.equal(many.length, 3000);
    t.ok(many.every((e) => e.operation === 'update' && e.data!.notes === 'many'));
  });

  await t.test('the page PostgreSQL serialises equals the page built from rows', async (t) => {
    const ctx: ServiceContext = { db: app.db, principal: { role: 'district_admin', sub: 'equivalence', schoolIds: [], scopes: [] }, requestId: 'eq', log: app.log };
    for (const query of [{ limit: 1000 }, { limit: 5, types: 'family,goalParticipant' }]) {
      const text = await listChangesJson(ctx, query);
      t.strictSame(JSON.parse(text), await listChanges(ctx, query), JSON.stringify(query));
    }
  });
});
