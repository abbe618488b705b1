// `npm run token` mints a token the running service accepts.
import { randomUUID } from 'node:crypto';
import t from 'tap';
import { startTestApp, TEST_JWT_SECRET } from '../helpers/app.ts';
import { spawnScript } from '../helpers/process.ts';

t.test('minted tokens carry role, sub, schools and scopes', async (t) => {
  const { app } = await startTestApp(t);
  const staffId = randomUUID();
  const schoolId = randomUUID();
  const cli = spawnScript('src/auth/token-cli.ts', ['--role', 'school_admin', '--sub', staffId, '--school', schoolId, '--ttl', '10m'], { JWT_SECRET: TEST_JWT_SECRET });
  t.equal((await cli.exited).code, 0);
  const token = cli.output().trim();
  const res = await app.inject({ url: '/v1/me', headers: { authorization: `Bearer ${token}` } });
  t.equal(res.statusCode, 200);
  t.same(res.json(), { role: 'school_admin', sub: staffId, schoolIds: [schoolId], scopes: [] });
  const claims = app.jwt.decode<{ exp: number; iat: number }>(token);
  t.equal(claims?.exp! - claims?.iat!, 600);
});

t.test('a bad role is refused with usage', async (t) => {
  const cli = spawnScript('src/auth/token-cli.ts', ['--role', 'root'], { JWT_SECRET: TEST_JWT_SECRET });
  t.equal((await cli.exited).code, 2);
  t.match(cli.output(), /usage: npm run token/);
});
