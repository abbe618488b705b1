// Goals: who may read and change them (staff, creators, staff participants, guardians, integrations) and list filters and paging.
import t from 'tap';
import { startSeededApp } from '../helpers/app.ts';

interface PageBody { data: Array<{ id: string; studentId: string; title: string }>; page: { nextCursor: string | null } }

t.test('goal access and lists', async (t) => {
  const { app, d, as } = await startSeededApp(t);
  const post = (headers: Record<string, string>, payload: object) => app.inject({ method: 'POST', url: '/v1/goals', headers, payload });
  const get = (headers: Record<string, string>, url: string) => app.inject({ url, headers });
  const patch = (headers: Record<string, string>, id: string, payload: object) => app.inject({ method: 'PATCH', url: `/v1/goals/${id}`, headers, payload });
  const addParticipant = (headers: Record<string, string>, id: string, payload: object) =>
    app.inject({ method: 'POST', url: `/v1/goals/${id}/participants`, headers, payload });
  const base = { studentId: d.studentA, title: 'Reads 20 minutes a night', domain: 'academic' };
  const goalA = (await post(as.teacherA, base)).json();
  const goalB = (await post(as.teacherB, { studentId: d.studentB, title: 'Arrives on time', domain: 'attendance' })).json();

  await t.test('create: who may create for whom', async (t) => {
    const otherSchool = await post(as.teacherA, { ...base, studentId: d.studentB });
    t.equal(otherSchool.statusCode, 422);
    t.same(otherSchool.json().errors, [{ path: '/body/studentId', message: 'is not a student you can see' }]);
    t.equal((await post(as.teacherA, { ...base, createdBy: d.teacherA2 })).statusCode, 403, 'teachers create in their own name');
    t.equal((await post(as.guardianA, base)).statusCode, 403);
    const adminNeedsCreator = await post(as.districtAdmin, base);
    t.equal(adminNeedsCreator.statusCode, 422);
    t.equal(adminNeedsCreator.json().errors[0].path, '/body/createdBy');
    const admin = await post(as.districtAdmin, { ...base, createdBy: d.teacherA2 });
    t.equal(admin.statusCode, 201);
    t.equal(admin.json().createdBy, d.teacherA2);
    t.equal((await post(as.integrationRead, { ...base, createdBy: d.teacherA })).statusCode, 403, 'partnership:read cannot write');
    t.equal((await post(as.integrationNone, { ...base, createdBy: d.teacherA })).statusCode, 403);
  });

  await t.test('staff: 404 for another school by id, by filter and by nested path', async (t) => {
    t.equal((await get(as.teacherB, `/v1/goals/${goalA.id}`)).statusCode, 404);
    t.equal((await patch(as.teacherB, goalA.id, { title: 'x' })).statusCode, 404);
    t.equal((await app.inject({ method: 'DELETE', url: `/v1/goals/${goalA.id}`, headers: as.teacherB })).statusCode, 404);
    t.equal((await get(as.teacherB, `/v1/goals/${goalA.id}/participants`)).statusCode, 404);
    t.equal((await get(as.teacherB, `/v1/goals/${goalA.id}/strategies`)).statusCode, 404);
    t.equal((await addParticipant(as.teacherB, goalA.id, { participantType: 'staff', staffId: d.teacherB })).statusCode, 404,
      'a teacher cannot make themselves a participant of another school\'s goal');
    t.equal((await get(as.teacherA, `/v1/goals/${goalB.id}`)).statusCode, 404);
    t.equal((await get(as.schoolAdminA, `/v1/goals/${goalB.id}`)).statusCode, 404);
    t.equal((await get(as.teacherA, '/v1/goals/00000000-0000-4000-8000-000000000000')).statusCode, 404);
    t.equal((await get(as.teacherA, '/v1/goals/not-a-uuid')).statusCode, 400);
    for (const filter of [`schoolId=${d.schoolB}`, `studentId=${d.studentB}`, `classId=${d.classB}`, `createdBy=${d.teacherB}`, `guardianId=${d.guardianB}`]) {
      const res = await get(as.teacherA, `/v1/goals?${filter}`);
      t.equal(res.statusCode, 200);
      t.same(res.json().data, [], `${filter} cannot widen visibility`);
    }
    const admin = (await get(as.districtAdmin, '/v1/goals?limit=500')).json() as PageBody;
    t.ok(admin.data.some((g) => g.id === goalB.id) && admin.data.some((g) => g.id === goalA.id), 'district admins see every school');
  });

  await t.test('teachers edit goals they created, or take part in; admins edit any visible goal', async (t) => {
    const byA2 = (await post(as.districtAdmin, { ...base, title: 'Written by A2', createdBy: d.teacherA2 })).json();
    t.equal((await get(as.teacherA, `/v1/goals/${byA2.id}`)).statusCode, 200, 'teacher A teaches the student, so reads');
    const refused = await patch(as.teacherA, byA2.id, { title: 'Mine now' });
    t.equal(refused.statusCode, 403, 'but did not create it');
    t.equal((await addParticipant(as.teacherA, byA2.id, { participantType: 'staff', staffId: d.teacherA })).statusCode, 403);
    t.equal((await get(as.teacherA2, `/v1/goals/${byA2.id}`)).statusCode, 404, 'A2 teaches no class of the student');
    t.equal((await patch(as.schoolAdminA, byA2.id, { title: 'Admin edit' })).statusCode, 200);
    const added = await addParticipant(as.schoolAdminA, byA2.id, { participantType: 'staff', staffId: d.teacherA, role: 'lead' });
    t.equal(added.statusCode, 201);
    t.equal((await patch(as.teacherA, byA2.id, { title: 'Now a staff participant' })).statusCode, 200);
    t.equal((await addParticipant(as.schoolAdminA, goalA.id, { participantType: 'staff', staffId: d.teacherA2 })).statusCode, 201);
    t.equal((await get(as.teacherA2, `/v1/goals/${goalA.id}`)).statusCode, 200, 'a staff participant is assigned to the student');
    t.equal((await patch(as.teacherA2, goalA.id, { description: 'Reading log signed nightly' })).statusCode, 200);
  });

  await t.test('guardians read only goals they take part in, and never change them', async (t) => {
    const mine = (await post(as.teacherA, { ...base, title: 'Family goal' })).json();
    t.equal((await get(as.guardianA, `/v1/goals/${mine.id}`)).statusCode, 404, 'not a participant yet');
    t.equal((await addParticipant(as.teacherA, mine.id, { participantType: 'guardian', guardianId: d.guardianA })).statusCode, 201);
    t.equal((await get(as.guardianA, `/v1/goals/${mine.id}`)).statusCode, 200);
    t.equal((await get(as.guardianB, `/v1/goals/${mine.id}`)).statusCode, 404, 'another family');
    t.equal((await patch(as.guardianA, mine.id, { title: 'x' })).statusCode, 403);
    t.equal((await app.inject({ method: 'DELETE', url: `/v1/goals/${mine.id}`, headers: as.guardianA })).statusCode, 403);
    t.equal((await app.inject({ method: 'POST', url: `/v1/goals/${mine.id}/reopen`, headers: as.guardianA })).statusCode, 403);
    const list = (await get(as.guardianA, '/v1/goals?limit=500')).json() as PageBody;
    t.same(list.data.map((g) => g.id), [mine.id], 'only the goals they take part in');
    t.same((await get(as.guardianA, `/v1/goals?studentId=${d.studentB}`)).json().data, []);
    await app.db.updateTable('studentGuardians').set({ status: 'inactive' }).where('studentId', '=', d.studentA).where('guardianId', '=', d.guardianA).execute();
    t.equal((await get(as.guardianA, `/v1/goals/${mine.id}`)).statusCode, 404, 'a deactivated link takes access away at once');
    t.same((await get(as.guardianA, '/v1/goals')).json().data, []);
    await app.db.updateTable('studentGuardians').set({ status: 'active' }).where('studentId', '=', d.studentA).where('guardianId', '=', d.guardianA).execute();
  });

  await t.test('integrations act by scope', async (t) => {
    t.equal((await get(as.integrationRead, '/v1/goals')).statusCode, 200);
    t.equal((await get(as.integrationRead, `/v1/goals/${goalA.id}`)).statusCode, 200);
    t.equal((await get(as.integrationRead, `/v1/goals/${goalA.id}/participants`)).statusCode, 200);
    t.equal((await patch(as.integrationRead, goalA.id, { title: 'x' })).statusCode, 403);
    t.equal((await get(as.integrationNone, '/v1/goals')).statusCode, 403);
    t.equal((await get(as.integrationNone, `/v1/goals/${goalA.id}`)).statusCode, 403);
    t.equal((await get(as.integrationNone, `/v1/goals/${goalA.id}/strategies`)).statusCode, 403);
  });

  await t.test('lists: filters, stable keyset paging with inserts between pages', async (t) => {
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) {
      const res = await post(as.teacherB, {
        studentId: d.studentB, title: `Homework plan ${i}`, domain: i % 2 ? 'academic' : 'behavior',
        setting: i % 3 ? 'home' : 'school', status: i < 2 ? 'active' : 'draft',
      });
      ids.push(res.json().id);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res = await get(as.teacherB, `/v1/goals?studentId=${d.studentB}&q=Homework&limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      t.equal(res.statusCode, 200);
      const body = res.json() as PageBody;
      seen.push(...body.data.map((g) => g.id));
      cursor = body.page.nextCursor;
      if (pages === 0) await post(as.teacherB, { studentId: d.studentB, title: 'Homework late insert', domain: 'other' });
      pages++;
    } while (cursor);
    t.equal(pages, 3);
    t.same(seen, [...ids].reverse(), 'newest first, no duplicates or gaps, the late insert not in later pages');
    const count = async (query: string) => ((await get(as.teacherB, `/v1/goals?studentId=${d.studentB}&${query}`)).json() as PageBody).data.length;
    t.equal(await count('status=active'), 2);
    t.equal(await count('domain=academic'), 3);
    t.equal(await count('setting=school&q=plan'), 3);
    t.equal(await count(`createdBy=${d.teacherB}&q=plan`), 7);
    t.equal(await count(`classId=${d.classB}&q=plan`), 7);
    t.equal(await count(`schoolId=${d.schoolB}&q=plan`), 7);
    t.equal(await count('q=plan%204'), 1);
    t.equal(await count('q=%25'), 0, 'q is matched literally');
    t.equal(await count('measureType=note_only&q=plan'), 7);
    t.equal(await count(`from=2000-01-01T00:00:00Z&q=plan`), 7);
    t.equal(await count(`to=2000-01-01T00:00:00Z`), 0);
    t.equal(await count(`updatedSince=2100-01-01T00:00:00Z`), 0);
    await app.db.updateTable('goals').set({ createdAt: '2025-01-15T00:00:00Z' }).where('id', '=', ids[0]!).execute();
    t.equal(await count('from=2025-01-01T00:00:00Z&to=2025-02-01T00:00:00Z'), 1);
    const byGuardian = (await get(as.districtAdmin, `/v1/goals?guardianId=${d.guardianA}`)).json() as PageBody;
    t.same(byGuardian.data.map((g) => g.title), ['Family goal']);
    const byStaff = (await get(as.districtAdmin, `/v1/goals?staffId=${d.teacherA2}`)).json() as PageBody;
    t.same(byStaff.data.map((g) => g.id), [goalA.id], 'goals teacher A2 takes part in');
    t.equal((await get(as.teacherB, '/v1/goals?cursor=garbage')).statusCode, 400);
    t.equal((await get(as.teacherB, '/v1/goals?limit=501')).statusCode, 400);
    t.equal((await get(as.teacherB, '/v1/goals?colour=red')).statusCode, 400);
    t.equal((await get(as.teacherB, '/v1/goals?status=done')).statusCode, 400);
  });
});
