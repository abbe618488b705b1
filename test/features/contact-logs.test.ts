// Contact logs over REST: create, read, list with filters and paging, merge-patch with If-Match, delete, idempotency, rules.
import t from 'tap';
import { startSeededApp } from '../helpers/app.ts';

t.test('contact logs', async (t) => {
  const { app, d, as } = await startSeededApp(t);
  const post = (headers: object, payload: object, extra: object = {}) =>
    app.inject({ method: 'POST', url: '/v1/contact-logs', headers: { ...headers, ...extra }, payload });
  const base = { studentId: d.studentA, occurredAt: '2026-09-10T15:00:00Z', channel: 'phone', purpose: 'strength', summary: 'Mateo helped a classmate who was upset.' };

  await t.test('create: 201, Location, ETag, defaults, author is the teacher', async (t) => {
    const res = await post(as.teacherA, { ...base, guardianIds: [d.guardianA], familyInput: 'Mom says he does this with his sister too.', language: 'es', interpreterUsed: true });
    t.equal(res.statusCode, 201);
    const log = res.json();
    t.equal(res.headers.location, `/v1/contact-logs/${log.id}`);
    t.match(res.headers.etag, /^"/);
    t.match(log, { studentId: d.studentA, authorId: d.teacherA, guardianIds: [d.guardianA], direction: 'outbound', visibility: 'staff', interpreterUsed: true, language: 'es', staffNote: null });
    t.equal(log.occurredAt, '2026-09-10T15:00:00.000Z');
    const read = await app.inject({ url: res.headers.location as string, headers: as.teacherA });
    t.equal(read.statusCode, 200);
    t.same(read.json(), log);
    t.equal(read.headers.etag, res.headers.etag);
    const notModified = await app.inject({ url: res.headers.location as string, headers: { ...as.teacherA, 'if-none-match': res.headers.etag as string } });
    t.equal(notModified.statusCode, 304);
  });

  await t.test('validation: unknown fields, bad enums, formats and missing fields name the field', async (t) => {
    const cases: Array<[object, string]> = [
      [{ ...base, mood: 'happy' }, '/body/mood'],
      [{ ...base, channel: 'pigeon' }, '/body/channel'],
      [{ ...base, language: 'not a tag' }, '/body/language'],
      [{ ...base, occurredAt: 'yesterday' }, '/body/occurredAt'],
      [{ ...base, studentId: 'abc' }, '/body/studentId'],
      [{ ...base, summary: '' }, '/body/summary'],
      [{ ...base, durationMinutes: -5 }, '/body/durationMinutes'],
      [{ studentId: d.studentA }, '/body/occurredAt'],
    ];
    for (const [payload, path] of cases) {
      const res = await post(as.teacherA, payload);
      t.equal(res.statusCode, 400, path);
      t.match(res.headers['content-type'], /application\/problem\+json/);
      t.ok(res.json().errors.some((e: { path: string }) => e.path === path), `${path} in ${JSON.stringify(res.json().errors)}`);
    }
    const huge = await app.inject({ method: 'POST', url: '/v1/contact-logs', headers: { ...as.teacherA, 'content-type': 'application/json' }, payload: JSON.stringify({ ...base, summary: 'x'.repeat(2_000_000) }) });
    t.equal(huge.statusCode, 413);
    t.equal(huge.json().code, 'KINSHIP_PAYLOAD_TOO_LARGE');
    const xml = await app.inject({ method: 'POST', url: '/v1/contact-logs', headers: { ...as.teacherA, 'content-type': 'application/xml' }, payload: '<log/>' });
    t.equal(xml.statusCode, 415);
    t.match(xml.headers['content-type'], /application\/problem\+json/);
    const notJson = await app.inject({ method: 'POST', url: '/v1/contact-logs', headers: { ...as.teacherA, 'content-type': 'application/json' }, payload: '{"studentId":' });
    t.equal(notJson.statusCode, 400);
  });

  await t.test('rules: guardians must be linked to the student; students must be visible', async (t) => {
    const wrongGuardian = await post(as.teacherA, { ...base, guardianIds: [d.guardianA, d.guardianB] });
    t.equal(wrongGuardian.statusCode, 422);
    t.same(wrongGuardian.json().errors, [{ path: '/body/guardianIds/1', message: 'is not a guardian linked to the student' }]);
    const otherSchool = await post(as.teacherA, { ...base, studentId: d.studentB });
    t.equal(otherSchool.statusCode, 422);
    t.same(otherSchool.json().errors, [{ path: '/body/studentId', message: 'is not a student you can see' }]);
    const guardian = await post(as.guardianA, base);
    t.equal(guardian.statusCode, 403);
    const adminNeedsAuthor = await post(as.districtAdmin, base);
    t.equal(adminNeedsAuthor.statusCode, 422);
    const adminNamesAuthor = await post(as.districtAdmin, { ...base, authorId: d.teacherA2 });
    t.equal(adminNamesAuthor.statusCode, 201);
    t.equal(adminNamesAuthor.json().authorId, d.teacherA2);
  });

  await t.test('404 for unknown and invisible ids', async (t) => {
    const unknown = await app.inject({ url: '/v1/contact-logs/00000000-0000-4000-8000-000000000000', headers: as.teacherA });
    t.equal(unknown.statusCode, 404);
    t.equal(unknown.json().code, 'KINSHIP_NOT_FOUND');
    const created = (await post(as.teacherA, base)).json();
    const invisible = await app.inject({ url: `/v1/contact-logs/${created.id}`, headers: as.teacherB });
    t.equal(invisible.statusCode, 404);
    const badId = await app.inject({ url: '/v1/contact-logs/not-a-uuid', headers: as.teacherA });
    t.equal(badId.statusCode, 400);
  });

  await t.test('merge patch with If-Match; only the author or an admin may change it', async (t) => {
    const created = await post(as.teacherA, { ...base, followUpDue: '2026-09-17', staffNote: 'Call back after the IEP meeting' });
    const id = created.json().id;
    const etag = created.headers.etag as string;
    const stale = await app.inject({ method: 'PATCH', url: `/v1/contact-logs/${id}`, headers: { ...as.teacherA, 'if-match': '"stale"', 'content-type': 'application/merge-patch+json' }, payload: JSON.stringify({ summary: 'x' }) });
    t.equal(stale.statusCode, 412);
    const ok = await app.inject({ method: 'PATCH', url: `/v1/contact-logs/${id}`, headers: { ...as.teacherA, 'if-match': etag, 'content-type': 'application/merge-patch+json' }, payload: JSON.stringify({ followUpDoneAt: '2026-09-16T12:00:00Z', staffNote: null }) });
    t.equal(ok.statusCode, 200);
    t.match(ok.json(), { followUpDue: '2026-09-17', followUpDoneAt: '2026-09-16T12:00:00.000Z', staffNote: null, summary: base.summary });
    t.not(ok.headers.etag, etag);
    const again = await app.inject({ method: 'PATCH', url: `/v1/contact-logs/${id}`, headers: { ...as.teacherA, 'if-match': etag }, payload: { summary: 'y' } });
    t.equal(again.statusCode, 412, 'the old ETag no longer matches');
    const otherTeacher = await app.inject({ method: 'PATCH', url: `/v1/contact-logs/${id}`, headers: as.teacherA2, payload: { summary: 'z' } });
    t.equal(otherTeacher.statusCode, 404, 'teacher A2 teaches no class of the student');
    const admin = await app.inject({ method: 'PATCH', url: `/v1/contact-logs/${id}`, headers: as.schoolAdminA, payload: { purpose: 'update' } });
    t.equal(admin.statusCode, 200);
    const emptyPatch = await app.inject({ method: 'PATCH', url: `/v1/contact-logs/${id}`, headers: as.teacherA, payload: {} });
    t.equal(emptyPatch.statusCode, 400);
    const nullRequired = await app.inject({ method: 'PATCH', url: `/v1/contact-logs/${id}`, headers: as.teacherA, payload: { summary: null } });
    t.equal(nullRequired.statusCode, 400);
  });

  await t.test('delete with If-Match', async (t) => {
    const created = await post(as.teacherA, base);
    const id = created.json().id;
    const stale = await app.inject({ method: 'DELETE', url: `/v1/contact-logs/${id}`, headers: { ...as.teacherA, 'if-match': '"nope"' } });
    t.equal(stale.statusCode, 412);
    const del = await app.inject({ method: 'DELETE', url: `/v1/contact-logs/${id}`, headers: { ...as.teacherA, 'if-match': created.headers.etag as string } });
    t.equal(del.statusCode, 204);
    t.equal((await app.inject({ url: `/v1/contact-logs/${id}`, headers: as.teacherA })).statusCode, 404);
  });

  await t.test('Idempotency-Key: a replay returns the first response; another body is 422', async (t) => {
    const key = { 'idempotency-key': 'log-2026-09-10-mateo' };
    const first = await post(as.teacherA, base, key);
    const replay = await post(as.teacherA, base, key);
    t.equal(first.statusCode, 201);
    t.equal(replay.statusCode, 201);
    t.equal(replay.headers['idempotent-replayed'], 'true');
    t.same(replay.json(), first.json());
    t.equal(replay.headers.location, first.headers.location);
    const different = await post(as.teacherA, { ...base, summary: 'Something else' }, key);
    t.equal(different.statusCode, 422);
    const otherUser = await post(as.schoolAdminA, { ...base, authorId: d.teacherA }, key);
    t.equal(otherUser.statusCode, 201, 'keys are per caller');
    t.not(otherUser.json().id, first.json().id);
  });

  await t.test('guardians see family-visible logs of their children, without staff notes', async (t) => {
    const familyLog = (await post(as.teacherA, { ...base, visibility: 'family', staffNote: 'private', purpose: 'celebration' })).json();
    const staffLog = (await post(as.teacherA, { ...base, visibility: 'staff' })).json();
    const mine = await app.inject({ url: `/v1/contact-logs/${familyLog.id}`, headers: as.guardianA });
    t.equal(mine.statusCode, 200);
    t.notOk('staffNote' in mine.json());
    t.equal((await app.inject({ url: `/v1/contact-logs/${staffLog.id}`, headers: as.guardianA })).statusCode, 404);
    t.equal((await app.inject({ url: `/v1/contact-logs/${familyLog.id}`, headers: as.guardianB })).statusCode, 404);
    const list = (await app.inject({ url: '/v1/contact-logs?limit=500', headers: as.guardianA })).json();
    t.ok(list.data.length > 0);
    t.ok(list.data.every((l: { visibility: string; studentId: string }) => l.visibility === 'family' && l.studentId === d.studentA));
  });

  await t.test('lists: filters, stable keyset paging with inserts between pages', async (t) => {
    for (let i = 0; i < 7; i++) {
      await post(as.teacherB, { studentId: d.studentB, occurredAt: `2026-10-0${i + 1}T10:00:00Z`, channel: i % 2 ? 'email' : 'text', purpose: i % 3 ? 'concern' : 'strength', summary: `Note ${i}` });
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res: { statusCode: number; json(): { data: Array<{ id: string }>; page: { nextCursor: string | null } } } = await app.inject({ url: `/v1/contact-logs?studentId=${d.studentB}&limit=3${cursor ? `&cursor=${cursor}` : ''}`, headers: as.teacherB });
      t.equal(res.statusCode, 200);
      const body = res.json();
      seen.push(...body.data.map((l) => l.id));
      cursor = body.page.nextCursor;
      if (pages === 0) {
        // Inserted between pages: newer than anything already paged, so it never shows up late or twice.
        await post(as.teacherB, { studentId: d.studentB, occurredAt: '2026-12-01T10:00:00Z', channel: 'phone', purpose: 'update', summary: 'Late insert' });
      }
      pages++;
    } while (cursor);
    t.equal(pages, 3);
    t.equal(seen.length, 7);
    t.equal(new Set(seen).size, 7, 'no duplicates');
    const byPurpose = (await app.inject({ url: `/v1/contact-logs?studentId=${d.studentB}&purpose=strength`, headers: as.teacherB })).json();
    t.equal(byPurpose.data.length, 3);
    const byRange = (await app.inject({ url: `/v1/contact-logs?studentId=${d.studentB}&from=2026-10-02T00:00:00Z&to=2026-10-04T00:00:00Z`, headers: as.teacherB })).json();
    t.equal(byRange.data.length, 2);
    const byText = (await app.inject({ url: `/v1/contact-logs?q=${encodeURIComponent('Note 3')}`, headers: as.teacherB })).json();
    t.equal(byText.data.length, 1);
    const bySchool = (await app.inject({ url: `/v1/contact-logs?schoolId=${d.schoolB}`, headers: as.teacherA })).json();
    t.same(bySchool.data, [], 'a filter cannot widen visibility');
    // Times closer than a millisecond: a cursor that dropped microseconds would skip or repeat these.
    for (const micro of ['000100', '000200', '000300']) {
      await post(as.teacherB, { studentId: d.studentB, occurredAt: `2026-11-05T10:00:00.${micro}Z`, channel: 'phone', purpose: 'update', summary: `Micro ${micro}` });
    }
    const micro: string[] = [];
    let microCursor: string | null = null;
    do {
      const res: { json(): { data: Array<{ id: string }>; page: { nextCursor: string | null } } } = await app.inject({ url: `/v1/contact-logs?studentId=${d.studentB}&from=2026-11-05T00:00:00Z&to=2026-11-06T00:00:00Z&limit=1${microCursor ? `&cursor=${microCursor}` : ''}`, headers: as.teacherB });
      micro.push(...res.json().data.map((l) => l.id));
      microCursor = res.json().page.nextCursor;
    } while (microCursor && micro.length < 10);
    t.equal(micro.length, 3, 'every row once, even microseconds apart');
    t.equal(new Set(micro).size, 3);
    const badCursor = await app.inject({ url: '/v1/contact-logs?cursor=garbage', headers: as.teacherB });
    t.equal(badCursor.statusCode, 400);
    const tooMany = await app.inject({ url: '/v1/contact-logs?limit=501', headers: as.teacherB });
    t.equal(tooMany.statusCode, 400);
    const unknownFilter = await app.inject({ url: '/v1/contact-logs?colour=red', headers: as.teacherB });
    t.equal(unknownFilter.statusCode, 400);
  });

  await t.test('integrations need the partnership scope', async (t) => {
    t.equal((await app.inject({ url: '/v1/contact-logs', headers: as.integrationRead })).statusCode, 200);
    t.equal((await app.inject({ url: '/v1/contact-logs', headers: as.integrationNone })).statusCode, 403);
    t.equal((await post(as.integrationRead, { ...base, authorId: d.teacherA })).statusCode, 403);
  });
});
