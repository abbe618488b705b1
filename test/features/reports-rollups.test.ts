// The week and open follow-up rollups stay equal to a rebuild; reports over weeks, months and days agree; a moved student's numbers follow them.
import t from 'tap';
import pg from 'pg';
import { startSeededApp } from '../helpers/app.ts';
import { sql } from 'kysely';
import { createDatabase } from '../../src/db/database.ts';
import { engagementRows, refreshDistrictWeeks } from '../../src/features/reports/engagement-sql.ts';
import { periodSegments } from '../../src/features/reports/periods.ts';
import { seedReportData } from './reports-fixtures.ts';

t.test('period segments cover each day once, with whole months and ISO weeks', async (t) => {
  t.same(periodSegments('2025-08-25', '2026-06-13', true), [
    { unit: 'week', from: '2025-08-25', to: '2025-09-01' },
    { unit: 'month', from: '2025-09-01', to: '2026-06-01' },
    { unit: 'week', from: '2026-06-01', to: '2026-06-08' },
    { unit: 'day', from: '2026-06-08', to: '2026-06-13' },
  ]);
  t.same(periodSegments('2026-09-01', '2026-10-01', false), [
    { unit: 'day', from: '2026-09-01', to: '2026-09-07' },
    { unit: 'week', from: '2026-09-07', to: '2026-09-28' },
    { unit: 'day', from: '2026-09-28', to: '2026-10-01' },
  ]);
  t.same(periodSegments('2026-09-02', '2026-09-04', true), [{ unit: 'day', from: '2026-09-02', to: '2026-09-04' }]);
});

t.test('rollups follow every write', async (t) => {
  const { app, d, as, database } = await startSeededApp(t);
  await seedReportData(database.url, d);
  const pool = new pg.Pool({ connectionString: database.url, max: 2 });
  t.teardown(() => pool.end());
  const q = (text: string, values: unknown[] = []) => pool.query(text, values);
  const snapshot = async () => {
    const weeks = await q(`select t::text as row from report_student_weeks t order by t::text`);
    const open = await q(`select t::text as row from report_open_follow_ups t order by t::text`);
    return [...weeks.rows.map((r) => `w ${r.row}`), ...open.rows.map((r) => `f ${r.row}`)];
  };
  const keptAndRebuilt = async () => {
    const kept = await snapshot();
    await q('select report_summaries_rebuild()');
    return { kept, rebuilt: await snapshot() };
  };
  const get = async (query: string, headers = as.districtAdmin) => {
    const response = await app.inject({ url: `/v1/reports/engagement?${query}`, headers });
    t.equal(response.statusCode, 200, query);
    return response.json().data;
  };

  await t.test('after the fixtures, updates, deletes and a bulk insert', async (t) => {
    t.ok((await snapshot()).length > 0);
    const first = await keptAndRebuilt();
    t.same(first.kept, first.rebuilt, 'inserts');
    await q(`update contact_logs set follow_up_done_at = now() where student_id = $1 and follow_up_due is not null`, [d.studentA]);
    await q(`update contact_logs set follow_up_due = '2021-02-03', occurred_at = occurred_at + interval '9 days' where student_id = $1`, [d.studentA2]);
    await q(`delete from progress_events where student_id = $1`, [d.studentB]);
    await q(`insert into contact_logs (student_id, author_id, occurred_at, purpose, channel, direction, summary, follow_up_due)
      select $1, $2, '2026-09-01T00:00:00Z'::timestamptz + i * interval '11 hours', 'update', 'phone', 'outbound', 'bulk', '2020-05-05'
      from generate_series(1, 60) i`, [d.studentB, d.teacherB]);
    const second = await keptAndRebuilt();
    t.same(second.kept, second.rebuilt, 'after writes');
  });

  await t.test('a period read from months, weeks and days equals the sum of its days by week', async (t) => {
    const [whole] = await get('from=2026-08-25&to=2026-10-20');
    const byWeek = await get('from=2026-08-25&to=2026-10-20&groupBy=week');
    const sum = (pick: (row: any) => number) => byWeek.reduce((total: number, row: any) => total + pick(row), 0);
    t.equal(whole.contacts.total, sum((r) => r.contacts.total));
    t.equal(whole.followUps.overdue, sum((r) => r.followUps.overdue));
    t.equal(whole.progressEvents.total, sum((r) => r.progressEvents.total));
    t.equal(whole.strengths.firstContactStrength, sum((r) => r.strengths.firstContactStrength));
    t.ok(whole.followUps.overdue >= 60, 'the bulk contacts are overdue');
  });

  await t.test('a student moved to another school counts in the new school for past records', async (t) => {
    const before = await get('from=2026-08-25&to=2026-10-20&groupBy=school');
    const contactsOf = (rows: any[], school: string) => rows.find((r) => r.groupKey === school)?.contacts.total ?? 0;
    const { rows: [moved] } = await q(`select school_id from students where id = $1`, [d.studentA]);
    const target = moved.school_id === d.schoolA ? d.schoolB : d.schoolA;
    const studentAContacts = (await q(`select count(*)::int as n from contact_logs where student_id = $1 and occurred_at >= '2026-08-25' and occurred_at < '2026-10-21'`, [d.studentA])).rows[0].n;
    t.ok(studentAContacts > 0);
    await q(`update students set school_id = $2 where id = $1`, [d.studentA, target]);
    const after = await get('from=2026-08-25&to=2026-10-20&groupBy=school');
    t.equal(contactsOf(after, target), contactsOf(before, target) + studentAContacts);
    t.equal(contactsOf(after, moved.school_id), contactsOf(before, moved.school_id) - studentAContacts);
    const oneSchool = await get(`from=2026-08-25&to=2026-10-20&schoolId=${target}`);
    t.equal(oneSchool[0].contacts.total, contactsOf(after, target), 'the schoolId filter agrees with the school group');
  });
});

t.test('district week rows answer exactly as the student rows do, after every write and a rebuild', async (t) => {
  const { app, d, as, database } = await startSeededApp(t);
  await seedReportData(database.url, d);
  const { db } = createDatabase({ connectionString: database.url, poolMax: 2 });
  t.teardown(() => db.destroy());
  const admin = { role: 'district_admin', sub: 'admin@district', scopes: [], schoolIds: [] } as never;
  // Wednesday to Thursday: partial weeks with records at both edges, three whole weeks between.
  const period = { fromTs: '2026-09-02T00:00:00.000Z', toTsExclusive: '2026-10-02T00:00:00.000Z', groupBy: 'week' as const };
  /** The report rows both ways, in one transaction after the refresh (as the service reads them). */
  const bothWays = async () => {
    await refreshDistrictWeeks(db, admin, period);
    await refreshDistrictWeeks(db, admin, { ...period, groupBy: undefined });
    return db.transaction().execute(async (tx) => ({
      cached: await engagementRows(tx, admin, period),
      computed: await engagementRows(tx, admin, { ...period, districtWeeks: false }),
      total: await engagementRows(tx, admin, { ...period, groupBy: undefined }),
      totalComputed: await engagementRows(tx, admin, { ...period, groupBy: undefined, districtWeeks: false }),
    }));
  };
  const districtRows = async () => Number((await sql<{ n: number }>`select count(*)::int as n from report_district_weeks`.execute(db)).rows[0]!.n);
  const marks = async () => Number((await sql<{ n: number }>`select count(*)::int as n from report_week_marks
    where week >= '2026-09-07' and week < '2026-09-28'`.execute(db)).rows[0]!.n);

  const first = await bothWays();
  t.same(first.cached.map((row) => row.groupKey), ['2026-08-31', '2026-09-07', '2026-09-14', '2026-09-28'],
    'both partial weeks and the whole ones; the week of Sep 21 has no records and no row');
  t.same(first.cached, first.computed, 'after the fixtures');
  t.same(first.total, first.totalComputed, 'the one-row report too');
  t.equal(first.total.length, 1);
  t.equal(await districtRows(), 3, 'one row per whole week of the period, computed on first read');
  t.equal(await marks(), 0, 'the read consumed the marks of the weeks it refreshed (marks outside the period wait for a read of theirs)');

  await sql`update contact_logs set purpose = 'concern' where student_id = ${d.studentA} and occurred_at < '2026-09-20'`.execute(db);
  await sql`delete from progress_events where student_id = ${d.studentB}`.execute(db);
  await sql`insert into contact_logs (student_id, author_id, occurred_at, purpose, channel, direction, summary)
    select ${d.studentB}, ${d.teacherB}, '2026-09-01T00:00:00Z'::timestamptz + i * interval '13 hours', 'strength', 'phone', 'outbound', 'bulk'
    from generate_series(1, 80) i`.execute(db);
  t.ok(await marks() > 0, 'writes mark the weeks they change');
  const refreshed = Number((await sql<{ n: number }>`select report_district_weeks_upkeep() as n`.execute(db)).rows[0]!.n);
  t.ok(refreshed > 0, `the upkeep refreshed ${refreshed} marked weeks`);
  t.equal(Number((await sql<{ n: number }>`select count(*)::int as n from report_week_marks`.execute(db)).rows[0]!.n), 0,
    'and left no mark: marks of weeks never computed are dropped, the others consumed');
  const second = await bothWays();
  t.same(second.cached, second.computed, 'after updates, deletes and a bulk insert');
  t.same(second.total, second.totalComputed, 'the one-row report too');
  t.notSame(second.cached, first.cached, 'and the writes show');

  await sql`select report_summaries_rebuild()`.execute(db);
  t.equal(await districtRows(), 0, 'a rebuild clears the district rows');
  const third = await bothWays();
  t.same(third.cached, third.computed, 'after a rebuild');
  t.same(third.total, third.totalComputed, 'the one-row report too');
  const empty = await db.transaction().execute(async (tx) => engagementRows(tx, admin,
    { fromTs: '2020-01-01T00:00:00.000Z', toTsExclusive: '2020-03-01T00:00:00.000Z' }));
  t.same(empty, [], 'no row for a period without records, as before (the service adds the zero row)');

  const response = await app.inject({ url: '/v1/reports/engagement?from=2026-09-02&to=2026-10-01&groupBy=week', headers: as.districtAdmin });
  t.equal(response.statusCode, 200);
  t.same(response.json().data.map((row: { groupKey: string }) => row.groupKey), third.cached.map((row) => row.groupKey));
});

t.test('the app runs the upkeep on its own, so marks do not pile up between reports', async (t) => {
  const { d, database } = await startSeededApp(t, { config: { reports: { minCellSizeStaff: 0, minCellSizeIntegration: 10, upkeepIntervalMs: 50 } } });
  await seedReportData(database.url, d);
  const { db } = createDatabase({ connectionString: database.url, poolMax: 1 });
  t.teardown(() => db.destroy());
  await sql`select report_district_weeks_refresh('2026-08-31', '2026-10-05')`.execute(db);
  const pending = async () => Number((await sql<{ n: number }>`select count(*)::int as n from report_week_marks`.execute(db)).rows[0]!.n);
  const contacts = async () => Number((await sql<{ n: number }>`select contacts as n from report_district_weeks where week = '2026-09-14'`.execute(db)).rows[0]!.n);
  const before = await contacts();
  await sql`insert into contact_logs (student_id, author_id, occurred_at, purpose, channel, direction, summary)
    values (${d.studentA}, ${d.teacherA}, '2026-09-16T10:00:00Z', 'strength', 'phone', 'outbound', 'later')`.execute(db);
  for (let i = 0; i < 100 && (await pending()) > 0; i += 1) await new Promise((resolve) => setTimeout(resolve, 50));
  t.equal(await pending(), 0, 'the marks were consumed without a report');
  t.equal(await contacts(), before + 1, 'and the week row counts the new contact');
});
