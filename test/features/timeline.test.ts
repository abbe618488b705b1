// The student timeline: one feed across contact logs, goals, progress and shares, each kind under its own visibility rules.
import t from 'tap';
import { startSeededApp } from '../helpers/app.ts';

t.test('student timeline', async (t) => {
  const { app, d, as } = await startSeededApp(t);
  const post = async (headers: Record<string, string>, url: string, payload: object) => {
    const res = await app.inject({ method: 'POST', url, headers, payload });
    if (res.statusCode !== 201) throw new Error(`${url}: ${res.statusCode} ${res.body}`);
    return res.json() as { id: string };
  };
  const staffLog = await post(as.teacherA, '/v1/contact-logs', { studentId: d.studentA, occurredAt: '2026-09-01T10:00:00Z', channel: 'phone', purpose: 'concern', summary: 'Hard morning transition.', visibility: 'staff' });
  const familyLog = await post(as.teacherA, '/v1/contact-logs', { studentId: d.studentA, occurredAt: '2026-09-02T10:00:00Z', channel: 'phone', purpose: 'strength', summary: 'Kind to a new classmate.', visibility: 'family' });
  const goal = await post(as.teacherA, '/v1/goals', { studentId: d.studentA, title: 'Calm mornings', domain: 'behavior', status: 'active', measureType: 'count' });
  await post(as.teacherA, `/v1/goals/${goal.id}/participants`, { participantType: 'guardian', guardianId: d.guardianA, role: 'partner' });
  const privateGoal = await post(as.teacherA, '/v1/goals', { studentId: d.studentA, title: 'Staff planning', domain: 'academic' });
  const homeWin = await post(as.guardianA, '/v1/progress-events', { studentId: d.studentA, goalId: goal.id, occurredAt: '2026-09-03T07:30:00Z', kind: 'celebration', note: 'Dressed before breakfast!' });
  const staffNote = await post(as.teacherA, '/v1/progress-events', { studentId: d.studentA, occurredAt: '2026-09-04T09:00:00Z', kind: 'observation', note: 'Needed two prompts.', visibility: 'staff', setting: 'school' });
  const resource = await post(as.teacherA, '/v1/strategy-resources', { title: 'Morning picture schedule', kind: 'visual_schedule', body: 'Wake, dress, eat, brush, bag.' });
  const toMother = await post(as.teacherA, `/v1/strategy-resources/${resource.id}/shares`, { studentId: d.studentA, guardianId: d.guardianA });
  const toFather = await post(as.teacherA, `/v1/strategy-resources/${resource.id}/shares`, { studentId: d.studentA, guardianId: d.guardianA2 });

  const feed = async (headers: Record<string, string>, query = '') => {
    const res = await app.inject({ url: `/v1/students/${d.studentA}/timeline?limit=500${query}`, headers });
    t.equal(res.statusCode, 200, res.body);
    return res.json().data as Array<{ type: string; id: string; at: string; headline: string; href: string }>;
  };

  const staff = await feed(as.teacherA);
  t.same(new Set(staff.map((i) => i.id)), new Set([staffLog.id, familyLog.id, goal.id, privateGoal.id, homeWin.id, staffNote.id, toMother.id, toFather.id]));
  const times = staff.map((i) => i.at);
  t.same(times, [...times].sort().reverse(), 'newest first');
  t.match(staff.find((i) => i.id === homeWin.id), { type: 'progressEvent', headline: 'Dressed before breakfast!', href: `/v1/progress-events/${homeWin.id}` });

  const mother = await feed(as.guardianA);
  t.same(new Set(mother.map((i) => i.id)), new Set([familyLog.id, goal.id, homeWin.id, toMother.id]),
    'the family sees family-visible logs and progress, goals it takes part in and resources shared with it');

  // The father's token is signed here: the seeded tokens have one guardian of family A. Both guardians' feeds are one
  // shape of statement, built once: each must get its own caller's rows.
  const father = { authorization: `Bearer ${app.jwt.sign({ role: 'guardian', sub: d.guardianA2 }, { expiresIn: '1h' })}` };
  t.same(new Set((await feed(father)).map((i) => i.id)), new Set([familyLog.id, toFather.id]),
    'the father: family-visible logs, and only the resource shared with him (no goal and none of its progress: he takes no part in it)');
  t.same(new Set((await feed(as.guardianA)).map((i) => i.id)), new Set(mother.map((i) => i.id)), 'the mother again, after the father');
  for (const [who, headers] of [['district admin', as.districtAdmin], ['school admin', as.schoolAdminA], ['integration', as.integrationRead]] as const) {
    t.same(new Set((await feed(headers)).map((i) => i.id)), new Set(staff.map((i) => i.id)), `${who}: the whole feed`);
  }
  t.equal((await app.inject({ url: `/v1/students/${d.studentA}/timeline`, headers: as.integrationNone })).statusCode, 403, 'without the partnership scope');

  const onlyGoals = await feed(as.teacherA, '&types=goal');
  t.same(new Set(onlyGoals.map((i) => i.type)), new Set(['goal']));
  const september2 = await feed(as.teacherA, '&from=2026-09-02T00:00:00Z&to=2026-09-03T00:00:00Z');
  t.same(september2.map((i) => i.id), [familyLog.id]);
  t.same((await feed(as.teacherA, '&from=2026-09-03T00:00:00%2B02:00')).map((i) => i.id).filter((id) => id === familyLog.id || id === homeWin.id),
    [homeWin.id], 'an offset in from is the instant it names (09-02T22:00Z): the log of 09-02 10:00Z is before it');
  t.same((await feed(as.teacherA, '&q=picture')).map((i) => i.id), [toFather.id, toMother.id].filter((id) => staff.some((i) => i.id === id))
    .sort((a, b) => staff.findIndex((i) => i.id === a) - staff.findIndex((i) => i.id === b)), 'q matches headlines');
  t.same((await feed(as.teacherA, '&q=100%25_')).map((i) => i.id), [], 'q takes % and _ literally');
  t.same((await feed(as.teacherA, '&types=progressEvent&q=prompts&from=2026-09-04T00:00:00Z')).map((i) => i.id), [staffNote.id], 'filters combined');

  for (const twice of ['&types=goal,goal', '&types=goal&types=goal']) {
    t.same((await feed(as.teacherA, twice)).map((i) => i.id).sort(), [goal.id, privateGoal.id].sort(), `${twice}: a kind asked for twice lists its entries once`);
  }
  const bothOrders = [await feed(as.teacherA, '&types=goal,contactLog'), await feed(as.teacherA, '&types=contactLog,goal')];
  t.same(bothOrders[0], bothOrders[1], 'the order of the kinds asked for does not matter');

  const pages: string[] = [];
  let cursor: string | null = null;
  do {
    const res: { json(): { data: Array<{ id: string }>; page: { nextCursor: string | null } } } = await app.inject({ url: `/v1/students/${d.studentA}/timeline?limit=3${cursor ? `&cursor=${cursor}` : ''}`, headers: as.teacherA });
    pages.push(...res.json().data.map((i) => i.id));
    cursor = res.json().page.nextCursor;
  } while (cursor);
  t.same(pages, staff.map((i) => i.id), 'paging gives the same feed, once each');

  t.equal((await app.inject({ url: `/v1/students/${d.studentA}/timeline`, headers: as.teacherB })).statusCode, 404);
  t.equal((await app.inject({ url: `/v1/students/${d.studentA}/timeline`, headers: as.guardianB })).statusCode, 404);
  t.equal((await app.inject({ url: `/v1/students/${d.studentA}/timeline?types=gossip`, headers: as.teacherA })).statusCode, 400);
});
