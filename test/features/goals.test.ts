// Goals over REST: create, read, merge-patch, status moves and reopen, measure rules, delete, idempotency, audit.
import t from 'tap';
import { startSeededApp } from '../helpers/app.ts';

const MERGE = { 'content-type': 'application/merge-patch+json' };

t.test('goals', async (t) => {
  const { app, d, as } = await startSeededApp(t);
  const post = (headers: Record<string, string>, payload: object, extra: object = {}) =>
    app.inject({ method: 'POST', url: '/v1/goals', headers: { ...headers, ...extra }, payload });
  const patch = (headers: Record<string, string>, id: string, payload: object, extra: object = {}) =>
    app.inject({ method: 'PATCH', url: `/v1/goals/${id}`, headers: { ...headers, ...MERGE, ...extra }, payload: JSON.stringify(payload) });
  const reopen = (headers: Record<string, string>, id: string, extra: object = {}) =>
    app.inject({ method: 'POST', url: `/v1/goals/${id}/reopen`, headers: { ...headers, ...extra } });
  const base = { studentId: d.studentA, title: 'Uses calm-down corner when upset', domain: 'social_emotional' };

  await t.test('create: 201, Location, ETag, defaults, creator is the teacher', async (t) => {
    const res = await post(as.teacherA, { ...base, description: 'Practised at home and at school', startDate: '2026-09-01', targetDate: '2026-12-15' });
    t.equal(res.statusCode, 201);
    const goal = res.json();
    t.equal(res.headers.location, `/v1/goals/${goal.id}`);
    t.match(res.headers.etag, /^"/);
    t.match(goal, {
      studentId: d.studentA, createdBy: d.teacherA, status: 'draft', setting: 'both', measureType: 'note_only',
      baseline: null, target: null, ratingMin: null, ratingMax: null, startDate: '2026-09-01', targetDate: '2026-12-15',
    });
    t.equal(goal.statusChangedAt, goal.createdAt);
    const read = await app.inject({ url: res.headers.location as string, headers: as.teacherA });
    t.equal(read.statusCode, 200);
    t.same(read.json(), goal);
    t.equal(read.headers.etag, res.headers.etag);
    const notModified = await app.inject({ url: res.headers.location as string, headers: { ...as.teacherA, 'if-none-match': res.headers.etag as string } });
    t.equal(notModified.statusCode, 304);
    const rating = await post(as.teacherA, { ...base, status: 'active', measureType: 'rating', ratingMin: 1, ratingMax: 5, baseline: 2, target: 4 });
    t.equal(rating.statusCode, 201);
    t.match(rating.json(), { status: 'active', ratingMin: 1, ratingMax: 5, baseline: 2, target: 4 });
  });

  await t.test('validation: unknown fields, enums, formats and missing fields name the field', async (t) => {
    const cases: Array<[object, string]> = [
      [{ ...base, colour: 'red' }, '/body/colour'],
      [{ ...base, domain: 'sports' }, '/body/domain'],
      [{ ...base, status: 'met' }, '/body/status'],
      [{ ...base, title: '' }, '/body/title'],
      [{ ...base, startDate: 'soon' }, '/body/startDate'],
      [{ ...base, baseline: 'low' }, '/body/baseline'],
      [{ studentId: d.studentA, domain: 'academic' }, '/body/title'],
    ];
    for (const [payload, path] of cases) {
      const res = await post(as.teacherA, payload);
      t.equal(res.statusCode, 400, path);
      t.ok(res.json().errors.some((e: { path: string }) => e.path === path), `${path} in ${JSON.stringify(res.json().errors)}`);
    }
  });

  await t.test('measure rules on create: 422 naming each field', async (t) => {
    const cases: Array<[object, string[]]> = [
      [{ measureType: 'percent', baseline: 40, target: 120 }, ['/body/target']],
      [{ measureType: 'percent', baseline: -1 }, ['/body/baseline']],
      [{ measureType: 'rating', baseline: 2 }, ['/body/ratingMin', '/body/ratingMax']],
      [{ measureType: 'rating', ratingMin: 5, ratingMax: 5 }, ['/body/ratingMax']],
      [{ measureType: 'rating', ratingMin: 1, ratingMax: 5, baseline: 0, target: 6 }, ['/body/baseline', '/body/target']],
      [{ measureType: 'yes_no', target: 2 }, ['/body/target']],
      [{ measureType: 'count', target: 2.5 }, ['/body/target']],
      [{ measureType: 'note_only', baseline: 3 }, ['/body/baseline']],
      [{ measureType: 'percent', ratingMin: 1 }, ['/body/ratingMin']],
      [{ startDate: '2026-10-01', targetDate: '2026-09-01' }, ['/body/targetDate']],
    ];
    for (const [extra, paths] of cases) {
      const res = await post(as.teacherA, { ...base, ...extra });
      t.equal(res.statusCode, 422, JSON.stringify(extra));
      t.same(res.json().errors.map((e: { path: string }) => e.path), paths, JSON.stringify(res.json().errors));
    }
    t.equal((await post(as.teacherA, { ...base, measureType: 'yes_no', baseline: 0, target: 1 })).statusCode, 201);
    t.equal((await post(as.teacherA, { ...base, measureType: 'count', baseline: 5, target: 0 })).statusCode, 201);
  });

  await t.test('measure rules on patch apply to the merged goal', async (t) => {
    const created = (await post(as.teacherA, { ...base, measureType: 'percent', baseline: 40, target: 80, startDate: '2026-09-01' })).json();
    const toYesNo = await patch(as.teacherA, created.id, { measureType: 'yes_no' });
    t.equal(toYesNo.statusCode, 422);
    t.same(toYesNo.json().errors.map((e: { path: string }) => e.path), ['/body/baseline', '/body/target']);
    const backwards = await patch(as.teacherA, created.id, { targetDate: '2026-08-01' });
    t.equal(backwards.statusCode, 422);
    t.same(backwards.json().errors, [{ path: '/body/targetDate', message: 'must not be before startDate' }]);
    const toRating = await patch(as.teacherA, created.id, { measureType: 'rating', ratingMin: 0, ratingMax: 4 });
    t.equal(toRating.statusCode, 422, 'baseline 40 and target 80 are off a 0–4 scale');
    const ok = await patch(as.teacherA, created.id, { measureType: 'rating', ratingMin: 0, ratingMax: 4, baseline: 1, target: 3, description: null });
    t.equal(ok.statusCode, 200);
    t.match(ok.json(), { measureType: 'rating', ratingMin: 0, ratingMax: 4, baseline: 1, target: 3, description: null, title: base.title });
    const narrow = await patch(as.teacherA, created.id, { ratingMax: 2 });
    t.equal(narrow.statusCode, 422);
    t.same(narrow.json().errors.map((e: { path: string }) => e.path), ['/body/target']);
    t.equal((await patch(as.teacherA, created.id, { title: null })).statusCode, 400);
    t.equal((await patch(as.teacherA, created.id, {})).statusCode, 400);
    t.equal((await patch(as.teacherA, created.id, { studentId: d.studentA2 })).statusCode, 400, 'a goal does not move to another student');
  });

  await t.test('status: draft → active → paused; back to active only by reopen; statusChangedAt moves', async (t) => {
    const draft = (await post(as.teacherA, base)).json();
    const same = await patch(as.teacherA, draft.id, { status: 'draft', title: 'Calm-down corner' });
    t.equal(same.statusCode, 200);
    t.equal(same.json().statusChangedAt, draft.statusChangedAt, 'no status change, no move');
    const active = await patch(as.teacherA, draft.id, { status: 'active' });
    t.equal(active.statusCode, 200);
    t.equal(active.json().status, 'active');
    t.not(active.json().statusChangedAt, draft.statusChangedAt);
    const toDraft = await patch(as.teacherA, draft.id, { status: 'draft' });
    t.equal(toDraft.statusCode, 422);
    t.equal(toDraft.json().errors[0].path, '/body/status');
    const paused = await patch(as.teacherA, draft.id, { status: 'paused' });
    t.equal(paused.statusCode, 200);
    t.not(paused.json().statusChangedAt, active.json().statusChangedAt);
    const patchBack = await patch(as.teacherA, draft.id, { status: 'active' });
    t.equal(patchBack.statusCode, 422);
    t.same(patchBack.json().errors, [{ path: '/body/status', message: 'cannot move from paused to active; reopen the goal instead' }]);
    t.equal((await patch(as.teacherA, draft.id, { status: 'met' })).statusCode, 422, 'paused → met needs a reopen first');
    const stale = await reopen(as.teacherA, draft.id, { 'if-match': active.headers.etag as string });
    t.equal(stale.statusCode, 412);
    const reopened = await reopen(as.teacherA, draft.id, { 'if-match': paused.headers.etag as string });
    t.equal(reopened.statusCode, 200);
    t.equal(reopened.json().status, 'active');
    t.not(reopened.json().statusChangedAt, paused.json().statusChangedAt);
    t.match(reopened.headers.etag, /^"/);
    const again = await reopen(as.teacherA, draft.id);
    t.equal(again.statusCode, 409, 'an active goal is not reopened');
    const met = await patch(as.teacherA, draft.id, { status: 'met' });
    t.equal(met.statusCode, 200);
    t.equal((await patch(as.teacherA, draft.id, { status: 'paused' })).statusCode, 422);
    t.equal((await patch(as.teacherA, draft.id, { status: 'active' })).statusCode, 422);
    t.equal((await reopen(as.teacherA, draft.id)).json().status, 'active');
    t.equal((await patch(as.teacherA, draft.id, { status: 'discontinued' })).json().status, 'discontinued');
    t.equal((await reopen(as.teacherA, draft.id)).json().status, 'active');
    const other = (await post(as.teacherA, base)).json();
    t.equal((await patch(as.teacherA, other.id, { status: 'discontinued' })).json().status, 'discontinued', 'a draft may be dropped');
    t.equal((await reopen(as.teacherA, (await post(as.teacherA, base)).json().id)).statusCode, 409, 'a draft is not reopened');
    t.equal((await reopen(as.guardianA, other.id)).statusCode, 404);
  });

  await t.test('merge patch honours If-Match', async (t) => {
    const created = await post(as.teacherA, base);
    const id = created.json().id;
    t.equal((await patch(as.teacherA, id, { title: 'x' }, { 'if-match': '"stale"' })).statusCode, 412);
    const ok = await patch(as.teacherA, id, { title: 'Asks for a break' }, { 'if-match': created.headers.etag as string });
    t.equal(ok.statusCode, 200);
    t.not(ok.headers.etag, created.headers.etag);
    t.equal((await patch(as.teacherA, id, { title: 'y' }, { 'if-match': created.headers.etag as string })).statusCode, 412);
  });

  await t.test('delete: only a draft without progress; otherwise 409, discontinue instead', async (t) => {
    const draft = await post(as.teacherA, base);
    const id = draft.json().id;
    t.equal((await app.inject({ method: 'DELETE', url: `/v1/goals/${id}`, headers: { ...as.teacherA, 'if-match': '"nope"' } })).statusCode, 412);
    const del = await app.inject({ method: 'DELETE', url: `/v1/goals/${id}`, headers: { ...as.teacherA, 'if-match': draft.headers.etag as string } });
    t.equal(del.statusCode, 204);
    t.equal((await app.inject({ url: `/v1/goals/${id}`, headers: as.teacherA })).statusCode, 404);
    const active = (await post(as.teacherA, { ...base, status: 'active' })).json();
    const refused = await app.inject({ method: 'DELETE', url: `/v1/goals/${active.id}`, headers: as.teacherA });
    t.equal(refused.statusCode, 409);
    t.match(refused.json().detail, /discontinued/);
    const withProgress = (await post(as.teacherA, base)).json();
    await app.db.insertInto('progressEvents').values({
      studentId: d.studentA, goalId: withProgress.id, occurredAt: '2026-09-20T10:00:00Z', recordedByType: 'staff',
      recordedByStaffId: d.teacherA, setting: 'school', kind: 'observation', note: 'Used the corner twice',
    }).execute();
    const historic = await app.inject({ method: 'DELETE', url: `/v1/goals/${withProgress.id}`, headers: as.teacherA });
    t.equal(historic.statusCode, 409);
    t.match(historic.json().detail, /progress events/);
    t.equal((await app.inject({ url: `/v1/goals/${withProgress.id}`, headers: as.teacherA })).statusCode, 200);
  });

  await t.test('Idempotency-Key: a replay returns the first response; another body is 422', async (t) => {
    const key = { 'idempotency-key': 'goal-calm-corner-1' };
    const first = await post(as.teacherA, base, key);
    const replay = await post(as.teacherA, base, key);
    t.equal(first.statusCode, 201);
    t.equal(replay.statusCode, 201);
    t.equal(replay.headers['idempotent-replayed'], 'true');
    t.same(replay.json(), first.json());
    t.equal(replay.headers.location, first.headers.location);
    t.equal((await post(as.teacherA, { ...base, title: 'Other' }, key)).statusCode, 422);
    const count = await app.db.selectFrom('goals').select((eb) => eb.fn.countAll<number>().as('n')).where('title', '=', base.title)
      .where('id', '=', first.json().id).executeTakeFirstOrThrow();
    t.equal(Number(count.n), 1);
  });

  await t.test('audit: reads, lists and writes leave rows; writes in the same transaction', async (t) => {
    const created = await post(as.teacherA, { ...base, title: 'Audited goal' }, { 'x-request-id': 'goal-audit-create' });
    const id = created.json().id;
    await app.inject({ url: `/v1/goals/${id}`, headers: { ...as.schoolAdminA, 'x-request-id': 'goal-audit-read' } });
    await app.inject({ url: `/v1/goals?q=${encodeURIComponent('Audited goal')}`, headers: { ...as.teacherA, 'x-request-id': 'goal-audit-list' } });
    await patch(as.teacherA, id, { status: 'active' }, { 'x-request-id': 'goal-audit-update' });
    await patch(as.teacherA, id, { status: 'draft' }, { 'x-request-id': 'goal-audit-refused' });
    const rows = await app.db.selectFrom('auditEvents').select(['action', 'actorId', 'actorRole', 'recordType', 'studentId', 'requestId'])
      .where('recordId', '=', id).orderBy('id').execute();
    t.same(rows.map((r) => [r.action, r.requestId]), [
      ['create', 'goal-audit-create'], ['read', 'goal-audit-read'], ['list', 'goal-audit-list'], ['update', 'goal-audit-update'],
    ], 'the refused patch left no row');
    t.match(rows[0], { actorId: d.teacherA, actorRole: 'teacher', recordType: 'goal', studentId: d.studentA });
    t.match(rows[1], { actorId: d.adminA, actorRole: 'school_admin' });
  });
});
