// The outreach-gaps and goal-progress reports over REST: exact rows, paging, CSV, and who may read them.
import t from 'tap';
import { startSeededApp } from '../helpers/app.ts';
import { seedReportData } from './reports-fixtures.ts';

t.test('student-level reports', async (t) => {
  const { app, d, as, database } = await startSeededApp(t);
  const fixtures = await seedReportData(database.url, d);
  const gaps = (headers: Record<string, string>, query = '') =>
    app.inject({ url: `/v1/reports/outreach-gaps?asOf=2026-10-15T00:00:00Z${query}`, headers });

  await t.test('outreach gaps: no contact in 30 days, or the last contacts all concerns', async (t) => {
    const res = await gaps(as.districtAdmin);
    t.equal(res.statusCode, 200);
    t.same(res.json().data, [{
      studentId: d.studentB, studentName: 'Jin Kim', schoolId: d.schoolB, grade: '07',
      lastContactAt: '2026-09-10T09:00:00.000Z', daysSinceContact: 34, reasons: ['no_recent_contact'],
      guardians: [{ guardianId: d.guardianB, name: 'Min Kim', relationship: 'parent', isPrimary: true, preferredChannel: 'text', preferredLanguage: 'ko', needsInterpreter: false }],
    }]);
    const streak = (await gaps(as.districtAdmin, '&concernStreak=2')).json().data;
    t.same(streak.map((g: { studentId: string; reasons: string[] }) => [g.studentId, g.reasons]),
      [[d.studentB, ['no_recent_contact']], [d.studentA, ['concern_streak']]]);
    const first = (await gaps(as.districtAdmin, '&concernStreak=2&limit=1')).json();
    t.equal(first.data[0].studentId, d.studentB);
    const second = (await gaps(as.districtAdmin, `&concernStreak=2&limit=1&cursor=${first.page.nextCursor}`)).json();
    t.same(second.data.map((g: { studentId: string }) => g.studentId), [d.studentA]);
    t.equal(second.page.nextCursor, null);
    const shortWindow = (await gaps(as.districtAdmin, '&days=5')).json().data;
    t.same(shortWindow.map((g: { studentId: string }) => g.studentId), [d.studentB, d.studentA2, d.studentA]);
  });

  await t.test('outreach gaps: a teacher sees their students only; guardians and integrations are refused', async (t) => {
    t.same((await gaps(as.teacherA)).json().data, []);
    t.same((await gaps(as.teacherA, `&schoolId=${d.schoolB}&days=5`)).json().data, [], 'a filter cannot widen visibility');
    t.same((await gaps(as.teacherA, '&concernStreak=2')).json().data.map((g: { studentId: string }) => g.studentId), [d.studentA]);
    t.equal((await gaps(as.guardianA)).statusCode, 403);
    t.equal((await gaps(as.integrationNone)).statusCode, 403, 'row-level data cannot be suppressed');
    t.equal((await gaps(as.districtAdmin, '&days=0')).statusCode, 400);
  });

  await t.test('outreach gaps as CSV', async (t) => {
    const res = await gaps({ ...as.districtAdmin, accept: 'text/csv' }, '&concernStreak=2');
    t.match(res.headers['content-type'], /^text\/csv/);
    const lines = res.body.trimEnd().split('\r\n');
    t.equal(lines[0], 'studentId,studentName,schoolId,grade,lastContactAt,daysSinceContact,reasons,guardians');
    t.equal(lines.length, 3);
    t.equal(lines[1], `${d.studentB},Jin Kim,${d.schoolB},07,2026-09-10T09:00:00.000Z,34,no_recent_contact,"Min Kim (parent, text, ko)"`);
  });

  await t.test('goal progress: measurements in time order and the least-squares weekly trend', async (t) => {
    const res = await app.inject({ url: `/v1/reports/goal-progress?studentId=${d.studentA}`, headers: as.teacherA });
    t.equal(res.statusCode, 200);
    const [goal] = res.json().data;
    t.match(goal, { goalId: fixtures.goalA, baseline: 1, target: 10, measureType: 'count', status: 'active' });
    t.same(goal.measurements.map((m: { occurredAt: string; value: number; setting: string }) => [m.occurredAt, m.value, m.setting]), [
      ['2026-09-06T12:00:00.000Z', 2, 'school'], ['2026-09-13T12:00:00.000Z', 4, 'home'], ['2026-10-04T12:00:00.000Z', 6, 'school'],
    ]);
    t.same(goal.trend, { slopePerWeek: 0.9231, direction: 'toward_target' });
    const met = (await app.inject({ url: '/v1/reports/goal-progress?status=met', headers: as.districtAdmin })).json().data;
    t.same(met.map((g: { goalId: string; trend: unknown }) => [g.goalId, g.trend]), [[fixtures.goalA2, { slopePerWeek: null, direction: null }]]);
    const byId = (await app.inject({ url: `/v1/reports/goal-progress?goalId=${fixtures.goalB}`, headers: as.teacherA })).json().data;
    t.same(byId, [], "another school's goal is not in a teacher's report");
    const paged = (await app.inject({ url: '/v1/reports/goal-progress?limit=2', headers: as.districtAdmin })).json();
    const rest = (await app.inject({ url: `/v1/reports/goal-progress?limit=2&cursor=${paged.page.nextCursor}`, headers: as.districtAdmin })).json();
    t.equal(paged.data.length + rest.data.length, 3);
    t.equal(rest.page.nextCursor, null);
    t.equal((await app.inject({ url: '/v1/reports/goal-progress', headers: as.guardianA })).statusCode, 403);
    const csv = await app.inject({ url: `/v1/reports/goal-progress?goalId=${fixtures.goalA}`, headers: { ...as.districtAdmin, accept: 'text/csv' } });
    const lines = csv.body.trimEnd().split('\r\n');
    t.equal(lines.length, 2);
    t.ok(lines[1]!.includes(',"Calm starts, ""mornings"", at home",active,count,1,10,0.9231,toward_target,3,'), String(lines[1]));
  });
});
