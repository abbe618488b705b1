// The engagement report over REST: exact numbers on a hand-made month, groups, date edges, CSV, suppression, access.
import t from 'tap';
import { startSeededApp } from '../helpers/app.ts';
import { seedReportData } from './reports-fixtures.ts';

t.test('engagement report', async (t) => {
  const { app, d, as, database } = await startSeededApp(t);
  await seedReportData(database.url, d);
  const get = (headers: Record<string, string>, query: string) => app.inject({ url: `/v1/reports/engagement?${query}`, headers });
  const september = 'from=2026-09-01&to=2026-09-30';

  await t.test('district scope: every cell of the month', async (t) => {
    const res = await get(as.districtAdmin, september);
    t.equal(res.statusCode, 200);
    const body = res.json();
    t.match(body, { from: '2026-09-01', to: '2026-09-30', groupBy: null, minCellSize: 0 });
    t.equal(body.data.length, 1);
    t.same(body.data[0], {
      groupKey: null, groupLabel: null, students: 3, suppressed: false,
      contacts: {
        total: 6,
        byPurpose: { strength: 2, concern: 2, update: 0, input_request: 1, plan: 0, celebration: 1, other: 0 },
        byChannel: { phone: 2, email: 1, text: 1, in_person: 0, video: 1, home_visit: 0, note_home: 1, app_message: 0, other: 0 },
        byDirection: { outbound: 5, inbound: 1 },
      },
      strengths: { strengthContacts: 3, concernContacts: 2, strengthShare: 0.5, strengthToConcernRatio: 1.5, studentsContacted: 3, firstContactStrength: 2, firstContactStrengthShare: 0.6667 },
      familyInput: { contacts: 2, share: 0.3333 },
      languageAccess: { inPreferredLanguage: 2, withInterpreter: 1, inPreferredLanguageOrInterpreter: 3, share: 0.5 },
      followUps: { due: 2, done: 1, overdue: 1 },
      goals: { created: 2, byStatus: { draft: 1, active: 1, met: 0, paused: 0, discontinued: 0 }, withGuardianParticipant: 1, met: 1, metWithGuardianParticipant: 0 },
      progressEvents: { total: 5, byKind: { observation: 1, measurement: 2, milestone: 1, celebration: 1, setback: 0 }, bySetting: { school: 3, home: 2 } },
      celebrationsShared: { progressEvents: 1, contacts: 1, total: 2 },
      resourceShares: { sent: 2, acknowledged: 1 },
    });
  });

  await t.test('date range edges: from and to are whole UTC days, both included', async (t) => {
    const firstDay = (await get(as.districtAdmin, 'from=2026-09-01&to=2026-09-01')).json().data[0];
    t.equal(firstDay.contacts.total, 1, 'the contact at 09-01 00:00:00 is in');
    t.equal(firstDay.students, 1);
    const lastDay = (await get(as.districtAdmin, 'from=2026-09-30&to=2026-09-30')).json().data[0];
    t.equal(lastDay.contacts.byPurpose.input_request, 1, 'the contact at 09-30 23:59:59 is in');
    const dayBefore = (await get(as.districtAdmin, 'from=2026-08-01&to=2026-08-31')).json().data[0];
    t.equal(dayBefore.contacts.total, 1);
    t.equal(dayBefore.goals.created, 1, 'goal A2 was created in August');
    const empty = (await get(as.districtAdmin, 'from=2025-01-01&to=2025-01-31')).json();
    t.equal(empty.data.length, 1);
    t.match(empty.data[0], { students: 0, suppressed: false, contacts: { total: 0 }, strengths: { strengthShare: null, strengthToConcernRatio: null } });
    const backwards = await get(as.districtAdmin, 'from=2026-09-30&to=2026-09-01');
    t.equal(backwards.statusCode, 400);
    t.same(backwards.json().errors, [{ path: '/querystring/to', message: 'must be on or after from' }]);
    const tooLong = await get(as.districtAdmin, 'from=2025-01-01&to=2026-09-01');
    t.equal(tooLong.statusCode, 400);
  });

  await t.test('groups: school, class, staff, grade, week', async (t) => {
    const bySchool = (await get(as.districtAdmin, `${september}&groupBy=school`)).json().data;
    t.same(bySchool.map((r: { groupKey: string; groupLabel: string; students: number }) => [r.groupKey, r.groupLabel, r.students]),
      [[d.schoolA, 'Alder Elementary', 2], [d.schoolB, 'Birch "Middle", East', 1]]);
    t.equal(bySchool[0].contacts.total, 5);
    t.equal(bySchool[0].strengths.firstContactStrength, 1);
    t.equal(bySchool[1].contacts.total, 1);
    const byClass = (await get(as.districtAdmin, `${september}&groupBy=class&classId=${d.classA}`)).json().data;
    t.same(byClass.map((r: { groupKey: string; students: number }) => [r.groupKey, r.students]), [[d.classA, 2]]);
    const byStaff = (await get(as.districtAdmin, `${september}&groupBy=staff`)).json().data;
    t.same(byStaff.map((r: { groupLabel: string; students: number }) => [r.groupLabel, r.students]), [['Ana Lopez', 2], ['Cleo Nguyen', 1]]);
    t.equal(byStaff[0].progressEvents.total, 3, 'guardian-recorded events have no staff author');
    const byGrade = (await get(as.districtAdmin, `${september}&groupBy=grade`)).json().data;
    t.same(byGrade.map((r: { groupKey: string }) => r.groupKey), ['01', '03', '07']);
    const byWeek = (await get(as.districtAdmin, `${september}&groupBy=week`)).json().data;
    t.same(byWeek.map((r: { groupKey: string }) => r.groupKey), ['2026-08-31', '2026-09-07', '2026-09-14', '2026-09-28']);
    t.equal(byWeek[0].strengths.firstContactStrength, 1, 'only A started with a strength in week one; A2 began with a concern');
    t.equal(byWeek[1].strengths.firstContactStrength, 1, 'B was first contacted (strength) in the second week');
    t.equal(byWeek.reduce((sum: number, r: { contacts: { total: number } }) => sum + r.contacts.total, 0), 6);
    const staffFilter = (await get(as.districtAdmin, `${september}&staffId=${d.teacherB}`)).json().data[0];
    t.match(staffFilter, { students: 1, contacts: { total: 1 }, goals: { created: 1 }, resourceShares: { sent: 1 } });
    const gradeFilter = (await get(as.districtAdmin, `${september}&grade=01`)).json().data[0];
    t.match(gradeFilter, { students: 1, contacts: { total: 3 } });
    const unknownParam = await get(as.districtAdmin, `${september}&color=blue`);
    t.equal(unknownParam.statusCode, 400);
  });

  await t.test('authorization: teachers see their students, school admins their schools, filters cannot widen', async (t) => {
    const teacherA = (await get(as.teacherA, september)).json().data[0];
    t.match(teacherA, { students: 2, contacts: { total: 5 }, resourceShares: { sent: 1 } });
    const teacherB = (await get(as.teacherB, september)).json().data[0];
    t.match(teacherB, { students: 1, contacts: { total: 1 } });
    const reaching = (await get(as.teacherB, `${september}&schoolId=${d.schoolA}`)).json().data[0];
    t.match(reaching, { students: 0, contacts: { total: 0 } });
    const admin = (await get(as.schoolAdminA, `${september}&groupBy=school`)).json().data;
    t.same(admin.map((r: { groupKey: string }) => r.groupKey), [d.schoolA]);
    const teacherA2 = (await get(as.teacherA2, september)).json().data[0];
    t.equal(teacherA2.students, 0, 'a teacher with no class sees nobody');
    t.equal((await get(as.guardianA, september)).statusCode, 403);
    t.equal((await get(as.integrationRead, september)).statusCode, 403, 'partnership:read is not reports:read');
  });

  await t.test('small-cell suppression', async (t) => {
    const integration = await get(as.integrationNone, `${september}&groupBy=school`);
    t.equal(integration.statusCode, 200);
    t.equal(integration.json().minCellSize, 10);
    t.same(integration.json().data.map((r: { suppressed: boolean; students: null; contacts: null }) => [r.suppressed, r.students, r.contacts]),
      [[true, null, null], [true, null, null]]);
    const cannotLower = (await get(as.integrationNone, `${september}&minCellSize=0`)).json();
    t.equal(cannotLower.minCellSize, 10);
    t.equal(cannotLower.data[0].suppressed, true);
    const staffRaises = (await get(as.districtAdmin, `${september}&groupBy=school&minCellSize=2`)).json().data;
    t.same(staffRaises.map((r: { suppressed: boolean; students: number | null }) => [r.suppressed, r.students]), [[false, 2], [true, null]]);
    const csv = await get({ ...as.integrationNone, accept: 'text/csv' }, `${september}&groupBy=school`);
    const lines = csv.body.trimEnd().split('\r\n');
    t.match(lines[1], /^[0-9a-f-]{36},Alder Elementary,\*,true,\*,\*/);
    t.notOk(lines[1]!.split(',').slice(4).some((cell) => cell !== '*'), 'every cell of a suppressed row is withheld');
  });

  await t.test('CSV: one header row, RFC 4180 quoting, same numbers as JSON', async (t) => {
    const res = await get({ ...as.districtAdmin, accept: 'text/csv' }, `${september}&groupBy=school`);
    t.equal(res.statusCode, 200);
    t.match(res.headers['content-type'], /^text\/csv/);
    t.match(res.headers['content-disposition'], /engagement\.csv/);
    t.ok(res.body.endsWith('\r\n'));
    const lines = res.body.trimEnd().split('\r\n');
    t.equal(lines.length, 3);
    const header = lines[0]!.split(',');
    t.same(header.slice(0, 6), ['groupKey', 'groupLabel', 'students', 'suppressed', 'contacts.total', 'contacts.byPurpose.strength']);
    t.ok(header.includes('strengths.firstContactStrengthShare'));
    t.ok(header.includes('resourceShares.acknowledged'));
    const schoolB = lines[2]!;
    t.ok(schoolB.startsWith(`${d.schoolB},"Birch ""Middle"", East",1,false,1,1,`), schoolB);
    const json = await get({ ...as.districtAdmin, accept: 'application/json' }, september);
    t.match(json.headers['content-type'], /application\/json/);
    const preferJson = await get({ ...as.districtAdmin, accept: 'application/json, text/csv;q=0.5' }, september);
    t.match(preferJson.headers['content-type'], /application\/json/);
  });

  await t.test('each report read is audited once, without student ids', async (t) => {
    const before = (await app.inject({ url: '/v1/audit-events?limit=500', headers: as.districtAdmin })).json().data
      .filter((e: { recordType: string }) => e.recordType === 'report:engagement').length;
    await get(as.teacherA, september);
    const after = (await app.inject({ url: '/v1/audit-events?limit=500', headers: as.districtAdmin })).json().data
      .filter((e: { recordType: string }) => e.recordType === 'report:engagement');
    t.equal(after.length, before + 1);
  });
});
