// The week and open follow-up rollups stay equal to a rebuild; reports over weeks, months and days agree; a moved student's numbers follow them.
import t from 'tap';
import pg from 'pg';
import { startSeededApp } from '../helpers/app.ts';
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
