// Bearer tokens on /v1 and /graphql: missing, malformed, forged, expired or untrusted tokens get 401 problem+json.
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { createSigner } from 'fast-jwt';
import t from 'tap';
import { startTestApp, tokenFor, TEST_JWT_SECRET } from '../helpers/app.ts';

const staffId = randomUUID();

t.test('a valid token reaches /v1 and maps its claims to a principal', async (t) => {
  const { app } = await startTestApp(t);
  const schoolId = randomUUID();
  const res = await app.inject({
    method: 'GET', url: '/v1/me',
    headers: { authorization: `Bearer ${tokenFor(app, { role: 'teacher', sub: staffId, schoolIds: [schoolId] })}` },
  });
  t.equal(res.statusCode, 200);
  t.same(res.json(), { role: 'teacher', sub: staffId, schoolIds: [schoolId], scopes: [] });

  const integration = await app.inject({
    method: 'GET', url: '/v1/me',
    headers: { authorization: `Bearer ${tokenFor(app, { role: 'integration', sub: 'sis-bridge', scope: 'roster:read roster:write' })}` },
  });
  t.same(integration.json().scopes, ['roster:read', 'roster:write']);
});

t.test('every bad token fails closed with 401, problem+json and WWW-Authenticate', async (t) => {
  const { app } = await startTestApp(t);
  const wrongKey = createSigner({ key: 'another-secret-another-secret-another-secret', expiresIn: 60_000 });
  const noExp = createSigner({ key: TEST_JWT_SECRET });
  const cases: Array<[string, Record<string, string>, RegExp]> = [
    ['missing header', {}, /missing/],
    ['not a bearer', { authorization: 'Basic dXNlcjpwYXNz' }, /Bearer|malformed|verified/],
    ['garbage token', { authorization: 'Bearer not.a.jwt' }, /malformed|invalid|verified/],
    ['signed with another key', { authorization: `Bearer ${wrongKey({ role: 'district_admin', sub: 'x' })}` }, /signature|malformed|verified/],
    ['expired', { authorization: `Bearer ${tokenFor(app, { role: 'district_admin', sub: 'admin' }, -10)}` }, /expired/],
    ['no exp claim', { authorization: `Bearer ${noExp({ role: 'district_admin', sub: 'admin' })}` }, /./],
    ['forged role', { authorization: `Bearer ${tokenFor(app, { role: 'superuser', sub: 'admin' })}` }, /role/],
    ['teacher without a staff id', { authorization: `Bearer ${tokenFor(app, { role: 'teacher', sub: 'bob' })}` }, /UUID/],
    ['unknown scope', { authorization: `Bearer ${tokenFor(app, { role: 'integration', sub: 'c', scope: 'everything' })}` }, /scope/],
    ['bad schoolIds', { authorization: `Bearer ${app.jwt.sign({ role: 'school_admin', sub: staffId, schoolIds: 'all' }, { expiresIn: 60 })}` }, /schoolIds/],
  ];
  for (const [name, headers, detail] of cases) {
    for (const url of ['/v1/me', '/graphql']) {
      const res = await app.inject({ method: url === '/graphql' ? 'POST' : 'GET', url, headers, payload: url === '/graphql' ? { query: '{ __typename }' } : undefined });
      t.equal(res.statusCode, 401, `${name} on ${url}`);
      t.match(res.headers['content-type'], /^application\/problem\+json/, `${name}: problem+json`);
      t.match(res.headers['www-authenticate'], /^Bearer/, `${name}: WWW-Authenticate`);
      t.match(res.json(), { status: 401, code: 'KINSHIP_UNAUTHENTICATED', detail }, `${name}: detail`);
      t.notMatch(res.body, /stack|at .*\.ts:/, `${name}: no stack trace`);
    }
  }
});

t.test('issuer and audience are checked when configured', async (t) => {
  const { app } = await startTestApp(t, { config: { jwt: { secret: TEST_JWT_SECRET, publicKey: undefined, issuer: 'https://idp.district.example', audience: 'kinship' } } });
  const good = app.jwt.sign({ role: 'district_admin', sub: 'a' }, { iss: 'https://idp.district.example', aud: 'kinship', expiresIn: 60 });
  const wrongIss = app.jwt.sign({ role: 'district_admin', sub: 'a' }, { iss: 'https://evil.example', aud: 'kinship', expiresIn: 60 });
  const wrongAud = app.jwt.sign({ role: 'district_admin', sub: 'a' }, { iss: 'https://idp.district.example', aud: 'other', expiresIn: 60 });
  t.equal((await app.inject({ url: '/v1/me', headers: { authorization: `Bearer ${good}` } })).statusCode, 200);
  t.equal((await app.inject({ url: '/v1/me', headers: { authorization: `Bearer ${wrongIss}` } })).statusCode, 401);
  t.equal((await app.inject({ url: '/v1/me', headers: { authorization: `Bearer ${wrongAud}` } })).statusCode, 401);
});

t.test('RS256 tokens verify against JWT_PUBLIC_KEY; HS256 tokens are then refused', async (t) => {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const { app } = await startTestApp(t, { config: { jwt: { secret: undefined, publicKey: pem, issuer: undefined, audience: undefined } } });
  const sign = createSigner({ key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), algorithm: 'RS256', expiresIn: 60_000 });
  const res = await app.inject({ url: '/v1/me', headers: { authorization: `Bearer ${sign({ role: 'district_admin', sub: 'admin' })}` } });
  t.equal(res.statusCode, 200);
  const hs = createSigner({ key: TEST_JWT_SECRET, expiresIn: 60_000 });
  const refused = await app.inject({ url: '/v1/me', headers: { authorization: `Bearer ${hs({ role: 'district_admin', sub: 'admin' })}` } });
  t.equal(refused.statusCode, 401);
});

t.test('public endpoints need no token', async (t) => {
  const { app } = await startTestApp(t);
  t.equal((await app.inject({ url: '/healthz' })).statusCode, 200);
  t.equal((await app.inject({ url: '/openapi.json' })).statusCode, 200);
  t.equal((await app.inject({ url: '/docs/' })).statusCode, 200);
});

t.test('GraphQL sees the same principal', async (t) => {
  const { app } = await startTestApp(t);
  const res = await app.inject({
    method: 'POST', url: '/graphql',
    headers: { authorization: `Bearer ${tokenFor(app, { role: 'teacher', sub: staffId })}` },
    payload: { query: '{ me { role sub schoolIds scopes } }' },
  });
  t.equal(res.statusCode, 200);
  t.same(res.json(), { data: { me: { role: 'teacher', sub: staffId, schoolIds: [], scopes: [] } } });
});

t.test('a verified token stays cached only until it expires', async (t) => {
  const { app } = await startTestApp(t);
  const token = tokenFor(app, { role: 'district_admin', sub: 'admin' }, 2);
  t.equal((await app.inject({ url: '/v1/me', headers: { authorization: `Bearer ${token}` } })).statusCode, 200);
  await new Promise((resolve) => setTimeout(resolve, 2_500));
  const late = await app.inject({ url: '/v1/me', headers: { authorization: `Bearer ${token}` } });
  t.equal(late.statusCode, 401);
  t.match(late.json().detail, /expired/);
});
