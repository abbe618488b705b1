// The report summaries stay equal to a rebuild from the source tables through inserts, updates, deletes and concurrent writers.
import t from 'tap';
import pg from 'pg';
import { startSeededApp } from '../helpers/app.ts';
import { seedReportData } from './reports-fixtures.ts';

t.test('report summaries follow every write', async (t) => {
  const { app, d, as, database } = await startSeededApp(t);
  const fixtures = await seedReportData(database.url, d);
  const pool = new pg.Pool({ connectionString: database.url, max: 3 });
  t.teardown(() => pool.end());
  const q = (text: string, values: unknown[] = []) => pool.query(text, values);

  /** Both summary tables as sorted text, then after a full rebuild: they must be equal. */
  const snapshot = async () => {
    const days = await q(`select t::text as row from report_student_days t order by t::text`);
    const months = await q(`select t::text as row from report_student_months t order by t::text`);
    return [...days.rows.map((r) => `d ${r.row}`), ...months.rows.map((r) => `m ${r.row}`)];
  };
  const keptAndRebuilt = async () => {
    const kept = await snapshot();
    await q('select report_summaries_rebuild()');
    return { kept, rebuilt: await snapshot() };
  };
  const september = (headers: Record<string, string>) => app.inject({ url: '/v1/reports/engagement?from=2026-09-01&to=2026-09-30', headers });

  await t.test('after the fixtures', async (t) => {
    t.ok((await snapshot()).length > 0);
    const { kept, rebuilt } = await keptAndRebuilt();
    t.same(kept, rebuilt, 'inserts');
  });

  await t.test('updates and deletes of contacts, guardians, goals, participants, events and shares', async (t) => {
    await q(`update contact_logs set purpose = 'celebration', occurred_at = '2026-10-15T10:00:00Z' where student_id = $1 and purpose = 'concern' and occurred_at = '2026-09-05T10:00:00Z'`, [d.studentA]);
    await q(`delete from contact_logs where student_id = $1 and purpose = 'input_request'`, [d.studentA2]);
    await q(`delete from contact_log_guardians where guardian_id = $1`, [d.guardianB]);
    await q(`update guardians set preferred_language = 'en' where id = $1`, [d.guardianA]);
    await q(`update goals set status = 'met', status_changed_at = '2026-09-25T08:00:00Z' where id = $1`, [fixtures.goalA]);
    await q(`insert into goal_participants (goal_id, participant_type, guardian_id) values ($1, 'guardian', $2)`, [fixtures.goalB, d.guardianB]);
    await q(`delete from goal_participants where goal_id = $1 and participant_type = 'guardian'`, [fixtures.goalA]);
    await q(`update progress_events set occurred_at = occurred_at - interval '20 days' where student_id = $1`, [d.studentA2]);
    await q(`update resource_shares set acknowledged_at = now() where student_id = $1`, [d.studentB]);
    await q(`delete from progress_events where student_id = $1 and setting = 'home'`, [d.studentB]);
    const { kept, rebuilt } = await keptAndRebuilt();
    t.same(kept, rebuilt, 'updates and deletes');
    const report = (await september(as.districtAdmin)).json().data[0];
    t.match(report, {
      contacts: { total: 4 }, languageAccess: { inPreferredLanguage: 0 },
      goals: { created: 2, byStatus: { met: 1, draft: 1 }, withGuardianParticipant: 1, met: 2, metWithGuardianParticipant: 0 },
    });
  });

  await t.test('a bulk insert in one statement', async (t) => {
    await q(`insert into contact_logs (student_id, author_id, occurred_at, purpose, channel, direction, summary)
      select $1, $2, '2026-09-01T00:00:00Z'::timestamptz + i * interval '7 hours', 'update', 'phone', 'outbound', 'bulk'
      from generate_series(1, 200) i`, [d.studentA, d.teacherA]);
    const { kept, rebuilt } = await keptAndRebuilt();
    t.same(kept, rebuilt, 'bulk insert');
  });

  await t.test('two writers of one student-day in concurrent transactions', async (t) => {
    const one = await pool.connect();
    const two = await pool.connect();
    try {
      const insert = (client: pg.PoolClient, at: string) => client.query(`insert into contact_logs (student_id, author_id, occurred_at, purpose, channel, direction, summary)
        values ($1, $2, $3, 'strength', 'phone', 'outbound', 'concurrent')`, [d.studentA2, d.teacherA, at]);
      await one.query('begin');
      await two.query('begin');
      await insert(one, '2026-09-17T08:00:00Z');
      const second = insert(two, '2026-09-17T09:00:00Z').then(() => two.query('commit'));
      await one.query('commit');
      await second;
    } finally {
      one.release();
      two.release();
    }
    const { rows } = await q(`select contacts from report_student_days where student_id = $1 and day = '2026-09-17'`, [d.studentA2]);
    t.same(rows, [{ contacts: 2 }], 'both contacts counted');
    const { kept, rebuilt } = await keptAndRebuilt();
    t.same(kept, rebuilt, 'concurrent writers');
  });
});
