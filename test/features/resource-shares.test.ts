// Resource shares over REST: share with a linked guardian, who sees shares, acknowledge once, withdraw before it, audit.
import t from 'tap';
import { startSeededApp } from '../helpers/app.ts';

interface Json { [key: string]: any }
type Headers = Record<string, string | undefined>;

t.test('resource shares', async (t) => {
  const { app, d, as } = await startSeededApp(t);
  const createResource = async (headers: Headers, payload: object = {}): Promise<string> => {
    const res = await app.inject({ method: 'POST', url: '/v1/strategy-resources', headers,
      payload: { title: 'Calm-down corner', kind: 'coping_strategy', body: 'Breathe in for four, out for four.', ...payload } });
    if (res.statusCode !== 201) throw new Error(`resource: ${res.body}`);
    return res.json().id;
  };
  const share = (headers: Headers, resourceId: string, payload: object, extra: Headers = {}) =>
    app.inject({ method: 'POST', url: `/v1/strategy-resources/${resourceId}/shares`, headers: { ...headers, ...extra }, payload });
  const get = (headers: Headers, url: string) => app.inject({ url, headers });
  const list = async (headers: Headers, query = ''): Promise<Json[]> => {
    const res = await get(headers, `/v1/resource-shares?limit=500${query}`);
    if (res.statusCode !== 200) throw new Error(`list ${query}: ${res.statusCode} ${res.body}`);
    return res.json().data;
  };
  const acknowledge = (headers: Headers, id: string) => app.inject({ method: 'POST', url: `/v1/resource-shares/${id}/acknowledge`, headers });
  const resourceId = await createResource(as.teacherA);
  const toMother = { studentId: d.studentA, guardianId: d.guardianA, message: 'Mateo uses this when he feels big feelings.' };

  await t.test('share: 201, Location, ETag, the sharer, the resource at a glance', async (t) => {
    const res = await share(as.teacherA, resourceId, toMother);
    t.equal(res.statusCode, 201);
    const created = res.json();
    t.equal(res.headers.location, `/v1/resource-shares/${created.id}`);
    t.match(res.headers.etag, /^"/);
    t.match(created, { resourceId, studentId: d.studentA, guardianId: d.guardianA, sharedBy: d.teacherA, message: toMother.message,
      acknowledgedAt: null, resource: { id: resourceId, title: 'Calm-down corner', kind: 'coping_strategy', archivedAt: null } });
    const read = await get(as.teacherA, res.headers.location as string);
    t.equal(read.statusCode, 200);
    t.same(read.json(), created);
    t.equal(read.headers.etag, res.headers.etag);
    const ofResource = await get(as.teacherA, `/v1/strategy-resources/${resourceId}/shares`);
    t.same(ofResource.json().data.map((s: Json) => s.id), [created.id]);
  });

  await t.test('rules: linked guardian, visible student, usable resource, staff only', async (t) => {
    const notLinked = await share(as.teacherA, resourceId, { ...toMother, guardianId: d.guardianB });
    t.equal(notLinked.statusCode, 422);
    t.same(notLinked.json().errors, [{ path: '/body/guardianId', message: 'is not a guardian linked to the student' }]);
    const otherSchool = await share(as.teacherA, resourceId, { studentId: d.studentB, guardianId: d.guardianB });
    t.equal(otherSchool.statusCode, 422);
    t.same(otherSchool.json().errors, [{ path: '/body/studentId', message: 'is not a student you can see' }]);
    t.equal((await share(as.teacherA2, resourceId, toMother)).statusCode, 422, 'teacher A2 teaches no class of the student');
    const archivedId = await createResource(as.teacherA, { title: 'Old chart' });
    t.equal((await app.inject({ method: 'DELETE', url: `/v1/strategy-resources/${archivedId}`, headers: as.teacherA })).statusCode, 204);
    const archived = await share(as.teacherA, archivedId, toMother);
    t.equal(archived.statusCode, 422);
    t.same(archived.json().errors, [{ path: '/params/id', message: 'is archived' }]);
    const birchOnly = await createResource(as.teacherB, { scope: 'school', schoolId: d.schoolB });
    t.equal((await share(as.teacherA, birchOnly, toMother)).statusCode, 404, 'a resource the sharer cannot see');
    t.equal((await share(as.teacherA, '00000000-0000-4000-8000-000000000000', toMother)).statusCode, 404);
    t.equal((await share(as.guardianA, resourceId, toMother)).statusCode, 403);
    t.equal((await share(as.integrationRead, resourceId, { ...toMother, sharedBy: d.teacherA })).statusCode, 403);
    t.equal((await share(as.teacherA, resourceId, { ...toMother, sharedBy: d.teacherA2 })).statusCode, 403, 'teachers share in their own name');
    const adminNeedsSharer = await share(as.districtAdmin, resourceId, toMother);
    t.equal(adminNeedsSharer.statusCode, 422);
    t.equal(adminNeedsSharer.json().errors[0].path, '/body/sharedBy');
    t.equal((await share(as.districtAdmin, resourceId, { ...toMother, sharedBy: d.teacherA2 })).json().sharedBy, d.teacherA2);
    const badBody = await share(as.teacherA, resourceId, { ...toMother, colour: 'red', guardianId: 'nope' });
    t.equal(badBody.statusCode, 400);
    t.ok(badBody.json().errors.some((e: Json) => e.path === '/body/colour'));
    await app.db.updateTable('studentGuardians').set({ mayContact: false }).where('studentId', '=', d.studentA).where('guardianId', '=', d.guardianA2).execute();
    const noContact = await share(as.teacherA, resourceId, { studentId: d.studentA, guardianId: d.guardianA2 });
    t.equal(noContact.statusCode, 422, 'a guardian who may not be contacted and holds no rights never sees a share');
    t.same(noContact.json().errors, [{ path: '/body/guardianId', message: 'may not be contacted about the student' }]);
    await app.db.updateTable('studentGuardians').set({ mayContact: true }).where('studentId', '=', d.studentA).where('guardianId', '=', d.guardianA2).execute();
  });

  await t.test('who sees shares: staff of the student, the guardian shared with, integrations', async (t) => {
    const created = (await share(as.teacherA, resourceId, toMother)).json();
    const toFather = (await share(as.teacherA, resourceId, { studentId: d.studentA2, guardianId: d.guardianA2 })).json();
    const path = `/v1/resource-shares/${created.id}`;
    for (const who of ['teacherA', 'schoolAdminA', 'districtAdmin', 'integrationRead', 'guardianA'] as const) {
      t.equal((await get(as[who], path)).statusCode, 200, who);
    }
    for (const who of ['teacherA2', 'teacherB', 'guardianB'] as const) {
      t.equal((await get(as[who], path)).statusCode, 404, who);
      t.notOk((await list(as[who])).some((s) => s.id === created.id), `${who} does not list it`);
    }
    t.equal((await get(as.integrationNone, path)).statusCode, 403);
    t.equal((await get(as.integrationNone, '/v1/resource-shares')).statusCode, 403);
    const mine = await list(as.guardianA);
    t.ok(mine.length > 0);
    t.ok(mine.every((s) => s.guardianId === d.guardianA), "a guardian sees only the shares made with them, not the other parent's");
    t.notOk(mine.some((s) => s.id === toFather.id));
    t.same(await list(as.teacherB, `&studentId=${d.studentA}`), [], 'a filter cannot widen visibility');
    t.same(await list(as.guardianB, `&guardianId=${d.guardianA}`), []);
    t.equal((await get(as.teacherB, `/v1/strategy-resources/${resourceId}/shares`)).json().data.length, 0, 'the district resource, none of its shares');
    t.equal((await get(as.guardianB, `/v1/strategy-resources/${resourceId}/shares`)).statusCode, 404, 'nothing shared with guardian B');
    // A deactivated link takes access away at once.
    await app.db.updateTable('studentGuardians').set({ status: 'inactive' }).where('studentId', '=', d.studentA).where('guardianId', '=', d.guardianA).execute();
    t.equal((await get(as.guardianA, path)).statusCode, 404);
    t.notOk((await list(as.guardianA)).some((s) => s.studentId === d.studentA));
    await app.db.updateTable('studentGuardians').set({ status: 'active' }).where('studentId', '=', d.studentA).where('guardianId', '=', d.guardianA).execute();
    t.equal((await get(as.guardianA, path)).statusCode, 200);
  });

  await t.test('acknowledge: only the guardian shared with, once', async (t) => {
    const created = (await share(as.teacherA, resourceId, toMother)).json();
    t.equal((await acknowledge(as.teacherA, created.id)).statusCode, 403);
    t.equal((await acknowledge(as.districtAdmin, created.id)).statusCode, 403);
    t.equal((await acknowledge(as.guardianB, created.id)).statusCode, 404);
    const first = await acknowledge(as.guardianA, created.id);
    t.equal(first.statusCode, 200);
    t.ok(first.json().acknowledgedAt);
    const second = await acknowledge(as.guardianA, created.id);
    t.equal(second.statusCode, 200);
    t.equal(second.json().acknowledgedAt, first.json().acknowledgedAt, 'the first acknowledgement time stays');
    t.ok((await list(as.guardianA, '&acknowledged=true')).some((s) => s.id === created.id));
    t.notOk((await list(as.guardianA, '&acknowledged=false')).some((s) => s.id === created.id));
    t.ok((await list(as.guardianA, '&acknowledged=false')).every((s) => s.acknowledgedAt === null));
  });

  await t.test('withdraw: the sharer or an admin, with If-Match, only before acknowledgement', async (t) => {
    const byAdmin = await share(as.schoolAdminA, resourceId, { ...toMother, sharedBy: d.adminA });
    const path = `/v1/resource-shares/${byAdmin.json().id}`;
    const del = (headers: Headers) => app.inject({ method: 'DELETE', url: path, headers });
    t.equal((await del(as.teacherA)).statusCode, 403, 'teacher A sees the share but did not make it');
    t.equal((await del(as.guardianA)).statusCode, 403);
    t.equal((await del(as.teacherB)).statusCode, 404);
    t.equal((await del({ ...as.schoolAdminA, 'if-match': '"stale"' })).statusCode, 412);
    t.equal((await del({ ...as.schoolAdminA, 'if-match': byAdmin.headers.etag as string })).statusCode, 204);
    t.equal((await get(as.schoolAdminA, path)).statusCode, 404);
    const mine = (await share(as.teacherA, resourceId, toMother)).json();
    t.equal((await acknowledge(as.guardianA, mine.id)).statusCode, 200);
    const late = await app.inject({ method: 'DELETE', url: `/v1/resource-shares/${mine.id}`, headers: as.teacherA });
    t.equal(late.statusCode, 409);
    t.equal(late.json().code, 'KINSHIP_CONFLICT');
    const fresh = (await share(as.teacherA, resourceId, toMother)).json();
    t.equal((await app.inject({ method: 'DELETE', url: `/v1/resource-shares/${fresh.id}`, headers: as.teacherA })).statusCode, 204);
  });

  await t.test('archived resources stay readable through their shares', async (t) => {
    const id = await createResource(as.teacherA, { title: 'Social story: the fire drill' });
    const created = (await share(as.teacherA, id, toMother)).json();
    t.equal((await app.inject({ method: 'DELETE', url: `/v1/strategy-resources/${id}`, headers: as.teacherA })).statusCode, 204);
    const viaShare = await get(as.guardianA, `/v1/resource-shares/${created.id}`);
    t.ok(viaShare.json().resource.archivedAt, 'the share shows the resource is archived');
    t.equal((await get(as.guardianA, `/v1/strategy-resources/${id}`)).statusCode, 200);
    t.equal((await acknowledge(as.guardianA, created.id)).statusCode, 200, 'and may still be acknowledged');
  });

  await t.test('goal strategies use only resources the caller can see and that are not archived', async (t) => {
    const goal = (await app.inject({ method: 'POST', url: '/v1/goals', headers: as.teacherA,
      payload: { studentId: d.studentA, title: 'Calm transitions', domain: 'behavior', status: 'active' } })).json();
    const addStrategy = (id: string) => app.inject({ method: 'POST', url: `/v1/goals/${goal.id}/strategies`, headers: as.teacherA, payload: { resourceId: id } });
    const birchOnly = await createResource(as.teacherB, { title: 'Birch library only', scope: 'school', schoolId: d.schoolB });
    const hidden = await addStrategy(birchOnly);
    t.equal(hidden.statusCode, 422, "another school's library is not usable");
    t.same(hidden.json().errors, [{ path: '/body/resourceId', message: 'is not a strategy resource' }]);
    t.equal((await addStrategy(resourceId)).statusCode, 201);
  });

  await t.test('lists: filters and stable keyset paging with inserts between pages', async (t) => {
    const pagingResource = await createResource(as.teacherB, { title: 'Homework checklist' });
    for (let i = 0; i < 7; i++) {
      t.equal((await share(as.teacherB, pagingResource, { studentId: d.studentB, guardianId: d.guardianB, message: `Note ${i}` })).statusCode, 201);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res = await get(as.teacherB, `/v1/resource-shares?resourceId=${pagingResource}&limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      t.equal(res.statusCode, 200);
      seen.push(...res.json().data.map((s: Json) => s.id));
      cursor = res.json().page.nextCursor;
      if (pages === 0) await share(as.teacherB, pagingResource, { studentId: d.studentB, guardianId: d.guardianB, message: 'Late insert' });
      pages++;
    } while (cursor);
    t.equal(pages, 3);
    t.equal(seen.length, 7);
    t.equal(new Set(seen).size, 7, 'no duplicates');
    t.equal((await list(as.teacherB, `&studentId=${d.studentB}&sharedBy=${d.teacherB}`)).length, 8);
    t.equal((await list(as.teacherB, `&guardianId=${d.guardianB}&from=2999-01-01T00:00:00Z`)).length, 0);
    t.equal((await list(as.teacherB, `&guardianId=${d.guardianB}&to=2999-01-01T00:00:00Z`)).length, 8);
    t.equal((await list(as.guardianB)).length, 8, "guardian B's shared-with-me view");
    t.equal((await get(as.teacherB, `/v1/strategy-resources/${pagingResource}/shares?limit=2`)).json().data.length, 2);
    t.equal((await get(as.teacherB, '/v1/resource-shares?cursor=garbage')).statusCode, 400);
    t.equal((await get(as.teacherB, '/v1/resource-shares?colour=red')).statusCode, 400);
    t.equal((await get(as.teacherB, `/v1/strategy-resources/${pagingResource}/shares?resourceId=${pagingResource}`)).statusCode, 400);
  });

  await t.test('Idempotency-Key on share and acknowledge', async (t) => {
    const key = { 'idempotency-key': 'share-calm-corner-rosa' };
    const first = await share(as.teacherA, resourceId, toMother, key);
    const replay = await share(as.teacherA, resourceId, toMother, key);
    t.equal(first.statusCode, 201);
    t.equal(replay.headers['idempotent-replayed'], 'true');
    t.same(replay.json(), first.json());
    t.equal((await share(as.teacherA, resourceId, { ...toMother, message: 'Other' }, key)).statusCode, 422);
  });

  await t.test('reads, lists and writes of shares are audited with the student', async (t) => {
    const created = (await share(as.teacherA, resourceId, toMother)).json();
    await get(as.guardianA, `/v1/resource-shares/${created.id}`);
    await list(as.guardianA);
    await acknowledge(as.guardianA, created.id);
    const rows = await app.db.selectFrom('auditEvents').select(['action', 'actorId', 'studentId'])
      .where('recordType', '=', 'resourceShare').where('recordId', '=', created.id).orderBy('id').execute();
    t.same(rows.map((r) => [r.action, r.actorId, r.studentId]), [
      ['create', d.teacherA, d.studentA], ['read', d.guardianA, d.studentA], ['list', d.guardianA, d.studentA], ['update', d.guardianA, d.studentA],
    ]);
  });
});
