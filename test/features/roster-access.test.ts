// Roster authorization: reaching another school or family by id, filter and nested path, and access ending with a link or enrollment.
import t from 'tap';
import { startSeededApp } from '../helpers/app.ts';

type Json = Record<string, any>;

t.test('roster access', async (t) => {
  const { app, d, as } = await startSeededApp(t);
  const status = async (url: string, headers: Record<string, string>) => (await app.inject({ url, headers })).statusCode;
  const list = async (url: string, headers: Record<string, string>) => {
    const res = await app.inject({ url, headers });
    t.equal(res.statusCode, 200, url);
    return (res.json().data as Json[]).map((r) => r.id as string);
  };
  const send = (method: 'POST' | 'PATCH', url: string, headers: Record<string, string>, payload: object) =>
    app.inject({ method, url, headers: { ...headers, 'content-type': method === 'PATCH' ? 'application/merge-patch+json' : 'application/json' }, payload: JSON.stringify(payload) });
  const tokenFor = (role: string, sub: string) => ({ authorization: `Bearer ${app.jwt.sign({ role, sub }, { expiresIn: '1h' })}` });

  await t.test('a teacher of school B cannot reach school A by id, by filter or by nested path', async (t) => {
    const b = as.teacherB;
    for (const url of [`/v1/students/${d.studentA}`, `/v1/students/${d.studentA}/guardians`, `/v1/students/${d.studentA}/guardians/${d.guardianA}`,
      `/v1/guardians/${d.guardianA}`, `/v1/families/${d.familyA}`, `/v1/classes/${d.classA}`, `/v1/staff/${d.teacherA}`]) {
      t.equal(await status(url, b), 404, url);
    }
    t.same(await list(`/v1/students?schoolId=${d.schoolA}`, b), []);
    t.same(await list(`/v1/students?classId=${d.classA}`, b), []);
    t.same(await list(`/v1/students?familyId=${d.familyA}`, b), []);
    t.same(await list(`/v1/students?guardianId=${d.guardianA}`, b), []);
    t.same(await list(`/v1/guardians?studentId=${d.studentA}`, b), []);
    t.same(await list(`/v1/families?studentId=${d.studentA}`, b), []);
    t.same(await list(`/v1/classes?schoolId=${d.schoolA}`, b), []);
    t.same(await list(`/v1/enrollments?studentId=${d.studentA}`, b), []);
    t.same(await list('/v1/students', b), [d.studentB]);
    t.equal((await send('PATCH', `/v1/guardians/${d.guardianA}`, b, { needsInterpreter: true })).statusCode, 404);
    t.equal((await send('POST', `/v1/students/${d.studentA}/guardians`, b, { guardian: { givenName: 'X', familyName: 'Y' } })).statusCode, 404);
    t.equal((await send('PATCH', `/v1/students/${d.studentA}/guardians/${d.guardianA}`, b, { livesWith: false })).statusCode, 404);
    const schoolAdmin = await list('/v1/students', as.schoolAdminA);
    t.same(schoolAdmin.sort(), [d.studentA, d.studentA2].sort(), 'a school admin sees only their school');
  });

  await t.test('a guardian cannot reach a sibling in another family, nor that family\'s guardians', async (t) => {
    // Jin's half-sister lives in the Kim household; Rosa is not her guardian.
    const half = (await send('POST', '/v1/students', as.districtAdmin, { givenName: 'Hana', familyName: 'Kim', schoolId: d.schoolA, familyId: d.familyB })).json();
    await app.db.insertInto('studentGuardians').values({ studentId: half.id, guardianId: d.guardianB, relationship: 'parent' }).execute();
    const g = as.guardianA;
    t.equal(await status(`/v1/students/${half.id}`, g), 404);
    t.equal(await status(`/v1/students/${half.id}/guardians`, g), 404);
    t.equal(await status(`/v1/students/${d.studentB}`, g), 404);
    t.equal(await status(`/v1/guardians/${d.guardianB}`, g), 404);
    t.equal(await status(`/v1/families/${d.familyB}`, g), 404);
    t.same(await list(`/v1/students?familyId=${d.familyB}`, g), []);
    t.same(await list(`/v1/students?guardianId=${d.guardianB}`, g), []);
    t.same(await list(`/v1/guardians?familyId=${d.familyB}`, g), []);
    t.same(await list(`/v1/guardians?studentId=${half.id}`, g), []);
    t.same((await list('/v1/students', g)).sort(), [d.studentA, d.studentA2].sort());
    t.same((await list('/v1/students', as.guardianB)).sort(), [d.studentB, half.id].sort());
    const teacherA = await list(`/v1/students?familyId=${d.familyB}`, as.teacherA);
    t.same(teacherA, [], 'Hana is in school A but not in teacher A\'s class');
    const familyForA = await app.inject({ url: `/v1/families/${d.familyB}`, headers: as.schoolAdminA });
    t.same(familyForA.json().studentIds, [half.id], 'a household shows only the students the caller sees');
    t.same(familyForA.json().guardianIds, [d.guardianB]);
  });

  await t.test('another guardian\'s phone number stays in its household', async (t) => {
    const rosa = await app.inject({ url: `/v1/guardians/${d.guardianA}`, headers: as.guardianB });
    t.equal(rosa.statusCode, 404);
    t.notMatch(rosa.body, /\+15550001001/);
    const list = await app.inject({ url: '/v1/guardians?limit=500', headers: as.guardianB });
    t.notMatch(list.body, /\+15550001001|\+15550001002/);
    const nested = await app.inject({ url: `/v1/students/${d.studentB}/guardians`, headers: as.guardianB });
    t.notMatch(nested.body, /\+15550001001/);
    const staffView = await app.inject({ url: '/v1/staff', headers: as.guardianB });
    t.notMatch(staffView.body, /@maple\.example/, 'staff emails are hidden from guardians');
  });

  await t.test('a deactivated teaching enrollment takes access away at once', async (t) => {
    const teacherEnrollment = () => app.db.updateTable('enrollments').where('staffId', '=', d.teacherA).where('classId', '=', d.classA);
    t.equal(await status(`/v1/students/${d.studentA}`, as.teacherA), 200);
    await teacherEnrollment().set({ status: 'inactive' }).execute();
    t.equal(await status(`/v1/students/${d.studentA}`, as.teacherA), 404);
    t.equal(await status(`/v1/students/${d.studentA}/guardians`, as.teacherA), 404);
    t.equal(await status(`/v1/guardians/${d.guardianA}`, as.teacherA), 404);
    t.equal(await status(`/v1/classes/${d.classA}`, as.teacherA), 404);
    t.equal(await status(`/v1/families/${d.familyA}`, as.teacherA), 404);
    t.same(await list('/v1/students', as.teacherA), []);
    await teacherEnrollment().set({ status: 'active' }).execute();
    t.equal(await status(`/v1/students/${d.studentA}`, as.teacherA), 200);
  });

  await t.test('a deactivated student enrollment hides that student from the class teacher', async (t) => {
    await app.db.updateTable('enrollments').set({ status: 'inactive' }).where('studentId', '=', d.studentA2).execute();
    t.equal(await status(`/v1/students/${d.studentA2}`, as.teacherA), 404);
    t.same(await list(`/v1/students?classId=${d.classA}`, as.teacherA), [d.studentA]);
    t.equal(await status(`/v1/students/${d.studentA2}`, as.guardianA), 200, 'the family link still stands');
    await app.db.updateTable('enrollments').set({ status: 'active' }).where('studentId', '=', d.studentA2).execute();
  });

  await t.test('a deactivated guardian link takes the guardian\'s access away at once', async (t) => {
    const link = () => app.db.updateTable('studentGuardians').where('studentId', '=', d.studentA).where('guardianId', '=', d.guardianA);
    await link().set({ status: 'inactive' }).execute();
    t.equal(await status(`/v1/students/${d.studentA}`, as.guardianA), 404);
    t.equal(await status(`/v1/students/${d.studentA}/guardians`, as.guardianA), 404);
    t.equal(await status(`/v1/students/${d.studentA2}`, as.guardianA), 200, 'still linked to Lucia');
    const links = await app.inject({ url: `/v1/students/${d.studentA}/guardians`, headers: as.teacherA });
    t.notOk((links.json().data as Json[]).some((l) => l.guardianId === d.guardianA), 'staff no longer see the ended link');
    const adminLinks = await app.inject({ url: `/v1/students/${d.studentA}/guardians?status=inactive`, headers: as.districtAdmin });
    t.match(adminLinks.json().data, [{ guardianId: d.guardianA, status: 'inactive' }], 'district admins see the history');
    await link().set({ status: 'active' }).execute();
  });

  await t.test('a caregiver added by a teacher loses access when the teacher ends the link', async (t) => {
    const added = (await send('POST', `/v1/students/${d.studentA}/guardians`, as.teacherA, { guardian: { givenName: 'Pilar', familyName: 'Ruiz' }, relationship: 'grandparent' })).json();
    const pilar = tokenFor('guardian', added.guardianId);
    t.equal(await status(`/v1/students/${d.studentA}`, pilar), 200);
    t.equal(await status(`/v1/students/${d.studentA2}`, pilar), 404, 'linked to Mateo only');
    const ended = await send('PATCH', `/v1/students/${d.studentA}/guardians/${added.guardianId}`, as.teacherA, { status: 'inactive' });
    t.equal(ended.statusCode, 200);
    t.equal(ended.json().status, 'inactive');
    t.equal(await status(`/v1/students/${d.studentA}`, pilar), 404);
  });

  await t.test('no contact permission and no educational rights: no access', async (t) => {
    const luis = tokenFor('guardian', d.guardianA2);
    t.equal(await status(`/v1/students/${d.studentA}`, luis), 200, 'may be contacted');
    const res = await send('PATCH', `/v1/students/${d.studentA}/guardians/${d.guardianA2}`, as.teacherA, { mayContact: false });
    t.equal(res.statusCode, 200);
    t.equal(await status(`/v1/students/${d.studentA}`, luis), 404);
    t.equal(await status(`/v1/students/${d.studentA2}`, luis), 200);
    await app.db.updateTable('guardians').set({ status: 'inactive' }).where('id', '=', d.guardianA2).execute();
    t.equal(await status(`/v1/students/${d.studentA2}`, luis), 404, 'a deactivated guardian sees nothing');
    t.equal(await status(`/v1/guardians/${d.guardianA2}`, luis), 404);
  });

  await t.test('integrations act only by scope', async (t) => {
    t.equal(await status(`/v1/students/${d.studentA}`, as.integrationRead), 200);
    t.equal(await status(`/v1/students/${d.studentA}`, as.integrationNone), 403);
    t.equal(await status(`/v1/guardians/${d.guardianA}`, as.integrationNone), 403);
    t.equal((await send('POST', '/v1/families', as.integrationRead, { name: 'X' })).statusCode, 403);
    const writer = { authorization: `Bearer ${app.jwt.sign({ role: 'integration', sub: 'sis-bridge', scope: 'roster:write' }, { expiresIn: '1h' })}` };
    t.equal((await send('POST', '/v1/families', writer, { name: 'Synced household' })).statusCode, 201);
    t.equal(await status(`/v1/students/${d.studentA}`, writer), 200, 'roster:write includes reading');
  });
});
