// Schools, classes, staff and enrollments over REST: reads, filters, paging, ETags, visibility and integration scopes.
import t from 'tap';
import { startSeededApp } from '../helpers/app.ts';

type Json = Record<string, any>;

t.test('roster reads', async (t) => {
  const { app, d, as } = await startSeededApp(t);
  const get = async (url: string, headers: Record<string, string>) => {
    const res = await app.inject({ url, headers });
    return { status: res.statusCode, body: res.statusCode === 304 ? null : res.json() as Json, etag: res.headers.etag as string | undefined };
  };
  const ids = (body: Json | null) => (body?.data as Json[]).map((r) => r.id);

  await t.test('schools: everyone signed in reads them; filters; ETag and 304', async (t) => {
    const all = await get('/v1/schools', as.teacherB);
    t.equal(all.status, 200);
    t.same(ids(all.body), [d.schoolA, d.schoolB], 'by name: Alder, Birch');
    t.match(all.body!.data[0], { name: 'Alder Elementary', source: 'sis', sourcedId: 'sA', status: 'active', districtId: d.districtId, metadata: {} });
    t.same(ids((await get('/v1/schools?q=birch', as.guardianA)).body), [d.schoolB]);
    t.same(ids((await get('/v1/schools?status=inactive', as.districtAdmin)).body), []);
    t.same(ids((await get('/v1/schools?updatedSince=2999-01-01T00:00:00Z', as.districtAdmin)).body), []);
    const one = await get(`/v1/schools/${d.schoolA}`, as.guardianB);
    t.equal(one.status, 200);
    t.ok(one.etag);
    t.equal((await app.inject({ url: `/v1/schools/${d.schoolA}`, headers: { ...as.guardianB, 'if-none-match': one.etag! } })).statusCode, 304);
    t.equal((await get(`/v1/schools/${d.districtId}`, as.districtAdmin)).status, 404, 'the district is not a school');
    t.equal((await get('/v1/schools?colour=red', as.districtAdmin)).status, 400, 'unknown filters are rejected');
  });

  await t.test('schools page by name across several pages with inserts between pages', async (t) => {
    for (let i = 0; i < 5; i++) {
      await app.db.insertInto('orgs').values({ name: `Cedar ${i}`, type: 'school', parentId: d.districtId }).execute();
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: { body: Json | null } = await get(`/v1/schools?limit=3${cursor ? `&cursor=${cursor}` : ''}`, as.districtAdmin);
      seen.push(...ids(page.body));
      cursor = page.body!.page.nextCursor;
      if (pages === 0) await app.db.insertInto('orgs').values({ name: 'Aaa First', type: 'school', parentId: d.districtId }).execute();
      pages++;
    } while (cursor);
    t.equal(pages, 3);
    t.equal(seen.length, 7, 'the school inserted before the cursor is not seen late');
    t.equal(new Set(seen).size, 7);
    t.equal((await get('/v1/schools?cursor=garbage', as.districtAdmin)).status, 400);
  });

  await t.test('classes: admins, teachers and guardians see their own; filters cannot widen', async (t) => {
    t.same(ids((await get('/v1/classes', as.districtAdmin)).body).sort(), [d.classA, d.classB].sort());
    t.same(ids((await get('/v1/classes', as.schoolAdminA)).body), [d.classA]);
    t.same(ids((await get('/v1/classes', as.teacherA)).body), [d.classA]);
    t.same(ids((await get('/v1/classes', as.teacherB)).body), [d.classB]);
    t.same(ids((await get('/v1/classes', as.teacherA2)).body), [], 'a teacher of no class sees none');
    t.same(ids((await get('/v1/classes', as.guardianA)).body), [d.classA]);
    t.same(ids((await get('/v1/classes', as.guardianB)).body), [d.classB]);
    t.same(ids((await get(`/v1/classes?schoolId=${d.schoolA}`, as.teacherB)).body), [], 'filter by another school: empty');
    t.same(ids((await get(`/v1/classes?staffId=${d.teacherA}`, as.districtAdmin)).body), [d.classA]);
    t.same(ids((await get(`/v1/classes?studentId=${d.studentB}`, as.districtAdmin)).body), [d.classB]);
    t.same(ids((await get('/v1/classes?q=science', as.districtAdmin)).body), [d.classB]);
    const one = await get(`/v1/classes/${d.classA}`, as.teacherA);
    t.match(one.body, { id: d.classA, schoolId: d.schoolA, classType: 'homeroom', grades: [], metadata: {} });
    t.ok(one.etag);
    t.equal((await get(`/v1/classes/${d.classA}`, as.teacherB)).status, 404);
    t.equal((await get(`/v1/classes/${d.classA}`, as.guardianB)).status, 404);
  });

  await t.test('staff: colleagues of the same schools; guardians only names and roles of their children\'s teachers', async (t) => {
    const b = await get('/v1/staff', as.teacherB);
    t.same(ids(b.body), [d.teacherB], 'school B has one staff member');
    t.same(ids((await get('/v1/staff', as.teacherA)).body).sort(), [d.teacherA, d.teacherA2, d.adminA].sort());
    t.same(ids((await get(`/v1/staff?schoolId=${d.schoolA}`, as.teacherB)).body), [], 'filter by another school: empty');
    t.equal((await get(`/v1/staff/${d.teacherA}`, as.teacherB)).status, 404);
    t.same(ids((await get('/v1/staff?role=administrator', as.schoolAdminA)).body), [d.adminA]);
    t.same(ids((await get(`/v1/staff?classId=${d.classA}`, as.districtAdmin)).body), [d.teacherA]);
    t.same(ids((await get('/v1/staff?q=okafor', as.districtAdmin)).body), [d.teacherA2]);
    const full = await get(`/v1/staff/${d.teacherA}`, as.schoolAdminA);
    t.match(full.body, { id: d.teacherA, email: 'tA@maple.example', role: 'teacher', schools: [{ schoolId: d.schoolA, role: 'teacher', isPrimary: true }], source: 'sis' });
    const forGuardian = await get('/v1/staff', as.guardianA);
    t.same(ids(forGuardian.body), [d.teacherA], 'only the teacher of their children');
    t.same(Object.keys(forGuardian.body!.data[0]).sort(), ['familyName', 'givenName', 'id', 'preferredFirstName', 'role']);
    t.equal((await get(`/v1/staff/${d.teacherB}`, as.guardianA)).status, 404);
    t.equal((await get(`/v1/staff/${d.teacherA2}`, as.guardianA)).status, 404);
  });

  await t.test('staff: district admins create local staff; others may not', async (t) => {
    const body = { givenName: 'Eve', familyName: 'Stone', role: 'aide', email: 'eve@maple.example', phone: '+15550003000', schools: [{ schoolId: d.schoolB }] };
    const res = await app.inject({ method: 'POST', url: '/v1/staff', headers: as.districtAdmin, payload: body });
    t.equal(res.statusCode, 201);
    const staff = res.json();
    t.equal(res.headers.location, `/v1/staff/${staff.id}`);
    t.match(staff, { source: 'local', sourcedId: null, role: 'aide', schools: [{ schoolId: d.schoolB, role: 'aide', isPrimary: true }] });
    t.ok(ids((await get('/v1/staff', as.teacherB)).body).includes(staff.id), 'a colleague in school B sees the new aide');
    t.equal((await app.inject({ method: 'POST', url: '/v1/staff', headers: as.schoolAdminA, payload: body })).statusCode, 403);
    t.equal((await app.inject({ method: 'POST', url: '/v1/staff', headers: as.integrationRead, payload: body })).statusCode, 403);
    const badSchool = await app.inject({ method: 'POST', url: '/v1/staff', headers: as.districtAdmin, payload: { ...body, schools: [{ schoolId: d.districtId }] } });
    t.equal(badSchool.statusCode, 422);
    t.same(badSchool.json().errors, [{ path: '/body/schools/0/schoolId', message: 'is not a school' }]);
    const badPhone = await app.inject({ method: 'POST', url: '/v1/staff', headers: as.districtAdmin, payload: { ...body, phone: '555-1234' } });
    t.equal(badPhone.statusCode, 400);
    t.ok(badPhone.json().errors.some((e: Json) => e.path === '/body/phone'));
  });

  await t.test('enrollments: of visible students and visible classes only', async (t) => {
    const admin = await get('/v1/enrollments', as.districtAdmin);
    t.equal(admin.body!.data.length, 5);
    const teacherB = await get('/v1/enrollments', as.teacherB);
    t.ok((teacherB.body!.data as Json[]).every((e) => e.classId === d.classB));
    t.same((await get(`/v1/enrollments?schoolId=${d.schoolA}`, as.teacherB)).body!.data, []);
    t.same((await get(`/v1/enrollments?studentId=${d.studentA}`, as.teacherB)).body!.data, []);
    const guardian = await get('/v1/enrollments', as.guardianA);
    t.ok((guardian.body!.data as Json[]).every((e) => e.classId === d.classA));
    const roles = await get(`/v1/enrollments?classId=${d.classA}&role=teacher`, as.teacherA);
    t.match(roles.body!.data, [{ staffId: d.teacherA, role: 'teacher', studentId: null }]);
    const one = admin.body!.data.find((e: Json) => e.studentId === d.studentA);
    const read = await get(`/v1/enrollments/${one.id}`, as.teacherA);
    t.equal(read.status, 200);
    t.ok(read.etag);
    t.equal((await get(`/v1/enrollments/${one.id}`, as.teacherB)).status, 404);
    const paged = await get('/v1/enrollments?limit=2', as.districtAdmin);
    const next = await get(`/v1/enrollments?limit=2&cursor=${paged.body!.page.nextCursor}`, as.districtAdmin);
    t.equal(next.body!.data.length, 2);
    t.same(ids(paged.body).filter((id) => ids(next.body).includes(id)), []);
  });

  await t.test('integrations need roster:read', async (t) => {
    for (const url of ['/v1/schools', '/v1/classes', '/v1/staff', '/v1/enrollments']) {
      t.equal((await get(url, as.integrationRead)).status, 200, url);
      t.equal((await get(url, as.integrationNone)).status, 403, url);
    }
  });
});
