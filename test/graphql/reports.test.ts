// Reports through GraphQL answer exactly what REST answers, under the same access rules.
import t from 'tap';
import { startSeededApp } from '../helpers/app.ts';

const ROW = `groupKey groupLabel students suppressed
  contacts { total byPurpose { strength concern update input_request plan celebration other } byDirection { outbound inbound } }
  strengths { strengthContacts concernContacts strengthShare strengthToConcernRatio studentsContacted firstContactStrength firstContactStrengthShare }
  familyInput { contacts share } languageAccess { inPreferredLanguage withInterpreter inPreferredLanguageOrInterpreter share }
  followUps { due done overdue } goals { created withGuardianParticipant met metWithGuardianParticipant byStatus { draft active met paused discontinued } }
  progressEvents { total bySetting { school home } byKind { observation measurement milestone celebration setback } }
  celebrationsShared { progressEvents contacts total } resourceShares { sent acknowledged }`;

t.test('reports over GraphQL', async (t) => {
  const { app, d, as } = await startSeededApp(t);
  const log = (studentId: string, headers: Record<string, string>, occurredAt: string, purpose: string, extra: object = {}) =>
    app.inject({ method: 'POST', url: '/v1/contact-logs', headers, payload: { studentId, occurredAt, channel: 'phone', purpose, summary: 'Call.', ...extra } });
  await log(d.studentA, as.teacherA, '2026-09-01T10:00:00Z', 'strength', { guardianIds: [d.guardianA], language: 'es' });
  await log(d.studentA, as.teacherA, '2026-09-08T10:00:00Z', 'concern', { familyInput: 'Mornings are hard at home too.' });
  await log(d.studentA2, as.teacherA, '2026-09-02T10:00:00Z', 'concern');
  await log(d.studentB, as.teacherB, '2026-09-03T10:00:00Z', 'celebration', { visibility: 'family' });
  const gql = (headers: Record<string, string>, query: string) => app.inject({ method: 'POST', url: '/graphql', headers, payload: { query } });

  for (const [who, groupBy] of [['districtAdmin', 'school'], ['teacherA', null], ['schoolAdminA', 'grade']] as const) {
    const rest = await app.inject({ url: `/v1/reports/engagement?from=2026-09-01&to=2026-09-30${groupBy ? `&groupBy=${groupBy}` : ''}`, headers: as[who] });
    t.equal(rest.statusCode, 200);
    const graph = await gql(as[who], `{ engagementReport(input: { from: "2026-09-01", to: "2026-09-30"${groupBy ? `, groupBy: ${groupBy}` : ''} }) { from to groupBy minCellSize data { ${ROW} } } }`);
    t.equal(graph.statusCode, 200, graph.body);
    const restBody = rest.json();
    for (const row of restBody.data) {
      for (const section of ['contacts', 'progressEvents']) if (row[section]) delete row[section].byChannel;
    }
    t.same(graph.json().data.engagementReport, { from: restBody.from, to: restBody.to, groupBy: restBody.groupBy, minCellSize: restBody.minCellSize, data: restBody.data },
      `${who}: the same report as REST`);
  }
  const teacher = (await gql(as.teacherA, '{ engagementReport(input: { from: "2026-09-01", to: "2026-09-30" }) { data { students strengths { firstContactStrength studentsContacted } } } }')).json();
  t.same(teacher.data.engagementReport.data, [{ students: 2, strengths: { firstContactStrength: 1, studentsContacted: 2 } }], "a teacher's report covers only their students");

  const gaps = (await gql(as.teacherA, '{ outreachGaps(input: { days: 30, asOf: "2026-12-01T00:00:00Z" }, first: 10) { nodes { studentId reasons guardians { name preferredLanguage } } pageInfo { hasNextPage } } }')).json();
  t.same(new Set(gaps.data.outreachGaps.nodes.map((n: { studentId: string }) => n.studentId)), new Set([d.studentA, d.studentA2]));

  const badInput = (await gql(as.teacherA, '{ engagementReport(input: { from: "2026-09-30", to: "2026-09-01" }) { from } }')).json();
  t.equal(badInput.errors[0].extensions.code, 'BAD_USER_INPUT');
  const guardian = (await gql(as.guardianA, '{ engagementReport(input: { from: "2026-09-01", to: "2026-09-30" }) { from } }')).json();
  t.equal(guardian.errors[0].extensions.code, 'FORBIDDEN');
});
