// Text PostgreSQL cannot store (a NUL character) is refused as a client error naming the field, never a 500.
import t from 'tap';
import { startSeededApp } from '../helpers/app.ts';

t.test('NUL characters in text input', async (t) => {
  const { app, d, as } = await startSeededApp(t);
  for (const url of ['/v1/staff?q=%00', `/v1/staff?limit=1&schoolId=${d.schoolA}&q=a%00b`, '/v1/students?q=%F4%83%83%85%00', '/v1/contact-logs?q=x%00']) {
    const res = await app.inject({ url, headers: as.teacherA });
    t.equal(res.statusCode, 400, url);
    t.match(res.headers['content-type'], /^application\/problem\+json/);
    t.match(res.json(), { errors: [{ path: '/querystring/q', message: 'must not contain NUL characters' }] }, url);
  }
  const log = { studentId: d.studentA, occurredAt: '2026-09-10T15:00:00Z', channel: 'phone', purpose: 'strength', summary: 'Kind\u0000words.' };
  const created = await app.inject({ method: 'POST', url: '/v1/contact-logs', headers: as.teacherA, payload: log });
  t.equal(created.statusCode, 400);
  t.match(created.json(), { errors: [{ path: '/body/summary', message: 'must not contain NUL characters' }] });
  const fine = await app.inject({ method: 'POST', url: '/v1/contact-logs', headers: as.teacherA, payload: { ...log, summary: 'Kind words.' } });
  t.equal(fine.statusCode, 201, 'the same request without the NUL is taken');
});

t.test('a NUL that reaches PostgreSQL by another way is still a 400', async (t) => {
  const { toAppError } = await import('../../src/http/problem.ts');
  const pgError = Object.assign(new Error('invalid byte sequence for encoding "UTF8": 0x00'), { code: '22021', severity: 'ERROR' });
  t.match(toAppError(pgError), { status: 400, code: 'KINSHIP_VALIDATION', message: /cannot be stored/ });
});
