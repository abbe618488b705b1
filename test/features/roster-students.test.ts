// Students and families over REST: audited reads, filters, paging, local students, local fields on SIS rows, If-Match.
import t from 'tap';
import { startSeededApp } from '../helpers/app.ts';

type Json = Record<string, any>;

t.test('students and families', async (t) => {
  const { app, d, as } = await startSeededApp(t);
  const get = async (url: string, headers: Record<string, string>) => {
    const res = await app.inject({ url, headers });
    return { status: res.statusCode, body: res.json() as Json, etag: res.headers.etag as string };
  };
  const send = (method: 'POST' | 'PATCH', url: string, headers: Record<string, string>, payload: object) =>
    app.inject({ method, url, headers: { ...headers, 'content-type': method === 'PATCH' ? 'application/merge-patch+json' : 'application/json' }, payload: JSON.stringify(payload) });
  const ids = (body: Json) => (body.data as Json[]).map((r) => r.id);
  const auditRows = (studentId: string) => app.db.selectFrom('auditEvents').selectAll().where('studentId', '=', studentId).orderBy('id').execute();

  await t.test('reads: by name, with ETag; guardians get no metadata; every read is audited', async (t) => {
    const list = await get('/v1/students', as.teacherA);
    t.same(ids(list.body), [d.studentA2, d.studentA], 'Garcia Lucia before Garcia Mateo');
    const one = await get(`/v1/students/${d.studentA}`, as.teacherA);
    t.match(one.body, { id: d.studentA, source: 'sis', sourcedId: 'stA', givenName: 'Mateo', schoolId: d.schoolA, familyId: d.familyA, grade: '03', caseManagerId: null, metadata: {} });
    t.ok(one.etag);
    const forGuardian = await get(`/v1/students/${d.studentA}`, as.guardianA);
    t.equal(forGuardian.status, 200);
    t.notOk('metadata' in forGuardian.body);
    const rows = await auditRows(d.studentA);
    t.match(rows, [
      { action: 'list', recordType: 'student', actorRole: 'teacher', actorId: d.teacherA },
      { action: 'read', recordType: 'student', actorRole: 'teacher' },
      { action: 'read', recordType: 'student', actorRole: 'guardian', actorId: d.guardianA },
    ]);
  });

  await t.test('filters', async (t) => {
    const admin = as.districtAdmin;
    t.same(ids((await get(`/v1/students?schoolId=${d.schoolB}`, admin)).body), [d.studentB]);
    t.same(ids((await get(`/v1/students?classId=${d.classA}`, admin)).body), [d.studentA2, d.studentA]);
    t.same(ids((await get('/v1/students?grade=07', admin)).body), [d.studentB]);
    t.same(ids((await get(`/v1/students?familyId=${d.familyA}`, admin)).body), [d.studentA2, d.studentA]);
    t.same(ids((await get(`/v1/students?guardianId=${d.guardianB}`, admin)).body), [d.studentB]);
    t.same(ids((await get('/v1/students?q=luc', admin)).body), [d.studentA2]);
    t.same(ids((await get('/v1/students?status=inactive', admin)).body), []);
    t.same(ids((await get('/v1/students?updatedSince=2999-01-01T00:00:00Z', admin)).body), []);
    // Each role and set of filters is one statement, built once and run with each request's values.
    t.same(ids((await get(`/v1/students?classId=${d.classA}&status=active&grade=03`, admin)).body), [d.studentA]);
    t.same(ids((await get(`/v1/students?classId=${d.classB}&status=active&grade=07`, admin)).body), [d.studentB], 'the same filters, other values');
    t.same(ids((await get(`/v1/students?classId=${d.classA}&status=inactive&grade=03`, admin)).body), []);
    t.same(ids((await get('/v1/students', as.teacherB)).body), [d.studentB], 'another teacher, the same statement: their own students');
    t.same(ids((await get('/v1/students', as.teacherA)).body), [d.studentA2, d.studentA]);
    t.same(ids((await get(`/v1/students?schoolId=${d.schoolA}&familyId=${d.familyA}&q=garc&guardianId=${d.guardianA2}`, as.schoolAdminA)).body),
      [d.studentA2, d.studentA], 'every filter at once, for a school admin');
    t.same(ids((await get(`/v1/students?schoolId=${d.schoolB}`, as.schoolAdminA)).body), [], 'a school admin sees only their schools');
    t.equal((await get('/v1/students?grade=', admin)).status, 400);
    t.equal((await get('/v1/students?shoeSize=3', admin)).status, 400);
  });

  await t.test('district admins create local students; validation and references', async (t) => {
    const res = await send('POST', '/v1/students', as.districtAdmin, { givenName: 'Ava', familyName: 'Kim', grade: '05', schoolId: d.schoolB, familyId: d.familyB, birthDate: '2015-04-02', metadata: { lunch: 'A' } });
    t.equal(res.statusCode, 201);
    const s = res.json();
    t.equal(res.headers.location, `/v1/students/${s.id}`);
    t.match(s, { source: 'local', sourcedId: null, status: 'active', schoolId: d.schoolB, familyId: d.familyB, birthDate: '2015-04-02', metadata: { lunch: 'A' } });
    t.ok(ids((await get(`/v1/students?schoolId=${d.schoolB}`, as.districtAdmin)).body).includes(s.id));
    t.equal((await send('POST', '/v1/students', as.schoolAdminA, { givenName: 'X', familyName: 'Y' })).statusCode, 403);
    t.equal((await send('POST', '/v1/students', as.teacherA, { givenName: 'X', familyName: 'Y' })).statusCode, 403);
    t.equal((await send('POST', '/v1/students', as.integrationRead, { givenName: 'X', familyName: 'Y' })).statusCode, 403);
    const bad = await send('POST', '/v1/students', as.districtAdmin, { givenName: '', familyName: 'Y', birthDate: 'soon', source: 'sis' });
    t.equal(bad.statusCode, 400);
    const paths = bad.json().errors.map((e: Json) => e.path);
    t.ok(paths.includes('/body/givenName') && paths.includes('/body/birthDate') && paths.includes('/body/source'), JSON.stringify(paths));
    const refs = await send('POST', '/v1/students', as.districtAdmin, { givenName: 'X', familyName: 'Y', schoolId: d.districtId, familyId: d.schoolA, caseManagerId: d.guardianA });
    t.equal(refs.statusCode, 422);
    t.same(refs.json().errors.map((e: Json) => e.path), ['/body/schoolId', '/body/familyId', '/body/caseManagerId']);
    const dup = await send('POST', '/v1/students', as.districtAdmin, { givenName: 'X', familyName: 'Y', sourcedId: 'loc-1' });
    t.equal(dup.statusCode, 201);
    t.equal((await send('POST', '/v1/students', as.districtAdmin, { givenName: 'Z', familyName: 'Y', sourcedId: 'loc-1' })).statusCode, 409);
  });

  await t.test('Idempotency-Key replays the first creation', async (t) => {
    const headers = { ...as.districtAdmin, 'idempotency-key': 'student-ava-2' };
    const first = await send('POST', '/v1/students', headers, { givenName: 'Ava', familyName: 'Second' });
    const replay = await send('POST', '/v1/students', headers, { givenName: 'Ava', familyName: 'Second' });
    t.equal(replay.statusCode, 201);
    t.equal(replay.headers['idempotent-replayed'], 'true');
    t.same(replay.json(), first.json());
    t.equal((await send('POST', '/v1/students', headers, { givenName: 'Ava', familyName: 'Third' })).statusCode, 422);
  });

  await t.test('PATCH: SIS students change only local fields; If-Match; only administrators', async (t) => {
    const current = await get(`/v1/students/${d.studentA}`, as.schoolAdminA);
    const stale = await send('PATCH', `/v1/students/${d.studentA}`, { ...as.schoolAdminA, 'if-match': '"old"' }, { caseManagerId: d.teacherA2 });
    t.equal(stale.statusCode, 412);
    const managed = await send('PATCH', `/v1/students/${d.studentA}`, as.schoolAdminA, { givenName: 'Matt', familyId: d.familyB, caseManagerId: d.teacherA2 });
    t.equal(managed.statusCode, 422);
    t.same(managed.json().errors, [
      { path: '/body/givenName', message: 'is managed by the SIS' },
      { path: '/body/familyId', message: 'is managed by the SIS' },
    ]);
    t.equal((await send('PATCH', `/v1/students/${d.studentA}`, as.teacherA, { caseManagerId: d.teacherA })).statusCode, 403);
    t.equal((await send('PATCH', `/v1/students/${d.studentA}`, as.guardianA, { caseManagerId: d.teacherA })).statusCode, 403);
    t.equal((await send('PATCH', `/v1/students/${d.studentB}`, as.schoolAdminA, { caseManagerId: d.teacherA })).statusCode, 404);
    t.equal((await send('PATCH', `/v1/students/${d.studentA}`, as.schoolAdminA, { caseManagerId: d.guardianA })).statusCode, 422);
    const ok = await send('PATCH', `/v1/students/${d.studentA}`, { ...as.schoolAdminA, 'if-match': current.etag }, { caseManagerId: d.teacherA2 });
    t.equal(ok.statusCode, 200);
    t.equal(ok.json().caseManagerId, d.teacherA2);
    t.not(ok.headers.etag, current.etag);
    t.equal((await get(`/v1/students/${d.studentA}`, as.teacherA2)).status, 200, 'the case manager now sees the student');
    t.same(ids((await get(`/v1/students?caseManagerId=${d.teacherA2}`, as.teacherA2)).body), [d.studentA]);
    t.equal((await send('PATCH', `/v1/students/${d.studentA}`, as.schoolAdminA, {})).statusCode, 400);
  });

  await t.test('PATCH: local students change every field', async (t) => {
    const s = (await send('POST', '/v1/students', as.districtAdmin, { givenName: 'Noa', familyName: 'Park', schoolId: d.schoolA })).json();
    const res = await send('PATCH', `/v1/students/${s.id}`, as.schoolAdminA, { givenName: 'Noah', familyId: d.familyA, grade: '02', metadata: { note: 'x' } });
    t.equal(res.statusCode, 200);
    t.match(res.json(), { givenName: 'Noah', familyId: d.familyA, grade: '02', metadata: { note: 'x' } });
    const moved = await send('PATCH', `/v1/students/${s.id}`, as.districtAdmin, { schoolId: d.schoolB });
    t.equal(moved.statusCode, 200);
    t.equal((await get(`/v1/students/${s.id}`, as.schoolAdminA)).status, 404, 'moved out of school A');
    const memberships = await app.db.selectFrom('studentSchools').select(['schoolId', 'status']).where('studentId', '=', s.id).orderBy('status').execute();
    t.same(memberships, [{ schoolId: d.schoolB, status: 'active' }, { schoolId: d.schoolA, status: 'inactive' }]);
  });

  await t.test('paging across several pages, no repeats while students are added', async (t) => {
    for (let i = 0; i < 6; i++) await send('POST', '/v1/students', as.districtAdmin, { givenName: `P${i}`, familyName: 'Pager' });
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: { body: Json } = await get(`/v1/students?q=pager&limit=4${cursor ? `&cursor=${cursor}` : ''}`, as.districtAdmin);
      seen.push(...ids(page.body));
      cursor = page.body.page.nextCursor;
      if (pages === 0) await send('POST', '/v1/students', as.districtAdmin, { givenName: 'P0a', familyName: 'Pager' });
      pages++;
    } while (cursor);
    t.equal(pages, 2);
    t.equal(seen.length, 6, 'P0a sorts before the cursor: not seen late');
    t.equal(new Set(seen).size, 6);
    t.equal((await get('/v1/students?cursor=abc', as.districtAdmin)).status, 400);
    const foreign = Buffer.from(JSON.stringify(['2026-01-01T00:00:00Z', d.studentA])).toString('base64url');
    t.equal((await get(`/v1/students?cursor=${foreign}`, as.districtAdmin)).status, 400, 'a cursor of another list');
  });

  await t.test('families: households of visible students, members filtered, audited; local families', async (t) => {
    const a = await get(`/v1/families/${d.familyA}`, as.teacherA);
    t.equal(a.status, 200);
    t.ok(a.etag);
    t.match(a.body, { id: d.familyA, name: 'Garcia household', source: 'local' });
    t.same([...a.body.studentIds].sort(), [d.studentA, d.studentA2].sort());
    t.same([...a.body.guardianIds].sort(), [d.guardianA, d.guardianA2].sort());
    t.equal((await get(`/v1/families/${d.familyB}`, as.teacherA)).status, 404);
    t.equal((await get(`/v1/families/${d.familyB}`, as.guardianA)).status, 404);
    t.same(ids((await get('/v1/families', as.guardianB)).body), [d.familyB]);
    t.notOk('notes' in (await get(`/v1/families/${d.familyB}`, as.guardianB)).body);
    t.same(ids((await get(`/v1/families?studentId=${d.studentB}`, as.teacherA)).body), [], 'filter cannot widen');
    t.same(ids((await get(`/v1/families?guardianId=${d.guardianA}`, as.districtAdmin)).body), [d.familyA]);
    const audited = await app.db.selectFrom('auditEvents').select(['studentId']).where('recordType', '=', 'family').where('recordId', '=', d.familyA).execute();
    t.ok(audited.length >= 2, 'one row per student shown');
    const created = await send('POST', '/v1/families', as.districtAdmin, { name: 'Osei household', notes: 'Twins' });
    t.equal(created.statusCode, 201);
    t.match(created.json(), { source: 'local', name: 'Osei household', notes: 'Twins', guardianIds: [], studentIds: [] });
    t.equal(created.headers.location, `/v1/families/${created.json().id}`);
    t.equal((await send('POST', '/v1/families', as.teacherA, { name: 'X' })).statusCode, 403);
    t.equal((await send('POST', '/v1/families', as.districtAdmin, { name: '' })).statusCode, 400);
  });

  await t.test('integrations need roster:read', async (t) => {
    t.equal((await get('/v1/students', as.integrationRead)).status, 200);
    t.equal((await get('/v1/students', as.integrationNone)).status, 403);
    t.equal((await get('/v1/families', as.integrationNone)).status, 403);
  });
});
