// Strategy resources over REST: create, read, list with filters and paging, merge-patch, archive and restore, visibility.
import t from 'tap';
import { startSeededApp } from '../helpers/app.ts';

interface Json { [key: string]: any }
type Headers = Record<string, string | undefined>;

t.test('strategy resources', async (t) => {
  const { app, d, as } = await startSeededApp(t);
  const url = '/v1/strategy-resources';
  const post = (headers: Headers, payload: object, extra: Headers = {}) =>
    app.inject({ method: 'POST', url, headers: { ...headers, ...extra }, payload });
  const get = (headers: Headers, path: string) => app.inject({ url: path, headers });
  const list = async (headers: Headers, query = ''): Promise<Json[]> => {
    const res = await get(headers, `${url}?limit=500${query}`);
    if (res.statusCode !== 200) throw new Error(`list ${query}: ${res.statusCode} ${res.body}`);
    return res.json().data;
  };
  const base = { title: 'First-then board', kind: 'visual_schedule', body: '## How to use\nShow **first** the task, **then** the reward.' };

  await t.test('create: 201, Location, ETag, defaults, created by the teacher', async (t) => {
    const res = await post(as.teacherA, { ...base, languages: ['en', 'es-MX'], tags: ['transitions'], gradeBand: 'K-2' });
    t.equal(res.statusCode, 201);
    const resource = res.json();
    t.equal(res.headers.location, `${url}/${resource.id}`);
    t.match(res.headers.etag, /^"/);
    t.match(resource, { title: base.title, kind: 'visual_schedule', scope: 'district', schoolId: null, setting: 'both', createdBy: d.teacherA,
      languages: ['en', 'es-MX'], tags: ['transitions'], gradeBand: 'K-2', url: null, summary: null, archivedAt: null });
    const read = await get(as.teacherA, res.headers.location as string);
    t.equal(read.statusCode, 200);
    t.same(read.json(), resource);
    t.equal(read.headers.etag, res.headers.etag);
    const notModified = await app.inject({ url: res.headers.location as string, headers: { ...as.teacherA, 'if-none-match': res.headers.etag as string } });
    t.equal(notModified.statusCode, 304);
    t.equal((await get(as.teacherB, res.headers.location as string)).statusCode, 200, 'the district library is open to all staff');
  });

  await t.test('validation names the field', async (t) => {
    const cases: Array<[object, string]> = [
      [{ ...base, colour: 'red' }, '/body/colour'],
      [{ ...base, kind: 'poster' }, '/body/kind'],
      [{ ...base, url: 'ftp://example.org/file' }, '/body/url'],
      [{ ...base, languages: ['en_US'] }, '/body/languages/0'],
      [{ ...base, title: '' }, '/body/title'],
      [{ ...base, setting: 'park' }, '/body/setting'],
      [{ ...base, schoolId: 'abc' }, '/body/schoolId'],
      [{ kind: 'other', body: 'x' }, '/body/title'],
      [{ title: 'No content', kind: 'other' }, '/body/body'],
      [{ ...base, scope: 'school' }, '/body/schoolId'],
      [{ ...base, schoolId: d.schoolA }, '/body/schoolId'],
    ];
    for (const [payload, path] of cases) {
      const res = await post(as.teacherA, payload);
      t.equal(res.statusCode, 400, path);
      t.match(res.headers['content-type'], /application\/problem\+json/);
      t.ok(res.json().errors.some((e: { path: string }) => e.path === path), `${path} in ${JSON.stringify(res.json().errors)}`);
    }
    const urlOnly = await post(as.teacherA, { title: 'Calm-down video', kind: 'video', url: 'https://example.org/calm' });
    t.equal(urlOnly.statusCode, 201, 'a url alone is enough');
  });

  await t.test('who may create: staff in their own schools; admins name the creator; guardians never', async (t) => {
    const schoolA = await post(as.teacherA, { ...base, scope: 'school', schoolId: d.schoolA });
    t.equal(schoolA.statusCode, 201);
    t.match(schoolA.json(), { scope: 'school', schoolId: d.schoolA });
    const otherSchool = await post(as.teacherA, { ...base, scope: 'school', schoolId: d.schoolB });
    t.equal(otherSchool.statusCode, 422);
    t.same(otherSchool.json().errors, [{ path: '/body/schoolId', message: 'is not a school you work in' }]);
    const notASchool = await post(as.districtAdmin, { ...base, scope: 'school', schoolId: d.districtId, createdBy: d.teacherB });
    t.equal(notASchool.statusCode, 422);
    t.equal((await post(as.schoolAdminA, { ...base, scope: 'school', schoolId: d.schoolB })).statusCode, 422);
    t.equal((await post(as.schoolAdminA, { ...base, scope: 'school', schoolId: d.schoolA })).statusCode, 201);
    t.equal((await post(as.guardianA, base)).statusCode, 403);
    t.equal((await post(as.teacherA, { ...base, createdBy: d.teacherA2 })).statusCode, 403, 'teachers add in their own name');
    const adminNeedsCreator = await post(as.districtAdmin, base);
    t.equal(adminNeedsCreator.statusCode, 422);
    t.equal(adminNeedsCreator.json().errors[0].path, '/body/createdBy');
    const admin = await post(as.districtAdmin, { ...base, scope: 'school', schoolId: d.schoolB, createdBy: d.teacherB });
    t.equal(admin.statusCode, 201);
    t.equal(admin.json().createdBy, d.teacherB);
    t.equal((await post(as.integrationRead, { ...base, createdBy: d.teacherA })).statusCode, 403);
  });

  await t.test('who sees school libraries: staff of that school, admins, integrations; 404 otherwise', async (t) => {
    const id = (await post(as.teacherA, { ...base, title: 'Alder only', scope: 'school', schoolId: d.schoolA })).json().id;
    for (const who of ['teacherA', 'teacherA2', 'schoolAdminA', 'districtAdmin', 'integrationRead'] as const) {
      t.equal((await get(as[who], `${url}/${id}`)).statusCode, 200, who);
    }
    for (const who of ['teacherB', 'guardianA', 'guardianB'] as const) {
      t.equal((await get(as[who], `${url}/${id}`)).statusCode, 404, who);
      t.notOk((await list(as[who])).some((r) => r.id === id), `${who} does not list it`);
    }
    t.same(await list(as.teacherB, `&schoolId=${d.schoolA}`), [], 'a filter cannot widen visibility');
    t.equal((await get(as.integrationNone, url)).statusCode, 403);
    t.equal((await get(as.integrationNone, `${url}/${id}`)).statusCode, 403);
    t.equal((await get(as.teacherA, `${url}/00000000-0000-4000-8000-000000000000`)).statusCode, 404);
    t.equal((await get(as.teacherA, `${url}/not-a-uuid`)).statusCode, 400);
  });

  await t.test('merge patch with If-Match; only the creator or an admin', async (t) => {
    const created = await post(as.teacherA, { ...base, summary: 'For mornings', url: 'https://example.org/board' });
    const id = created.json().id;
    const patch = (headers: Headers, payload: object, extra: Headers = {}) => app.inject({ method: 'PATCH', url: `${url}/${id}`,
      headers: { ...headers, 'content-type': 'application/merge-patch+json', ...extra }, payload: JSON.stringify(payload) });
    t.equal((await patch(as.teacherA, { title: 'x' }, { 'if-match': '"stale"' })).statusCode, 412);
    const ok = await patch(as.teacherA, { summary: null, tags: ['mornings', 'routines'], setting: 'home' }, { 'if-match': created.headers.etag });
    t.equal(ok.statusCode, 200);
    t.match(ok.json(), { summary: null, tags: ['mornings', 'routines'], setting: 'home', title: base.title, url: 'https://example.org/board' });
    t.not(ok.headers.etag, created.headers.etag);
    t.equal((await patch(as.teacherA, { title: 'y' }, { 'if-match': created.headers.etag })).statusCode, 412, 'the old ETag no longer matches');
    t.equal((await patch(as.teacherA2, { title: 'z' })).statusCode, 403, 'another teacher may read but not change it');
    t.equal((await patch(as.guardianA, { title: 'z' })).statusCode, 404);
    t.equal((await patch(as.schoolAdminA, { kind: 'behavior_chart' })).json().kind, 'behavior_chart');
    const noContent = await patch(as.teacherA, { body: null, url: null });
    t.equal(noContent.statusCode, 400);
    t.equal((await patch(as.teacherA, {})).statusCode, 400);
    t.equal((await patch(as.teacherA, { title: null })).statusCode, 400);
    t.equal((await patch(as.teacherA, { scope: 'school' })).statusCode, 400, 'a school scope needs a school');
    t.equal((await patch(as.teacherA, { scope: 'school', schoolId: d.schoolB })).statusCode, 422);
    t.match((await patch(as.teacherA, { scope: 'school', schoolId: d.schoolA })).json(), { scope: 'school', schoolId: d.schoolA });
    t.equal((await get(as.teacherB, `${url}/${id}`)).statusCode, 404, 'moved into school A\'s library');
    t.match((await patch(as.teacherA, { scope: 'district' })).json(), { scope: 'district', schoolId: null });
  });

  await t.test('archive keeps the resource; lists hide it unless archived=true; restore brings it back', async (t) => {
    const created = await post(as.teacherA, { ...base, title: 'Retired chart' });
    const id = created.json().id;
    const del = (headers: Headers) => app.inject({ method: 'DELETE', url: `${url}/${id}`, headers });
    t.equal((await del({ ...as.teacherA, 'if-match': '"nope"' })).statusCode, 412);
    t.equal((await del(as.teacherA2)).statusCode, 403);
    t.equal((await del({ ...as.teacherA, 'if-match': created.headers.etag })).statusCode, 204);
    const archived = await get(as.teacherA, `${url}/${id}`);
    t.equal(archived.statusCode, 200, 'still readable');
    t.ok(archived.json().archivedAt);
    t.notOk((await list(as.teacherA)).some((r) => r.id === id));
    const onlyArchived = await list(as.teacherA, '&archived=true');
    t.ok(onlyArchived.some((r) => r.id === id));
    t.ok(onlyArchived.every((r) => r.archivedAt !== null));
    t.equal((await del(as.teacherA)).statusCode, 204, 'archiving again is harmless');
    t.equal((await get(as.teacherA, `${url}/${id}`)).json().archivedAt, archived.json().archivedAt, 'and keeps the first time');
    const patched = await app.inject({ method: 'PATCH', url: `${url}/${id}`, headers: as.teacherA, payload: { title: 'New title' } });
    t.equal(patched.statusCode, 409);
    t.equal((await app.inject({ method: 'POST', url: `${url}/${id}/unarchive`, headers: as.teacherA2 })).statusCode, 403);
    t.equal((await app.inject({ method: 'POST', url: `${url}/${id}/unarchive`, headers: { ...as.teacherA, 'if-match': '"old"' } })).statusCode, 412);
    const restored = await app.inject({ method: 'POST', url: `${url}/${id}/unarchive`, headers: as.teacherA });
    t.equal(restored.statusCode, 200);
    t.equal(restored.json().archivedAt, null);
    t.ok((await list(as.teacherA)).some((r) => r.id === id));
  });

  await t.test('guardians see only resources shared with them, archived ones included', async (t) => {
    const shared = (await post(as.teacherA, { ...base, title: 'Bedtime routine' })).json();
    const notShared = (await post(as.teacherA, { ...base, title: 'Not for you' })).json();
    const share = await app.inject({ method: 'POST', url: `${url}/${shared.id}/shares`, headers: as.teacherA,
      payload: { studentId: d.studentA, guardianId: d.guardianA, message: 'We use this at school; it may help at bedtime.' } });
    t.equal(share.statusCode, 201);
    t.equal((await app.inject({ method: 'DELETE', url: `${url}/${shared.id}`, headers: as.teacherA })).statusCode, 204);
    const read = await get(as.guardianA, `${url}/${shared.id}`);
    t.equal(read.statusCode, 200, 'an archived resource stays readable where it was shared');
    t.ok(read.json().archivedAt);
    t.equal((await get(as.guardianA, `${url}/${notShared.id}`)).statusCode, 404);
    t.equal((await get(as.guardianB, `${url}/${shared.id}`)).statusCode, 404, 'not another family');
    t.equal((await get(as.guardianA, `${url}/${shared.id}/shares`)).json().data.length, 1);
    t.same((await list(as.guardianA, '&archived=true')).map((r) => r.id), [shared.id]);
    t.same(await list(as.guardianA), []);
    t.same(await list(as.guardianB, '&archived=true'), []);
  });

  await t.test('lists: filters and stable keyset paging with inserts between pages', async (t) => {
    const kinds = ['social_script', 'coping_strategy', 'book_list'];
    for (let i = 0; i < 7; i++) {
      t.equal((await post(as.teacherB, { title: `Birch resource ${i}`, kind: kinds[i % 3], body: `Body ${i}`, scope: 'school', schoolId: d.schoolB,
        setting: i % 2 ? 'home' : 'school', tags: i < 3 ? ['calm', 'paging'] : ['reading', 'paging'], languages: i === 4 ? ['ko'] : ['es-MX'], gradeBand: i < 4 ? '6-8' : '9-12',
        summary: i === 5 ? 'A needle in the summary' : null })).statusCode, 201);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res = await get(as.teacherB, `${url}?tag=paging&limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      t.equal(res.statusCode, 200);
      const body = res.json();
      seen.push(...body.data.map((r: Json) => r.id));
      cursor = body.page.nextCursor;
      if (pages === 0) {
        // Newer than everything already paged, so it never shows up late or twice.
        await post(as.teacherB, { title: 'Late insert', kind: 'other', body: 'x', scope: 'school', schoolId: d.schoolB, tags: ['paging'] });
      }
      pages++;
    } while (cursor);
    t.equal(pages, 3);
    t.equal(seen.length, 7);
    t.equal(new Set(seen).size, 7, 'no duplicates');
    const birch = `&schoolId=${d.schoolB}&createdBy=${d.teacherB}&q=birch`;
    t.equal((await list(as.teacherB, `${birch}&kind=social_script`)).length, 3);
    t.equal((await list(as.teacherB, `${birch}&setting=home`)).length, 3);
    t.equal((await list(as.teacherB, `${birch}&tag=calm`)).length, 3);
    t.equal((await list(as.teacherB, `${birch}&language=es`)).length, 6, 'a language matches its regional variants');
    t.equal((await list(as.teacherB, `${birch}&language=ko`)).length, 1);
    t.equal((await list(as.teacherB, `${birch}&gradeBand=9-12`)).length, 3);
    t.equal((await list(as.teacherB, `&q=needle`)).length, 1);
    t.equal((await list(as.teacherB, `&q=${encodeURIComponent('birch resource 2')}`)).length, 1);
    t.ok((await list(as.teacherB, '&scope=school')).every((r) => r.scope === 'school'));
    t.ok((await list(as.teacherB, `&createdBy=${d.teacherB}`)).length >= 8);
    t.same(await list(as.teacherB, `&createdBy=${d.teacherB}&updatedSince=2999-01-01T00:00:00Z`), []);
    t.equal((await get(as.teacherB, `${url}?cursor=garbage`)).statusCode, 400);
    t.equal((await get(as.teacherB, `${url}?limit=501`)).statusCode, 400);
    t.equal((await get(as.teacherB, `${url}?colour=red`)).statusCode, 400);
    t.equal((await get(as.teacherB, `${url}?kind=poster`)).statusCode, 400);
  });

  await t.test('Idempotency-Key: a replay returns the first response; another body is 422', async (t) => {
    const key = { 'idempotency-key': 'resource-first-then' };
    const first = await post(as.teacherA, base, key);
    const replay = await post(as.teacherA, base, key);
    t.equal(first.statusCode, 201);
    t.equal(replay.statusCode, 201);
    t.equal(replay.headers['idempotent-replayed'], 'true');
    t.same(replay.json(), first.json());
    t.equal((await post(as.teacherA, { ...base, title: 'Other' }, key)).statusCode, 422);
  });

  await t.test('writes are audited', async (t) => {
    const rows = await app.db.selectFrom('auditEvents').select(['action']).where('recordType', '=', 'strategyResource')
      .where('actorId', '=', d.teacherA).execute();
    const actions = new Set(rows.map((r) => r.action));
    t.ok(actions.has('create') && actions.has('update') && actions.has('delete'), [...actions].join(','));
  });
});
