// A goal's participants (guardians, staff, the student; a guardian's input) and strategies over REST, with their rules.
import t from 'tap';
import { startSeededApp } from '../helpers/app.ts';

interface Participant { id: string; participantType: string; guardianId: string | null; name: string; relationship: string | null; input?: string | null; inputAt?: string | null; role: string }

t.test('goal participants and strategies', async (t) => {
  const { app, d, as } = await startSeededApp(t);
  const goal = (await app.inject({ method: 'POST', url: '/v1/goals', headers: as.teacherA, payload: { studentId: d.studentA, title: 'Morning routine without reminders', domain: 'behavior', status: 'active' } })).json();
  const url = `/v1/goals/${goal.id}/participants`;
  const add = (headers: Record<string, string>, payload: object, extra: object = {}) => app.inject({ method: 'POST', url, headers: { ...headers, ...extra }, payload });
  const putInput = (headers: Record<string, string>, participantId: string, input: string | null, extra: object = {}) =>
    app.inject({ method: 'PUT', url: `${url}/${participantId}/input`, headers: { ...headers, ...extra }, payload: { input } });

  await t.test('participants: a linked guardian, active staff, the student; 201 with Location', async (t) => {
    const mother = await add(as.teacherA, { participantType: 'guardian', guardianId: d.guardianA, role: 'lead' });
    t.equal(mother.statusCode, 201);
    t.equal(mother.headers.location, `${url}/${mother.json().id}`);
    t.match(mother.json(), { goalId: goal.id, participantType: 'guardian', guardianId: d.guardianA, staffId: null, studentId: null, role: 'lead', name: 'Rosa Garcia', relationship: 'mother', input: null, inputAt: null });
    const one = await app.inject({ url: mother.headers.location as string, headers: as.teacherA });
    t.same(one.json(), mother.json());
    t.equal(one.headers.etag, mother.headers.etag);
    const father = await add(as.teacherA, { participantType: 'guardian', guardianId: d.guardianA2 });
    t.match(father.json(), { role: 'partner', relationship: 'father', name: 'Luis Garcia' });
    const student = await add(as.teacherA, { participantType: 'student' });
    t.equal(student.statusCode, 201);
    t.match(student.json(), { studentId: d.studentA, role: 'self', name: 'Mateo Garcia', relationship: null });
    const staff = await add(as.teacherA, { participantType: 'staff', staffId: d.adminA, role: 'supporter' });
    t.match(staff.json(), { staffId: d.adminA, name: 'Dana Reyes', role: 'supporter' });
  });

  await t.test('participant rules: 422 naming the field, 409 on duplicates', async (t) => {
    const cases: Array<[object, string]> = [
      [{ participantType: 'guardian', guardianId: d.guardianB }, '/body/guardianId'],
      [{ participantType: 'guardian' }, '/body/guardianId'],
      [{ participantType: 'guardian', guardianId: d.guardianA, staffId: d.teacherA }, '/body/staffId'],
      [{ participantType: 'guardian', guardianId: d.guardianA, role: 'self' }, '/body/role'],
      [{ participantType: 'student', studentId: d.studentA2 }, '/body/studentId'],
      [{ participantType: 'student', role: 'lead' }, '/body/role'],
      [{ participantType: 'staff', staffId: '00000000-0000-4000-8000-000000000000' }, '/body/staffId'],
    ];
    for (const [payload, path] of cases) {
      const res = await add(as.teacherA, payload);
      t.equal(res.statusCode, 422, JSON.stringify(payload));
      t.ok(res.json().errors.some((e: { path: string }) => e.path === path), `${path} in ${JSON.stringify(res.json().errors)}`);
    }
    await app.db.updateTable('staff').set({ status: 'inactive' }).where('id', '=', d.teacherB).execute();
    const inactive = await add(as.teacherA, { participantType: 'staff', staffId: d.teacherB });
    t.same(inactive.json().errors, [{ path: '/body/staffId', message: 'is not an active staff member' }]);
    await app.db.updateTable('staff').set({ status: 'active' }).where('id', '=', d.teacherB).execute();
    t.equal((await add(as.teacherA, { participantType: 'teacher', staffId: d.teacherA })).statusCode, 400);
    t.equal((await add(as.teacherA, { participantType: 'guardian', guardianId: d.guardianA, colour: 'red' })).statusCode, 400);
    const duplicate = await add(as.teacherA, { participantType: 'guardian', guardianId: d.guardianA, role: 'partner' });
    t.equal(duplicate.statusCode, 409);
    t.same(duplicate.json().errors, [{ path: '/body/guardianId', message: 'already takes part in this goal' }]);
    t.equal((await add(as.teacherA, { participantType: 'student' })).statusCode, 409);
    t.equal((await add(as.guardianA, { participantType: 'guardian', guardianId: d.guardianA2 })).statusCode, 403, 'guardians do not add people');
    t.equal((await add(as.teacherB, { participantType: 'staff', staffId: d.teacherB })).statusCode, 404);
  });

  await t.test('lists page through participants; guardians see other guardians without their input', async (t) => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res: { statusCode: number; json(): { data: Participant[]; page: { nextCursor: string | null } } } =
        await app.inject({ url: `${url}?limit=2${cursor ? `&cursor=${cursor}` : ''}`, headers: as.teacherA });
      t.equal(res.statusCode, 200);
      seen.push(...res.json().data.map((p) => p.name));
      cursor = res.json().page.nextCursor;
      pages++;
    } while (cursor);
    t.equal(pages, 2);
    t.same(seen, ['Rosa Garcia', 'Luis Garcia', 'Mateo Garcia', 'Dana Reyes'], 'in the order they joined');
    const father = (await app.inject({ url, headers: as.teacherA })).json().data.find((p: Participant) => p.guardianId === d.guardianA2) as Participant;
    t.equal((await putInput(as.teacherA, father.id, 'He walks her to the bus; a checklist on the door helps')).statusCode, 200, 'staff may record input for a guardian');
    const asMother = (await app.inject({ url, headers: as.guardianA })).json().data as Participant[];
    t.equal(asMother.length, 4);
    const fatherSeen = asMother.find((p) => p.guardianId === d.guardianA2)!;
    t.match(fatherSeen, { name: 'Luis Garcia', relationship: 'father' });
    t.notOk('input' in fatherSeen, "another guardian's input is not shown");
    const body = JSON.stringify(asMother);
    t.notMatch(body, /\+1555|@home\.example|@maple\.example/, 'no phone numbers or emails at all');
    t.ok('input' in asMother.find((p) => p.guardianId === d.guardianA)!, 'their own input is shown');
    t.ok('input' in (await app.inject({ url, headers: as.teacherA })).json().data.find((p: Participant) => p.guardianId === d.guardianA2), 'staff see all input');
    t.equal((await app.inject({ url, headers: as.guardianB })).statusCode, 404);
    const audit = await app.db.selectFrom('auditEvents').select(['action', 'recordType']).where('actorId', '=', d.guardianA)
      .where('recordType', '=', 'goalParticipant').execute();
    t.equal(audit.length, 4, 'one list row per participant read');
  });

  await t.test('input: the guardian themself, or staff who may change the goal', async (t) => {
    const rows = (await app.inject({ url, headers: as.teacherA })).json().data as Participant[];
    const mother = rows.find((p) => p.guardianId === d.guardianA)!;
    const father = rows.find((p) => p.guardianId === d.guardianA2)!;
    const mine = await putInput(as.guardianA, mother.id, 'Mornings go better with a picture schedule');
    t.equal(mine.statusCode, 200);
    t.match(mine.json(), { input: 'Mornings go better with a picture schedule' });
    t.match(mine.json().inputAt, /^\d{4}-/);
    t.match(mine.headers.etag, /^"/);
    t.equal((await putInput(as.guardianA, mother.id, 'x', { 'if-match': '"stale"' })).statusCode, 412);
    t.equal((await putInput(as.guardianA, mother.id, 'Updated', { 'if-match': mine.headers.etag as string })).statusCode, 200);
    t.equal((await putInput(as.guardianA, father.id, 'Not mine')).statusCode, 403, "not another guardian's input");
    t.equal((await putInput(as.guardianB, mother.id, 'x')).statusCode, 404);
    t.equal((await putInput(as.teacherA2, mother.id, 'x')).statusCode, 404, 'a teacher who cannot see the student');
    t.equal((await putInput(as.integrationRead, mother.id, 'x')).statusCode, 403);
    t.equal((await app.inject({ method: 'PUT', url: `${url}/${mother.id}/input`, headers: as.guardianA, payload: { input: 'x'.repeat(4001) } })).statusCode, 400);
    const cleared = await putInput(as.guardianA, mother.id, null);
    t.match(cleared.json(), { input: null, inputAt: null });
    t.equal((await putInput(as.guardianA, '00000000-0000-4000-8000-000000000000', 'x')).statusCode, 404);
  });

  await t.test('removing a participant; a removed guardian loses the goal', async (t) => {
    const rows = (await app.inject({ url, headers: as.teacherA })).json().data as Participant[];
    const mother = rows.find((p) => p.guardianId === d.guardianA)!;
    t.equal((await app.inject({ method: 'DELETE', url: `${url}/${mother.id}`, headers: as.guardianA })).statusCode, 403);
    t.equal((await app.inject({ method: 'DELETE', url: `${url}/${mother.id}`, headers: { ...as.teacherA, 'if-match': '"old"' } })).statusCode, 412);
    t.equal((await app.inject({ method: 'DELETE', url: `${url}/${mother.id}`, headers: as.teacherA })).statusCode, 204);
    t.equal((await app.inject({ url: `/v1/goals/${goal.id}`, headers: as.guardianA })).statusCode, 404);
    t.equal((await app.inject({ method: 'DELETE', url: `${url}/${mother.id}`, headers: as.teacherA })).statusCode, 404);
  });

  await t.test('strategies: a usable resource, at home, school or both; duplicates 409; archived stay listed', async (t) => {
    const resource = async (title: string, archived = false) => (await app.db.insertInto('strategyResources').values({
      title, kind: 'visual_schedule', body: '# Steps', createdBy: d.teacherA, archivedAt: archived ? new Date() : null,
    }).returning('id').executeTakeFirstOrThrow()).id;
    const schedule = await resource('Morning picture schedule');
    const timer = await resource('Visual timer');
    const old = await resource('Old chart', true);
    const surl = `/v1/goals/${goal.id}/strategies`;
    const addStrategy = (headers: Record<string, string>, payload: object) => app.inject({ method: 'POST', url: surl, headers, payload });
    const created = await addStrategy(as.teacherA, { resourceId: schedule, usedAt: 'home', notes: 'On the fridge' });
    t.equal(created.statusCode, 201);
    t.equal(created.headers.location, `${surl}/${created.json().id}`);
    t.match(created.json(), { goalId: goal.id, resourceId: schedule, resourceTitle: 'Morning picture schedule', resourceKind: 'visual_schedule', usedAt: 'home', notes: 'On the fridge' });
    t.equal((await addStrategy(as.teacherA, { resourceId: timer })).json().usedAt, 'both');
    const duplicate = await addStrategy(as.teacherA, { resourceId: schedule });
    t.equal(duplicate.statusCode, 409);
    t.same(duplicate.json().errors, [{ path: '/body/resourceId', message: 'is already used for this goal' }]);
    t.same((await addStrategy(as.teacherA, { resourceId: old })).json().errors, [{ path: '/body/resourceId', message: 'is archived' }]);
    t.equal((await addStrategy(as.teacherA, { resourceId: '00000000-0000-4000-8000-000000000000' })).statusCode, 422);
    t.equal((await addStrategy(as.teacherA, { resourceId: timer, usedAt: 'everywhere' })).statusCode, 400);
    t.equal((await addStrategy(as.guardianA, { resourceId: timer })).statusCode, 404, 'removed from the goal above');
    t.equal((await addStrategy(as.teacherB, { resourceId: timer })).statusCode, 404);
    const sid = created.json().id;
    const stale = await app.inject({ method: 'PATCH', url: `${surl}/${sid}`, headers: { ...as.teacherA, 'if-match': '"old"' }, payload: { notes: 'x' } });
    t.equal(stale.statusCode, 412);
    const changed = await app.inject({ method: 'PATCH', url: `${surl}/${sid}`, headers: { ...as.teacherA, 'if-match': created.headers.etag as string, 'content-type': 'application/merge-patch+json' }, payload: JSON.stringify({ usedAt: 'both', notes: null }) });
    t.equal(changed.statusCode, 200);
    t.match(changed.json(), { usedAt: 'both', notes: null, resourceTitle: 'Morning picture schedule' });
    t.equal((await app.inject({ method: 'PATCH', url: `${surl}/${sid}`, headers: as.teacherA, payload: {} })).statusCode, 400);
    await app.db.updateTable('strategyResources').set({ archivedAt: new Date() }).where('id', '=', schedule).execute();
    const listed = await app.inject({ url: `${surl}?limit=1`, headers: as.teacherA });
    t.same(listed.json().data.map((s: { resourceId: string }) => s.resourceId), [schedule], 'an archived resource stays where it is used');
    const next = await app.inject({ url: `${surl}?limit=1&cursor=${listed.json().page.nextCursor}`, headers: as.teacherA });
    t.same(next.json().data.map((s: { resourceId: string }) => s.resourceId), [timer]);
    t.equal(next.json().page.nextCursor, null);
    await app.inject({ method: 'POST', url, headers: as.teacherA, payload: { participantType: 'guardian', guardianId: d.guardianA } });
    t.equal((await app.inject({ url: surl, headers: as.guardianA })).json().data.length, 2, 'a guardian taking part sees the strategies');
    t.equal((await app.inject({ url: `${surl}/${sid}`, headers: as.guardianA })).statusCode, 200);
    t.equal((await app.inject({ method: 'PATCH', url: `${surl}/${sid}`, headers: as.guardianA, payload: { notes: 'x' } })).statusCode, 403);
    t.equal((await app.inject({ method: 'DELETE', url: `${surl}/${sid}`, headers: as.guardianA })).statusCode, 403);
    t.equal((await app.inject({ url: `${surl}/${sid}`, headers: as.guardianB })).statusCode, 404);
    t.equal((await app.inject({ method: 'DELETE', url: `${surl}/${sid}`, headers: as.teacherA })).statusCode, 204);
    t.equal((await app.inject({ url: `${surl}/${sid}`, headers: as.teacherA })).statusCode, 404);
    const writes = await app.db.selectFrom('auditEvents').select('action').where('recordType', '=', 'goalStrategy')
      .where('actorId', '=', d.teacherA).where('action', 'in', ['create', 'update', 'delete']).execute();
    t.same(writes.map((w) => w.action).sort(), ['create', 'create', 'delete', 'update']);
  });
});
