// Progress events over REST: create, read, merge-patch, delete, idempotency, the goal and measure rules, paging and a goal's progress.
import t from 'tap';
import { startSeededApp } from '../helpers/app.ts';
import { insertGoal, progressEventExists, seedGoals, setGoalStatus } from './progress-events-fixtures.ts';

type Page = { data: Array<{ id: string; studentId: string; occurredAt: string }>; page: { nextCursor: string | null } };
const errorPaths = (body: { errors?: Array<{ path: string }> }) => (body.errors ?? []).map((e) => e.path);

t.test('progress events', async (t) => {
  const { app, d, as, database } = await startSeededApp(t);
  const g = await seedGoals(database.url, d);
  const post = (headers: object, payload: object, extra: object = {}) =>
    app.inject({ method: 'POST', url: '/v1/progress-events', headers: { ...headers, ...extra }, payload });
  const base = { studentId: d.studentA, occurredAt: '2026-09-10T15:00:00Z', kind: 'observation', note: 'Mateo joined the reading circle.' };

  await t.test('create: 201, Location, ETag, defaults, recorded by the teacher', async (t) => {
    const res = await post(as.teacherA, { ...base, goalId: g.percentA, kind: 'measurement', value: 60 });
    t.equal(res.statusCode, 201);
    const event = res.json();
    t.equal(res.headers.location, `/v1/progress-events/${event.id}`);
    t.match(res.headers.etag, /^"/);
    t.same({ ...event, id: undefined, createdAt: undefined, updatedAt: undefined }, {
      id: undefined, studentId: d.studentA, goalId: g.percentA, occurredAt: '2026-09-10T15:00:00.000Z', recordedByType: 'staff',
      recordedByStaffId: d.teacherA, recordedByGuardianId: null, setting: 'school', kind: 'measurement', value: 60,
      note: base.note, visibility: 'family', createdAt: undefined, updatedAt: undefined,
    });
    const read = await app.inject({ url: res.headers.location as string, headers: as.teacherA });
    t.equal(read.statusCode, 200);
    t.same(read.json(), event);
    t.equal(read.headers.etag, res.headers.etag);
    const notModified = await app.inject({ url: res.headers.location as string, headers: { ...as.teacherA, 'if-none-match': res.headers.etag as string } });
    t.equal(notModified.statusCode, 304);
  });

  await t.test('validation: unknown fields, enums, formats and missing fields name the field', async (t) => {
    const cases: Array<[object, string]> = [
      [{ ...base, mood: 'happy' }, '/body/mood'],
      [{ ...base, kind: 'vibe' }, '/body/kind'],
      [{ ...base, setting: 'park' }, '/body/setting'],
      [{ ...base, visibility: 'public' }, '/body/visibility'],
      [{ ...base, recordedByType: 'robot' }, '/body/recordedByType'],
      [{ ...base, occurredAt: 'yesterday' }, '/body/occurredAt'],
      [{ ...base, studentId: 'abc' }, '/body/studentId'],
      [{ ...base, goalId: 'abc' }, '/body/goalId'],
      [{ ...base, value: 'lots' }, '/body/value'],
      [{ ...base, note: 'x'.repeat(4001) }, '/body/note'],
      [{ studentId: d.studentA, occurredAt: base.occurredAt }, '/body/kind'],
    ];
    for (const [payload, path] of cases) {
      const res = await post(as.teacherA, payload);
      t.equal(res.statusCode, 400, path);
      t.match(res.headers['content-type'], /application\/problem\+json/);
      t.ok(errorPaths(res.json()).includes(path), `${path} in ${JSON.stringify(res.json().errors)}`);
    }
  });

  await t.test("rules: the goal must be one of the student's goals", async (t) => {
    const res = await post(as.teacherA, { ...base, goalId: g.percentA2 });
    t.equal(res.statusCode, 422);
    t.same(res.json().errors, [{ path: '/body/goalId', message: 'is not a goal of this student' }]);
    const otherStudent = await post(as.teacherA, { ...base, studentId: d.studentA2, goalId: g.percentA, kind: 'measurement', value: 10 });
    t.equal(otherStudent.statusCode, 422);
    t.same(errorPaths(otherStudent.json()), ['/body/goalId']);
    const invisibleStudent = await post(as.teacherA, { ...base, studentId: d.studentB });
    t.equal(invisibleStudent.statusCode, 422);
    t.same(errorPaths(invisibleStudent.json()), ['/body/studentId']);
  });

  await t.test('rules: a measurement needs a goal and a value that fits its measure', async (t) => {
    const refused: Array<[object, string[]]> = [
      [{ kind: 'measurement', goalId: g.percentA }, ['/body/value']],
      [{ kind: 'measurement', value: 3 }, ['/body/goalId']],
      [{ kind: 'measurement' }, ['/body/goalId', '/body/value']],
      [{ kind: 'observation', value: 3 }, ['/body/value']],
      [{ kind: 'measurement', goalId: g.percentA, value: 100.5 }, ['/body/value']],
      [{ kind: 'measurement', goalId: g.percentA, value: -1 }, ['/body/value']],
      [{ kind: 'measurement', goalId: g.ratingA, value: 6 }, ['/body/value']],
      [{ kind: 'measurement', goalId: g.ratingA, value: 0.5 }, ['/body/value']],
      [{ kind: 'measurement', goalId: g.yesNoA, value: 2 }, ['/body/value']],
      [{ kind: 'measurement', goalId: g.yesNoA, value: 0.5 }, ['/body/value']],
      [{ kind: 'measurement', goalId: g.countA, value: 2.5 }, ['/body/value']],
      [{ kind: 'measurement', goalId: g.countA, value: -1 }, ['/body/value']],
      [{ kind: 'measurement', goalId: g.notesA, value: 1 }, ['/body/value']],
      [{ kind: 'milestone', goalId: g.notesA, value: 1 }, ['/body/value']],
    ];
    for (const [fields, paths] of refused) {
      const res = await post(as.teacherA, { ...base, ...fields });
      t.equal(res.statusCode, 422, JSON.stringify(fields));
      t.same(errorPaths(res.json()), paths, JSON.stringify(fields));
    }
    const accepted: object[] = [
      { kind: 'measurement', goalId: g.percentA, value: 0 },
      { kind: 'measurement', goalId: g.percentA, value: 100 },
      { kind: 'measurement', goalId: g.ratingA, value: 1 },
      { kind: 'measurement', goalId: g.ratingA, value: 4.5 },
      { kind: 'measurement', goalId: g.yesNoA, value: 1 },
      { kind: 'measurement', goalId: g.countA, value: 0 },
      { kind: 'celebration', goalId: g.countA, value: 12 },
      { kind: 'milestone', goalId: g.notesA },
      { kind: 'setback', goalId: g.percentA, setting: 'home' },
    ];
    for (const fields of accepted) t.equal((await post(as.teacherA, { ...base, ...fields })).statusCode, 201, JSON.stringify(fields));
  });

  await t.test('rules: draft and discontinued goals take no new events; met, paused and active do', async (t) => {
    for (const goalId of [g.draftA, g.discontinuedA]) {
      const res = await post(as.teacherA, { ...base, goalId });
      t.equal(res.statusCode, 422);
      t.same(errorPaths(res.json()), ['/body/goalId']);
    }
    for (const goalId of [g.ratingA, g.yesNoA, g.percentA]) t.equal((await post(as.teacherA, { ...base, goalId })).statusCode, 201);
  });

  await t.test('rules: who recorded it is derived from the caller', async (t) => {
    const forStudent = await post(as.teacherA, { ...base, recordedByType: 'student', kind: 'milestone', note: 'I read a whole chapter!' });
    t.equal(forStudent.statusCode, 201);
    t.match(forStudent.json(), { recordedByType: 'student', recordedByStaffId: null, recordedByGuardianId: null });
    const asGuardian = await post(as.teacherA, { ...base, recordedByType: 'guardian' });
    t.equal(asGuardian.statusCode, 422);
    t.same(errorPaths(asGuardian.json()), ['/body/recordedByType']);
    const studentWithStaff = await post(as.schoolAdminA, { ...base, recordedByType: 'student', recordedByStaffId: d.teacherA });
    t.same(errorPaths(studentWithStaff.json()), ['/body/recordedByStaffId']);
    t.equal((await post(as.teacherA, { ...base, recordedByStaffId: d.teacherA2 })).statusCode, 403, 'teachers record in their own name');
    const adminNeedsStaff = await post(as.districtAdmin, base);
    t.equal(adminNeedsStaff.statusCode, 422);
    t.same(errorPaths(adminNeedsStaff.json()), ['/body/recordedByStaffId']);
    const adminNames = await post(as.districtAdmin, { ...base, recordedByStaffId: d.teacherA2 });
    t.equal(adminNames.statusCode, 201);
    t.equal(adminNames.json().recordedByStaffId, d.teacherA2);
    const schoolAdmin = await post(as.schoolAdminA, base);
    t.equal(schoolAdmin.json().recordedByStaffId, d.adminA, 'a school admin records in their own name by default');
  });

  await t.test('a guardian records a home celebration that the teacher then sees', async (t) => {
    const res = await post(as.guardianA, { ...base, kind: 'celebration', note: 'Read a bedtime story to his sister.', occurredAt: '2026-09-11T19:30:00Z' });
    t.equal(res.statusCode, 201);
    const event = res.json();
    t.match(event, { recordedByType: 'guardian', recordedByGuardianId: d.guardianA, recordedByStaffId: null, setting: 'home', visibility: 'family' });
    const seen = await app.inject({ url: `/v1/progress-events/${event.id}`, headers: as.teacherA });
    t.equal(seen.statusCode, 200);
    t.same(seen.json(), event);
    const listed = (await app.inject({ url: `/v1/progress-events?studentId=${d.studentA}&recordedByType=guardian&setting=home`, headers: as.teacherA })).json() as Page;
    t.ok(listed.data.some((e) => e.id === event.id));
    const onGoal = await post(as.guardianA, { ...base, kind: 'measurement', goalId: g.percentA, value: 75 });
    t.equal(onGoal.statusCode, 201, 'on a goal the guardian takes part in');
    const notPart = await post(as.guardianA, { ...base, goalId: g.notesA });
    t.equal(notPart.statusCode, 422);
    t.same(errorPaths(notPart.json()), ['/body/goalId']);
    const refused: Array<[object, string]> = [
      [{ setting: 'school' }, '/body/setting'],
      [{ visibility: 'staff' }, '/body/visibility'],
      [{ recordedByType: 'staff' }, '/body/recordedByType'],
      [{ recordedByStaffId: d.teacherA }, '/body/recordedByStaffId'],
    ];
    for (const [fields, path] of refused) {
      const bad = await post(as.guardianA, { ...base, ...fields });
      t.equal(bad.statusCode, 422, path);
      t.same(errorPaths(bad.json()), [path]);
    }
  });

  await t.test('404 for unknown and invisible ids', async (t) => {
    const unknown = await app.inject({ url: '/v1/progress-events/00000000-0000-4000-8000-000000000000', headers: as.teacherA });
    t.equal(unknown.statusCode, 404);
    t.equal(unknown.json().code, 'KINSHIP_NOT_FOUND');
    const created = (await post(as.teacherA, base)).json();
    t.equal((await app.inject({ url: `/v1/progress-events/${created.id}`, headers: as.teacherB })).statusCode, 404);
    t.equal((await app.inject({ method: 'PATCH', url: `/v1/progress-events/${created.id}`, headers: as.teacherB, payload: { note: 'x' } })).statusCode, 404);
    t.equal((await app.inject({ method: 'DELETE', url: `/v1/progress-events/${created.id}`, headers: as.teacherB })).statusCode, 404);
    t.equal((await app.inject({ url: '/v1/progress-events/not-a-uuid', headers: as.teacherA })).statusCode, 400);
  });

  await t.test('merge patch with If-Match; the rules hold on the result', async (t) => {
    const created = await post(as.teacherA, { ...base, goalId: g.percentA, kind: 'measurement', value: 40 });
    const { id } = created.json();
    const etag = created.headers.etag as string;
    const patch = (headers: object, payload: object) => app.inject({ method: 'PATCH', url: `/v1/progress-events/${id}`,
      headers: { ...headers, 'content-type': 'application/merge-patch+json' }, payload: JSON.stringify(payload) });
    t.equal((await patch({ ...as.teacherA, 'if-match': '"stale"' }, { value: 50 })).statusCode, 412);
    const ok = await patch({ ...as.teacherA, 'if-match': etag }, { value: 55, note: null });
    t.equal(ok.statusCode, 200);
    t.match(ok.json(), { value: 55, note: null, kind: 'measurement', goalId: g.percentA });
    t.not(ok.headers.etag, etag);
    t.equal((await patch({ ...as.teacherA, 'if-match': etag }, { value: 56 })).statusCode, 412, 'the old ETag no longer matches');
    const tooHigh = await patch(as.teacherA, { value: 150 });
    t.equal(tooHigh.statusCode, 422);
    t.same(errorPaths(tooHigh.json()), ['/body/value']);
    const otherStudentsGoal = await patch(as.teacherA, { goalId: g.percentA2 });
    t.equal(otherStudentsGoal.statusCode, 422);
    t.same(errorPaths(otherStudentsGoal.json()), ['/body/goalId']);
    t.same(errorPaths((await patch(as.teacherA, { goalId: g.discontinuedA })).json()), ['/body/goalId']);
    t.same(errorPaths((await patch(as.teacherA, { goalId: null })).json()), ['/body/goalId'], 'a measurement keeps its goal');
    t.same(errorPaths((await patch(as.teacherA, { value: null })).json()), ['/body/value'], 'a measurement keeps its value');
    const toCount = await patch(as.teacherA, { goalId: g.countA, value: 3 });
    t.equal(toCount.statusCode, 200);
    const toObservation = await patch(as.teacherA, { kind: 'observation', goalId: null, value: null });
    t.match(toObservation.json(), { kind: 'observation', goalId: null, value: null });
    t.equal((await patch(as.teacherA, {})).statusCode, 400);
    t.equal((await patch(as.teacherA, { kind: null })).statusCode, 400);
    t.equal((await patch(as.teacherA, { studentId: d.studentA2 })).statusCode, 400, 'the student never changes');
    t.equal((await patch(as.teacherA, { recordedByType: 'student' })).statusCode, 400, 'nor does the recorder');
    t.equal((await patch(as.schoolAdminA, { setting: 'home' })).statusCode, 200, 'admins may change it');
  });

  await t.test('an event stays on a goal that was discontinued after it was recorded', async (t) => {
    const goalId = await insertGoal(database.url, { studentId: d.studentA, title: 'Soon closed', measureType: 'count', status: 'active', createdBy: d.teacherA });
    const event = (await post(as.teacherA, { ...base, goalId, kind: 'measurement', value: 2 })).json();
    await setGoalStatus(database.url, goalId, 'discontinued');
    const res = await app.inject({ method: 'PATCH', url: `/v1/progress-events/${event.id}`, headers: as.teacherA, payload: { note: 'Clarified', value: 3 } });
    t.equal(res.statusCode, 200);
    t.match(res.json(), { goalId, value: 3, note: 'Clarified' });
    t.equal((await post(as.teacherA, { ...base, goalId })).statusCode, 422);
  });

  await t.test('a guardian of another family gets 404 by id and nothing by filter', async (t) => {
    const familyEvent = (await post(as.teacherA, { ...base, kind: 'celebration', visibility: 'family' })).json();
    t.equal((await app.inject({ url: `/v1/progress-events/${familyEvent.id}`, headers: as.guardianB })).statusCode, 404);
    t.equal((await app.inject({ method: 'PATCH', url: `/v1/progress-events/${familyEvent.id}`, headers: as.guardianB, payload: { note: 'x' } })).statusCode, 404);
    for (const query of [`studentId=${d.studentA}`, `schoolId=${d.schoolA}`, `classId=${d.classA}`, `goalId=${g.percentA}`, 'limit=500']) {
      const list = (await app.inject({ url: `/v1/progress-events?${query}`, headers: as.guardianB })).json() as Page;
      t.ok(list.data.every((e) => e.studentId === d.studentB), query);
    }
    t.equal((await app.inject({ url: `/v1/goals/${g.percentA}/progress`, headers: as.guardianB })).statusCode, 404);
    const forOtherChild = await post(as.guardianB, { ...base, kind: 'celebration' });
    t.equal(forOtherChild.statusCode, 422);
    t.same(errorPaths(forOtherChild.json()), ['/body/studentId']);
  });

  await t.test('delete with If-Match is a hard delete', async (t) => {
    const created = await post(as.teacherA, base);
    const { id } = created.json();
    t.equal((await app.inject({ method: 'DELETE', url: `/v1/progress-events/${id}`, headers: { ...as.teacherA, 'if-match': '"nope"' } })).statusCode, 412);
    const del = await app.inject({ method: 'DELETE', url: `/v1/progress-events/${id}`, headers: { ...as.teacherA, 'if-match': created.headers.etag as string } });
    t.equal(del.statusCode, 204);
    t.equal((await app.inject({ url: `/v1/progress-events/${id}`, headers: as.teacherA })).statusCode, 404);
    t.notOk(await progressEventExists(database.url, id));
  });

  await t.test('Idempotency-Key: a replay returns the first response; another body is 422', async (t) => {
    const key = { 'idempotency-key': 'progress-2026-09-10-mateo' };
    const first = await post(as.teacherA, base, key);
    const replay = await post(as.teacherA, base, key);
    t.equal(first.statusCode, 201);
    t.equal(replay.statusCode, 201);
    t.equal(replay.headers['idempotent-replayed'], 'true');
    t.same(replay.json(), first.json());
    t.equal(replay.headers.location, first.headers.location);
    t.equal((await post(as.teacherA, { ...base, note: 'Something else' }, key)).statusCode, 422);
  });

  await t.test('lists: filters, stable keyset paging with inserts between pages', async (t) => {
    for (let i = 0; i < 7; i++) {
      await post(as.teacherB, { studentId: d.studentB, goalId: i < 4 ? g.countB : undefined, occurredAt: `2026-10-0${i + 1}T10:00:00Z`,
        kind: i % 2 ? 'celebration' : 'observation', setting: i % 3 ? 'school' : 'home', note: `Note ${i}` });
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res = await app.inject({ url: `/v1/progress-events?studentId=${d.studentB}&limit=3${cursor ? `&cursor=${cursor}` : ''}`, headers: as.teacherB });
      t.equal(res.statusCode, 200);
      const body = res.json() as Page;
      seen.push(...body.data.map((e) => e.id));
      cursor = body.page.nextCursor;
      if (pages === 0) await post(as.teacherB, { studentId: d.studentB, occurredAt: '2026-12-01T10:00:00Z', kind: 'milestone', note: 'Late insert' });
      pages++;
    } while (cursor);
    t.equal(pages, 3);
    t.equal(seen.length, 7);
    t.equal(new Set(seen).size, 7, 'no duplicates');
    const count = async (query: string, headers = as.teacherB) => ((await app.inject({ url: `/v1/progress-events?${query}`, headers })).json() as Page).data.length;
    t.equal(await count(`studentId=${d.studentB}&kind=celebration`), 3);
    t.equal(await count(`studentId=${d.studentB}&setting=home`), 3);
    t.equal(await count(`goalId=${g.countB}`), 4);
    t.equal(await count(`studentId=${d.studentB}&from=2026-10-02T00:00:00Z&to=2026-10-04T00:00:00Z`), 2);
    t.equal(await count(`q=${encodeURIComponent('Note 3')}`), 1);
    t.equal(await count(`classId=${d.classB}&recordedByStaffId=${d.teacherB}`), 8);
    t.equal(await count(`schoolId=${d.schoolB}&visibility=staff`), 0);
    t.equal(await count('updatedSince=2999-01-01T00:00:00Z'), 0);
    t.equal(await count(`schoolId=${d.schoolB}`, as.teacherA), 0, 'a filter cannot widen visibility');
    t.equal(await count(`goalId=${g.countB}`, as.teacherA), 0);
    const micro = ['2026-11-01T10:00:00.000001Z', '2026-11-01T10:00:00.000002Z', '2026-11-01T10:00:00.000003Z'];
    for (const occurredAt of micro) await post(as.teacherB, { studentId: d.studentB, occurredAt, kind: 'observation', note: 'Same millisecond' });
    const sameMs: string[] = [];
    for (let next: string | null = '', i = 0; next !== null && i < 5; i++) {
      const body = (await app.inject({ url: `/v1/progress-events?q=${encodeURIComponent('Same millisecond')}&limit=1${next ? `&cursor=${next}` : ''}`, headers: as.teacherB })).json() as Page;
      sameMs.push(...body.data.map((e) => e.id));
      next = body.page.nextCursor;
    }
    t.equal(new Set(sameMs).size, 3, 'events within one millisecond are paged without gaps');
    const forged = Buffer.from(JSON.stringify(['not a time', d.studentB])).toString('base64url');
    for (const query of ['cursor=garbage', `cursor=${forged}`, 'limit=501', 'colour=red', 'kind=vibe', 'from=yesterday']) {
      t.equal((await app.inject({ url: `/v1/progress-events?${query}`, headers: as.teacherB })).statusCode, 400, query);
    }
  });

  await t.test("a goal's progress: newest or oldest first, paged; 404 when the goal is not visible", async (t) => {
    const url = `/v1/goals/${g.countB}/progress`;
    const newest = (await app.inject({ url, headers: as.teacherB })).json() as Page;
    t.equal(newest.data.length, 4);
    t.same(newest.data.map((e) => e.occurredAt), ['2026-10-04T10:00:00.000Z', '2026-10-03T10:00:00.000Z', '2026-10-02T10:00:00.000Z', '2026-10-01T10:00:00.000Z']);
    const oldest: string[] = [];
    let cursor: string | null = null;
    do {
      const body: Page = (await app.inject({ url: `${url}?order=oldest&limit=3${cursor ? `&cursor=${cursor}` : ''}`, headers: as.teacherB })).json();
      oldest.push(...body.data.map((e) => e.occurredAt));
      cursor = body.page.nextCursor;
    } while (cursor);
    t.same(oldest, [...newest.data.map((e) => e.occurredAt)].reverse());
    t.equal(((await app.inject({ url: `${url}?kind=celebration`, headers: as.teacherB })).json() as Page).data.length, 2);
    t.equal((await app.inject({ url, headers: as.teacherA })).statusCode, 404, 'a teacher of another school');
    t.equal((await app.inject({ url: '/v1/goals/00000000-0000-4000-8000-000000000000/progress', headers: as.districtAdmin })).statusCode, 404);
    t.equal((await app.inject({ url: `${url}?order=sideways`, headers: as.teacherB })).statusCode, 400);
    t.equal((await app.inject({ url: `${url}?studentId=${d.studentB}`, headers: as.teacherB })).statusCode, 400, 'the goal is the filter');
  });
});
