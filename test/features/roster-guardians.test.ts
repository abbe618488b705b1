// Guardians and student–guardian links over REST: who sees whom and which contact details, local fields, caregivers added by staff.
import t from 'tap';
import { startSeededApp } from '../helpers/app.ts';

type Json = Record<string, any>;

t.test('guardians and links', async (t) => {
  const { app, d, as } = await startSeededApp(t);
  const get = async (url: string, headers: Record<string, string>) => {
    const res = await app.inject({ url, headers });
    return { status: res.statusCode, body: res.json() as Json, etag: res.headers.etag as string };
  };
  const send = (method: 'POST' | 'PATCH', url: string, headers: Record<string, string>, payload: object) =>
    app.inject({ method, url, headers: { ...headers, 'content-type': method === 'PATCH' ? 'application/merge-patch+json' : 'application/json' }, payload: JSON.stringify(payload) });
  const ids = (body: Json) => (body.data as Json[]).map((r) => r.id);

  // A stepfather in another household, linked to Mateo: he and Rosa share a child but not a family.
  const otherFamily = (await send('POST', '/v1/families', as.districtAdmin, { name: 'Diaz household' })).json();
  const stepfather = (await send('POST', '/v1/guardians', as.districtAdmin, { givenName: 'Sam', familyName: 'Diaz', familyId: otherFamily.id, phone: '+15550009999', email: 'sam@home.example' })).json();
  await app.db.insertInto('studentGuardians').values({ studentId: d.studentA, guardianId: stepfather.id, relationship: 'stepparent', source: 'local' }).execute();

  await t.test('staff see guardians of the students they see, with contact details and notes', async (t) => {
    const list = await get(`/v1/guardians?studentId=${d.studentA}`, as.teacherA);
    t.same(ids(list.body), [stepfather.id, d.guardianA2, d.guardianA], 'by name: Diaz, Garcia Luis, Garcia Rosa');
    const rosa = await get(`/v1/guardians/${d.guardianA}`, as.teacherA);
    t.match(rosa.body, { phone: '+15550001001', email: 'gA@home.example', smsPhone: null, preferredLanguage: 'es', preferredChannel: 'text', needsInterpreter: false, contactNotes: null, metadata: {}, source: 'sis' });
    t.ok(rosa.etag);
    t.equal((await get(`/v1/guardians/${d.guardianB}`, as.teacherA)).status, 404);
    t.same(ids((await get(`/v1/guardians?familyId=${d.familyB}`, as.teacherA)).body), []);
    t.same(ids((await get('/v1/guardians?q=min', as.districtAdmin)).body), [d.guardianB]);
    const audited = await app.db.selectFrom('auditEvents').select(['action', 'recordType']).where('recordId', '=', d.guardianA).execute();
    t.ok(audited.some((a) => a.action === 'read' && a.recordType === 'guardian'));
  });

  await t.test('a guardian sees their own family with contact details, co-guardians from another household without them', async (t) => {
    const list = await get('/v1/guardians', as.guardianA);
    t.same(ids(list.body), [stepfather.id, d.guardianA2, d.guardianA]);
    const luis = await get(`/v1/guardians/${d.guardianA2}`, as.guardianA);
    t.equal(luis.body.phone, '+15550001002', 'same family: contact details');
    t.notOk('contactNotes' in luis.body);
    t.notOk('metadata' in luis.body);
    const sam = await get(`/v1/guardians/${stepfather.id}`, as.guardianA);
    t.equal(sam.status, 200);
    t.notOk('phone' in sam.body || 'email' in sam.body || 'smsPhone' in sam.body, 'another household: names only');
    const links = await get(`/v1/students/${d.studentA}/guardians`, as.guardianA);
    const samLink = (links.body.data as Json[]).find((l) => l.guardianId === stepfather.id);
    t.notOk('phone' in samLink!.guardian);
    t.equal((await get(`/v1/guardians/${d.guardianB}`, as.guardianA)).status, 404, 'never another family');
    t.same(ids((await get(`/v1/guardians?familyId=${d.familyB}`, as.guardianA)).body), []);
    const asSam = { authorization: `Bearer ${app.jwt.sign({ role: 'guardian', sub: stepfather.id }, { expiresIn: '1h' })}` };
    const rosaForSam = await get(`/v1/guardians/${d.guardianA}`, asSam);
    t.equal(rosaForSam.status, 200);
    t.notOk('phone' in rosaForSam.body, 'Sam does not get Rosa\'s phone number');
    t.equal((await get(`/v1/students/${d.studentA2}`, asSam)).status, 404, 'Sam is not linked to Lucia');
  });

  await t.test('PATCH: SIS guardians change only local fields; guardians only their own preferences', async (t) => {
    const rosa = await get(`/v1/guardians/${d.guardianA}`, as.teacherA);
    const managed = await send('PATCH', `/v1/guardians/${d.guardianA}`, as.teacherA, { phone: '+15550001111', needsInterpreter: true });
    t.equal(managed.statusCode, 422);
    t.same(managed.json().errors, [{ path: '/body/phone', message: 'is managed by the SIS' }]);
    t.equal((await send('PATCH', `/v1/guardians/${d.guardianA}`, { ...as.teacherA, 'if-match': '"x"' }, { needsInterpreter: true })).statusCode, 412);
    const badTag = await send('PATCH', `/v1/guardians/${d.guardianA}`, as.teacherA, { preferredLanguage: 'es_MX' });
    t.equal(badTag.statusCode, 400);
    t.equal(badTag.json().errors[0].path, '/body/preferredLanguage');
    const ok = await send('PATCH', `/v1/guardians/${d.guardianA}`, { ...as.teacherA, 'if-match': rosa.etag }, { preferredLanguage: 'es-MX', needsInterpreter: true, contactNotes: 'Works nights; text after 3pm' });
    t.equal(ok.statusCode, 200);
    t.match(ok.json(), { preferredLanguage: 'es-MX', needsInterpreter: true, contactNotes: 'Works nights; text after 3pm', phone: '+15550001001' });
    t.equal((await send('PATCH', `/v1/guardians/${d.guardianA}`, as.teacherB, { needsInterpreter: false })).statusCode, 404);
    const self = await send('PATCH', `/v1/guardians/${d.guardianA}`, as.guardianA, { preferredChannel: 'phone' });
    t.equal(self.statusCode, 200);
    t.equal(self.json().preferredChannel, 'phone');
    t.notOk('contactNotes' in self.json());
    t.equal((await send('PATCH', `/v1/guardians/${d.guardianA}`, as.guardianA, { contactNotes: 'x' })).statusCode, 403);
    t.equal((await send('PATCH', `/v1/guardians/${d.guardianA2}`, as.guardianA, { preferredChannel: 'email' })).statusCode, 403);
    t.equal((await send('PATCH', `/v1/guardians/${d.guardianA}`, as.integrationRead, { needsInterpreter: false })).statusCode, 403);
  });

  await t.test('local guardians: created by district admins, every field changes', async (t) => {
    const created = await send('POST', '/v1/guardians', as.districtAdmin, { givenName: 'Ola', familyName: 'Berg', smsPhone: '+15550004000', preferredLanguage: 'nb' });
    t.equal(created.statusCode, 201);
    const g = created.json();
    t.equal(created.headers.location, `/v1/guardians/${g.id}`);
    t.match(g, { source: 'local', smsPhone: '+15550004000', familyId: null });
    t.equal((await send('POST', '/v1/guardians', as.teacherA, { givenName: 'X', familyName: 'Y' })).statusCode, 403);
    t.equal((await send('POST', '/v1/guardians', as.districtAdmin, { givenName: 'X', familyName: 'Y', phone: '12' })).statusCode, 400);
    const patched = await send('PATCH', `/v1/guardians/${g.id}`, as.districtAdmin, { givenName: 'Olav', phone: '+15550004001', familyId: d.familyB });
    t.equal(patched.statusCode, 200);
    t.match(patched.json(), { givenName: 'Olav', phone: '+15550004001', familyId: d.familyB });
    const badFamily = await send('PATCH', `/v1/guardians/${g.id}`, as.districtAdmin, { familyId: d.schoolA });
    t.equal(badFamily.statusCode, 422);
    t.equal(badFamily.json().errors[0].path, '/body/familyId');
  });

  await t.test('a student\'s guardians with link flags; ETag on one link', async (t) => {
    const links = await get(`/v1/students/${d.studentA}/guardians`, as.teacherA);
    t.equal(links.status, 200);
    const luis = (links.body.data as Json[]).find((l) => l.guardianId === d.guardianA2);
    t.match(luis, { studentId: d.studentA, relationship: 'father', isPrimary: false, livesWith: true, hasEducationalRights: false, mayContact: true, isEmergencyContact: false, status: 'active', source: 'local', guardian: { id: d.guardianA2, phone: '+15550001002' } });
    const one = await get(`/v1/students/${d.studentA}/guardians/${d.guardianA2}`, as.teacherA);
    t.same(one.body, luis);
    t.ok(one.etag);
    t.equal((await get(`/v1/students/${d.studentA}/guardians/${d.guardianB}`, as.districtAdmin)).status, 404, 'not linked');
    const page1 = await get(`/v1/students/${d.studentA}/guardians?limit=2`, as.districtAdmin);
    const page2 = await get(`/v1/students/${d.studentA}/guardians?limit=2&cursor=${page1.body.page.nextCursor}`, as.districtAdmin);
    t.equal(page1.body.data.length + page2.body.data.length, 3);
    t.equal(page2.body.page.nextCursor, null);
    const audited = await app.db.selectFrom('auditEvents').select('recordType').where('studentId', '=', d.studentA).where('recordType', '=', 'studentGuardian').execute();
    t.ok(audited.length >= 3);
  });

  await t.test('staff who may edit the student add a caregiver the SIS does not know', async (t) => {
    const body = { guardian: { givenName: 'Elena', familyName: 'Garcia', phone: '+15550001003', preferredLanguage: 'es' }, relationship: 'grandparent', livesWith: true, isEmergencyContact: true, hasEducationalRights: false };
    const headers = { ...as.teacherA, 'idempotency-key': 'abuela-1' };
    const res = await send('POST', `/v1/students/${d.studentA}/guardians`, headers, body);
    t.equal(res.statusCode, 201);
    const link = res.json();
    t.equal(res.headers.location, `/v1/students/${d.studentA}/guardians/${link.guardianId}`);
    t.match(link, { source: 'local', status: 'active', relationship: 'grandparent', isEmergencyContact: true, mayContact: true, hasEducationalRights: false, guardian: { source: 'local', familyId: d.familyA, phone: '+15550001003' } });
    t.equal((await get(res.headers.location as string, as.teacherA)).status, 200);
    const replay = await send('POST', `/v1/students/${d.studentA}/guardians`, headers, body);
    t.equal(replay.headers['idempotent-replayed'], 'true');
    t.same(replay.json(), link);
    t.equal((await get(`/v1/guardians/${link.guardianId}`, as.guardianA)).body.phone, '+15550001003', 'she joined the family: Rosa sees her number');
    t.equal((await send('POST', `/v1/students/${d.studentB}/guardians`, as.teacherA, body)).statusCode, 404);
    t.equal((await send('POST', `/v1/students/${d.studentA}/guardians`, as.teacherA2, body)).statusCode, 404);
    t.equal((await send('POST', `/v1/students/${d.studentA}/guardians`, as.guardianA, body)).statusCode, 403);
    t.equal((await send('POST', `/v1/students/${d.studentA}/guardians`, as.integrationRead, body)).statusCode, 403);
    t.equal((await send('POST', `/v1/students/${d.studentA}/guardians`, as.schoolAdminA, { ...body, relationship: 'neighbour' })).statusCode, 400);
    t.equal((await send('POST', `/v1/students/${d.studentA}/guardians`, as.schoolAdminA, body)).statusCode, 201, 'admins of the school may too');
  });

  await t.test('link flags: local links change freely; SIS links only local flags', async (t) => {
    await app.db.updateTable('studentGuardians').set({ source: 'sis' }).where('studentId', '=', d.studentA).where('guardianId', '=', d.guardianA2).execute();
    const sis = await get(`/v1/students/${d.studentA}/guardians/${d.guardianA2}`, as.teacherA);
    const managed = await send('PATCH', `/v1/students/${d.studentA}/guardians/${d.guardianA2}`, as.teacherA, { relationship: 'parent', hasEducationalRights: true, status: 'inactive', isEmergencyContact: true });
    t.equal(managed.statusCode, 422);
    t.same(managed.json().errors.map((e: Json) => e.path), ['/body/relationship', '/body/hasEducationalRights', '/body/status']);
    t.equal(managed.json().errors[0].message, 'is managed by the SIS');
    t.equal((await send('PATCH', `/v1/students/${d.studentA}/guardians/${d.guardianA2}`, { ...as.teacherA, 'if-match': '"x"' }, { isEmergencyContact: true })).statusCode, 412);
    const ok = await send('PATCH', `/v1/students/${d.studentA}/guardians/${d.guardianA2}`, { ...as.teacherA, 'if-match': sis.etag }, { isEmergencyContact: true, livesWith: false });
    t.equal(ok.statusCode, 200);
    t.match(ok.json(), { isEmergencyContact: true, livesWith: false, source: 'sis' });
    const local = await send('PATCH', `/v1/students/${d.studentA}/guardians/${stepfather.id}`, as.teacherA, { relationship: 'guardian', hasEducationalRights: false });
    t.equal(local.statusCode, 200);
    t.match(local.json(), { relationship: 'guardian', hasEducationalRights: false });
    t.equal((await send('PATCH', `/v1/students/${d.studentA}/guardians/${d.guardianA2}`, as.guardianA, { livesWith: true })).statusCode, 403);
    t.equal((await send('PATCH', `/v1/students/${d.studentA}/guardians/${d.guardianA2}`, as.teacherB, { livesWith: true })).statusCode, 404);
  });
});
