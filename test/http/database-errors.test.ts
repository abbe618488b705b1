// Database refusals that are not the client's fault (too many connections) answer 503 with Retry-After, never 500.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import t from 'tap';
import { buildApp } from '../../src/app.ts';
import { bearer, testConfig } from '../helpers/app.ts';
import { adminUrl, createTestDatabase } from '../helpers/databases.ts';

t.test('a connection refused for too many connections is a 503', async (t) => {
  const database = await createTestDatabase();
  const role = `kinship_test_nolimit_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl() });
  await admin.connect();
  // With a password, so the refusal is the connection limit whatever the server's authentication (trust or password).
  const password = randomBytes(12).toString('hex');
  await admin.query(`create role ${role} login connection limit 0 password '${password}'`);
  t.teardown(async () => {
    await admin.query(`drop role if exists ${role}`);
    await admin.end();
    await database.drop();
  });
  const url = new URL(database.url);
  url.username = role;
  url.password = password;
  const app = await buildApp(testConfig(url.toString()));
  t.teardown(() => app.close());
  const res = await app.inject({ url: '/v1/contact-logs', headers: bearer(app, { role: 'district_admin', sub: 'admin' }) });
  t.equal(res.statusCode, 503);
  t.match(res.headers['content-type'], /application\/problem\+json/);
  t.equal(res.headers['retry-after'], '5');
  t.equal(res.json().code, 'KINSHIP_UNAVAILABLE');
});
