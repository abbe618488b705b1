// The authorization matrix: every role against every kind of record, by id, by filter, by nested path and through
// GraphQL, including forged and expired tokens. Everything not allowed fails closed (401/403/404, or absent from lists).
import t from 'tap';
import { createSigner } from 'fast-jwt';
import { startSeededApp, TEST_JWT_SECRET } from '../helpers/app.ts';

type Headers = Record<string, string>;

t.test('authorization matrix', async (t) => {
  const { app, d, as } = await startSeededApp(t);
  const create = async (headers: Headers, url: string, payload: object) => {
    const res = await app.inject({ method: 'POST', url, headers, payload });
    if (res.statusCode !== 201) throw new Error(`${url}: ${res.statusCode} ${res.body}`);
    return res.json() as { id: string };
  };
  // School A's records about Mateo (studentA), written by his teacher.
  const staffLog = await create(as.teacherA, '/v1/contact-logs', { studentId: d.studentA, occurredAt: '2026-09-01T10:00:00Z', channel: 'phone', purpose: 'concern', summary: 'Left the room twice.', staffNote: 'Possible trigger: fire drill', visibility: 'staff' });
  const familyLog = await create(as.teacherA, '/v1/contact-logs', { studentId: d.studentA, guardianIds: [d.guardianA], occurredAt: '2026-09-02T10:00:00Z', channel: 'phone', purpose: 'strength', summary: 'Great day.', staffNote: 'internal', visibility: 'family' });
  const goal = await create(as.teacherA, '/v1/goals', { studentId: d.studentA, title: 'Calm transitions', domain: 'behavior', status: 'active' });
  await create(as.teacherA, `/v1/goals/${goal.id}/participants`, { participantType: 'guardian', guardianId: d.guardianA, role: 'partner' });
  const progress = await create(as.teacherA, '/v1/progress-events', { studentId: d.studentA, goalId: goal.id, occurredAt: '2026-09-03T10:00:00Z', kind: 'milestone', setting: 'school', visibility: 'family', note: 'Lined up calmly.' });
  const staffProgress = await create(as.teacherA, '/v1/progress-events', { studentId: d.studentA, occurredAt: '2026-09-03T11:00:00Z', kind: 'setback', setting: 'school', visibility: 'staff', note: 'Meltdown at lunch.' });
  const resource = await create(as.teacherA, '/v1/strategy-resources', { title: 'Breathing card', kind: 'coping_strategy', body: 'Smell the flower, blow the candle.', scope: 'school', schoolId: d.schoolA });
  const share = await create(as.teacherA, `/v1/strategy-resources/${resource.id}/shares`, { studentId: d.studentA, guardianId: d.guardianA });

  const sign = (claims: object, key = TEST_JWT_SECRET, expiresIn = 60_000) => `Bearer ${createSigner({ key, expiresIn })(claims)}`;
  const forged = { authorization: sign({ role: 'district_admin', sub: 'mallory' }, 'not-the-district-key-not-the-district-key') };
  const escalated = { authorization: sign({ role: 'superadmin', sub: d.teacherB }) };
  const expired = { authorization: `Bearer ${app.jwt.sign({ role: 'district_admin', sub: 'admin' }, { expiresIn: -60 })}` };
  const guardianA2 = { authorization: `Bearer ${app.jwt.sign({ role: 'guardian', sub: d.guardianA2 }, { expiresIn: '1h' })}` };

  const reads: Array<[string, string]> = [
    ['student', `/v1/students/${d.studentA}`],
    ['student guardians', `/v1/students/${d.studentA}/guardians`],
    ['timeline', `/v1/students/${d.studentA}/timeline`],
    ['staff-only contact log', `/v1/contact-logs/${staffLog.id}`],
    ['family contact log', `/v1/contact-logs/${familyLog.id}`],
    ['goal', `/v1/goals/${goal.id}`],
    ['goal progress', `/v1/goals/${goal.id}/progress`],
    ['goal participants', `/v1/goals/${goal.id}/participants`],
    ['family progress event', `/v1/progress-events/${progress.id}`],
    ['staff-only progress event', `/v1/progress-events/${staffProgress.id}`],
    ['school resource', `/v1/strategy-resources/${resource.id}`],
    ['resource share', `/v1/resource-shares/${share.id}`],
    ['guardian', `/v1/guardians/${d.guardianA}`],
    ['family', `/v1/families/${d.familyA}`],
  ];
  // Expected status per principal for each read above, in order.
  const expected: Record<string, number[]> = {
    districtAdmin: [200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200],
    schoolAdminA: [200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200],
    teacherA: [200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200],
    teacherA2: [404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 200, 404, 404, 404],
    teacherB: [404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404],
    guardianA: [200, 200, 200, 404, 200, 200, 200, 200, 200, 404, 200, 200, 200, 200],
    guardianB: [404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404],
    integrationNone: [403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403],
  };
  const principals: Record<string, Headers> = { ...as, teacherA2: as.teacherA2 };
  for (const [who, statuses] of Object.entries(expected)) {
    for (const [i, [name, url]] of reads.entries()) {
      const res = await app.inject({ url, headers: principals[who] });
      t.equal(res.statusCode, statuses[i], `${who} reading ${name}`);
      if (res.statusCode >= 400) t.notMatch(res.body, /Mateo|Garcia|Left the room|Meltdown|Breathing|\+1555/, `${who}: nothing leaks in the ${name} error`);
    }
  }

  await t.test('bad tokens fail closed everywhere', async (t) => {
    for (const headers of [forged, escalated, expired, {}]) {
      for (const [, url] of reads) t.equal((await app.inject({ url, headers })).statusCode, 401, url);
      t.equal((await app.inject({ method: 'POST', url: '/graphql', headers, payload: { query: `{ contactLog(id: "${staffLog.id}") { summary } }` } })).statusCode, 401);
    }
  });

  await t.test('filters cannot widen what a principal sees', async (t) => {
    const lists = [
      `/v1/students?schoolId=${d.schoolA}`, `/v1/students?classId=${d.classA}`, `/v1/contact-logs?studentId=${d.studentA}`,
      `/v1/contact-logs?schoolId=${d.schoolA}`, `/v1/goals?studentId=${d.studentA}`, `/v1/progress-events?studentId=${d.studentA}`,
      `/v1/resource-shares?studentId=${d.studentA}`, `/v1/guardians?studentId=${d.studentA}`, `/v1/families`, `/v1/enrollments?classId=${d.classA}`,
    ];
    for (const who of ['teacherB', 'guardianB'] as const) {
      for (const url of lists) {
        const res = await app.inject({ url, headers: as[who] });
        t.equal(res.statusCode, 200, `${who} ${url}`);
        const ids = (res.json().data as Array<{ id: string; studentId?: string }>);
        t.notOk(ids.some((r) => r.studentId === d.studentA || r.id === d.studentA || r.id === d.familyA || r.id === d.guardianA), `${who} sees none of school A through ${url}`);
      }
    }
    const guardianLogs = (await app.inject({ url: '/v1/contact-logs', headers: as.guardianA })).json().data as Array<{ id: string; staffNote?: string }>;
    t.same(guardianLogs.map((l) => l.id), [familyLog.id], 'a guardian lists only family-visible logs');
    t.notOk(guardianLogs.some((l) => 'staffNote' in l), 'and never staff notes');
  });

  await t.test("guardians see other guardians' contact details only within their own family", async (t) => {
    const mother = (await app.inject({ url: `/v1/guardians/${d.guardianA}`, headers: guardianA2 })).json();
    t.equal(mother.phone, '+15550001001', 'the father sees the mother in his household');
    t.equal((await app.inject({ url: `/v1/guardians/${d.guardianB}`, headers: as.guardianA })).statusCode, 404, 'another family is not visible at all');
    t.equal((await app.inject({ url: `/v1/students/${d.studentB}`, headers: as.guardianA })).statusCode, 404, 'a child of another family');
  });

  await t.test('writes: only those allowed, and never across schools', async (t) => {
    const log = { studentId: d.studentA, occurredAt: '2026-09-05T10:00:00Z', channel: 'email', purpose: 'update', summary: 'Newsletter.' };
    const cases: Array<[string, Headers, string, string, object | undefined, number]> = [
      ['teacher B logs a contact for a school-A student', as.teacherB, 'POST', '/v1/contact-logs', log, 422],
      ['a guardian logs a contact', as.guardianA, 'POST', '/v1/contact-logs', log, 403],
      ['a read-only integration logs a contact', as.integrationRead, 'POST', '/v1/contact-logs', { ...log, authorId: d.teacherA }, 403],
      ['teacher B edits a school-A log', as.teacherB, 'PATCH', `/v1/contact-logs/${familyLog.id}`, { summary: 'x' }, 404],
      ['teacher B deletes a school-A goal', as.teacherB, 'DELETE', `/v1/goals/${goal.id}`, undefined, 404],
      ['guardian B records progress for Mateo', as.guardianB, 'POST', '/v1/progress-events', { studentId: d.studentA, occurredAt: '2026-09-05T18:00:00Z', kind: 'celebration' }, 422],
      ['guardian A edits the goal', as.guardianA, 'PATCH', `/v1/goals/${goal.id}`, { title: 'Mine now' }, 403],
      ['guardian B acknowledges guardian A\'s share', as.guardianB, 'POST', `/v1/resource-shares/${share.id}/acknowledge`, undefined, 404],
      ['teacher B shares with a school-A family', as.teacherB, 'POST', `/v1/strategy-resources/${resource.id}/shares`, { studentId: d.studentA, guardianId: d.guardianA }, 404],
      ['a teacher reads the audit trail', as.teacherA, 'GET', '/v1/audit-events', undefined, 403],
    ];
    for (const [name, headers, method, url, payload, status] of cases) {
      const res = await app.inject({ method: method as 'POST', url, headers, payload });
      t.equal(res.statusCode, status, name);
    }
    const still = (await app.inject({ url: `/v1/contact-logs/${familyLog.id}`, headers: as.teacherA })).json();
    t.equal(still.summary, 'Great day.', 'nothing was half-written by the refused requests');
  });

  await t.test('GraphQL: the same rules', async (t) => {
    const res = await app.inject({ method: 'POST', url: '/graphql', headers: as.teacherB, payload: { query: `{ contactLog(id: "${staffLog.id}") { summary } contactLogs(filter: { studentId: "${d.studentA}" }) { edges { node { id } } } }` } });
    t.same(res.json().data, { contactLog: null, contactLogs: { edges: [] } });
    t.equal(res.json().errors[0].extensions.code, 'NOT_FOUND');
  });

  await t.test('deactivation takes access away at once', async (t) => {
    await app.db.updateTable('enrollments').set({ status: 'inactive' }).where('staffId', '=', d.teacherA).execute();
    t.equal((await app.inject({ url: `/v1/students/${d.studentA}`, headers: as.teacherA })).statusCode, 404, 'teacher removed from the class');
    await app.db.updateTable('studentGuardians').set({ status: 'inactive' }).where('guardianId', '=', d.guardianA).execute();
    t.equal((await app.inject({ url: `/v1/contact-logs/${familyLog.id}`, headers: as.guardianA })).statusCode, 404, 'guardian link ended');
  });
});
