// Who may see and change progress events: staff, guardians (family-only), the recorder rule, integration scopes, and the audit trail.
import t from 'tap';
import { bearer, startSeededApp } from '../helpers/app.ts';
import { auditActions, seedGoals } from './progress-events-fixtures.ts';

type Event = { id: string; studentId: string; goalId: string | null; visibility: string };
type Page = { data: Event[]; page: { nextCursor: string | null } };
type Headers = Record<string, string>;

t.test('progress event access', async (t) => {
  const { app, d, as, database } = await startSeededApp(t);
  const g = await seedGoals(database.url, d);
  const asGuardianA2 = bearer(app, { role: 'guardian', sub: d.guardianA2 });
  const post = (headers: Headers, payload: object) => app.inject({ method: 'POST', url: '/v1/progress-events', headers, payload });
  const base = { studentId: d.studentA, occurredAt: '2026-09-10T15:00:00Z', kind: 'observation', note: 'Stayed with the group all morning.' };
  const read = (id: string, headers: Headers) => app.inject({ url: `/v1/progress-events/${id}`, headers });
  const patch = (id: string, headers: Headers, payload: object) => app.inject({ method: 'PATCH', url: `/v1/progress-events/${id}`, headers, payload });
  const list = async (query: string, headers: Headers) => ((await app.inject({ url: `/v1/progress-events?${query}`, headers })).json() as Page).data;

  const staffOnly = (await post(as.teacherA, { ...base, visibility: 'staff', kind: 'setback', note: 'Hard morning after the fire drill.' })).json() as Event;
  const shared = (await post(as.teacherA, { ...base, visibility: 'family', kind: 'celebration' })).json() as Event;
  const sharedOnGoal = (await post(as.teacherA, { ...base, goalId: g.percentA, kind: 'measurement', value: 70 })).json() as Event;
  const sharedOnOtherGoal = (await post(as.teacherA, { ...base, goalId: g.notesA, kind: 'milestone' })).json() as Event;
  const fromHome = (await post(as.guardianA, { ...base, kind: 'celebration', note: 'Set the table without being asked.' })).json() as Event;
  const sibling = (await post(as.teacherA, { ...base, studentId: d.studentA2, kind: 'celebration' })).json() as Event;

  await t.test('staff who can see the student read all of its events', async (t) => {
    for (const event of [staffOnly, shared, sharedOnGoal, fromHome]) t.equal((await read(event.id, as.teacherA)).statusCode, 200);
    t.equal((await read(staffOnly.id, as.schoolAdminA)).statusCode, 200);
    t.equal((await read(staffOnly.id, as.districtAdmin)).statusCode, 200);
    t.equal((await read(staffOnly.id, as.teacherA2)).statusCode, 404, 'teaches no class of the student');
    t.equal((await read(staffOnly.id, as.teacherB)).statusCode, 404, 'another school');
    t.same(await list(`studentId=${d.studentA}`, as.teacherB), []);
  });

  await t.test('guardians read family-visible events of their children, on goals they take part in', async (t) => {
    t.equal((await read(shared.id, as.guardianA)).statusCode, 200);
    t.equal((await read(sharedOnGoal.id, as.guardianA)).statusCode, 200);
    t.equal((await read(fromHome.id, as.guardianA)).statusCode, 200);
    t.equal((await read(sibling.id, as.guardianA)).statusCode, 200, 'a sibling in the same family');
    t.equal((await read(staffOnly.id, as.guardianA)).statusCode, 404, 'staff-only');
    t.equal((await read(sharedOnOtherGoal.id, as.guardianA)).statusCode, 404, 'a goal the guardian does not take part in');
    const mine = await list('limit=500', as.guardianA);
    t.same(new Set(mine.map((e) => e.id)), new Set([shared.id, sharedOnGoal.id, fromHome.id, sibling.id]));
    t.same(await list('visibility=staff', as.guardianA), [], 'a filter cannot widen visibility');
    t.same(await list(`goalId=${g.notesA}`, as.guardianA), []);
    const goalProgress = (await app.inject({ url: `/v1/goals/${g.percentA}/progress`, headers: as.guardianA })).json() as Page;
    t.same(goalProgress.data.map((e) => e.id), [sharedOnGoal.id]);
    t.equal((await app.inject({ url: `/v1/goals/${g.notesA}/progress`, headers: as.guardianA })).statusCode, 404);
    t.equal((await read(fromHome.id, asGuardianA2)).statusCode, 200, 'the other parent sees it too');
    t.same(await list('limit=500', as.guardianB), []);
  });

  await t.test('only whoever recorded it, or an admin, changes or deletes it', async (t) => {
    t.equal((await patch(fromHome.id, as.guardianA, { note: 'Set the table for everyone.' })).statusCode, 200);
    const toSchool = await patch(fromHome.id, as.guardianA, { setting: 'school' });
    t.equal(toSchool.statusCode, 422);
    t.same(toSchool.json().errors.map((e: { path: string }) => e.path), ['/body/setting']);
    t.equal((await patch(fromHome.id, as.guardianA, { visibility: 'staff' })).statusCode, 422);
    t.equal((await patch(fromHome.id, asGuardianA2, { note: 'x' })).statusCode, 403, 'another guardian of the family');
    t.equal((await patch(fromHome.id, as.teacherA, { note: 'x' })).statusCode, 403, 'a teacher, on a guardian\'s event');
    t.equal((await patch(shared.id, as.guardianA, { note: 'x' })).statusCode, 403, 'a guardian, on a teacher\'s event');
    const forStudent = (await post(as.teacherA, { ...base, recordedByType: 'student' })).json() as Event;
    t.equal((await patch(forStudent.id, as.teacherA, { note: 'x' })).statusCode, 403, 'the student recorded it');
    t.equal((await patch(forStudent.id, as.schoolAdminA, { note: 'Told us at circle time' })).statusCode, 200);
    t.equal((await app.inject({ method: 'DELETE', url: `/v1/progress-events/${shared.id}`, headers: as.guardianA })).statusCode, 403);
    t.equal((await app.inject({ method: 'DELETE', url: `/v1/progress-events/${staffOnly.id}`, headers: as.guardianA })).statusCode, 404);
    t.equal((await app.inject({ method: 'DELETE', url: `/v1/progress-events/${fromHome.id}`, headers: as.guardianA })).statusCode, 204);
    t.equal((await app.inject({ method: 'DELETE', url: `/v1/progress-events/${sibling.id}`, headers: as.districtAdmin })).statusCode, 204);
  });

  await t.test('integrations act by scope', async (t) => {
    const readList = await app.inject({ url: '/v1/progress-events', headers: as.integrationRead });
    t.equal(readList.statusCode, 200);
    t.ok((readList.json() as Page).data.length > 0);
    t.equal((await read(staffOnly.id, as.integrationRead)).statusCode, 200);
    t.equal((await app.inject({ url: `/v1/goals/${g.percentA}/progress`, headers: as.integrationRead })).statusCode, 200);
    t.equal((await app.inject({ url: '/v1/progress-events', headers: as.integrationNone })).statusCode, 403);
    t.equal((await read(staffOnly.id, as.integrationNone)).statusCode, 403);
    t.equal((await app.inject({ url: `/v1/goals/${g.percentA}/progress`, headers: as.integrationNone })).statusCode, 403);
    t.equal((await post(as.integrationRead, { ...base, recordedByStaffId: d.teacherA })).statusCode, 403);
    t.equal((await patch(staffOnly.id, as.integrationRead, { note: 'x' })).statusCode, 403);
    const writer = bearer(app, { role: 'integration', sub: 'sis-bridge', scope: 'partnership:write' });
    const created = await post(writer, { ...base, recordedByStaffId: d.teacherA });
    t.equal(created.statusCode, 201);
    t.equal(created.json().recordedByStaffId, d.teacherA);
    t.equal((await post(writer, base)).statusCode, 422, 'an integration names the staff member');
  });

  await t.test('every read, list and write is audited with the student', async (t) => {
    const created = (await post(as.teacherA, base)).json() as Event;
    await read(created.id, as.teacherA);
    await list(`studentId=${d.studentA}&limit=500`, as.teacherA);
    await app.inject({ url: `/v1/goals/${g.percentA}/progress`, headers: as.teacherA });
    await patch(created.id, as.teacherA, { note: 'Stayed with the group all day.' });
    await app.inject({ method: 'DELETE', url: `/v1/progress-events/${created.id}`, headers: as.teacherA });
    t.same(await auditActions(database.url, created.id), ['progressEvent:create', 'progressEvent:read', 'progressEvent:list', 'progressEvent:update', 'progressEvent:delete']);
    const onGoal = await auditActions(database.url, sharedOnGoal.id);
    t.ok(onGoal.filter((a) => a === 'progressEvent:list').length >= 2, 'the goal progress route audits its rows too');
    t.same(await auditActions(database.url, staffOnly.id).then((a) => a.includes('progressEvent:read')), true);
  });
});
