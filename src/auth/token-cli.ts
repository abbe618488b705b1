// `npm run token -- --role ROLE [--sub ID] [--school ID]… [--scope "a b"] [--ttl 1h]`: prints a signed token for local use.
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { createSigner } from 'fast-jwt';
import { loadConfig } from '../config.ts';
import { withLocalJwtSecret } from './keys.ts';
import { principalFromClaims } from './principal.ts';

const { values } = parseArgs({
  options: {
    role: { type: 'string' },
    sub: { type: 'string' },
    school: { type: 'string', multiple: true },
    scope: { type: 'string' },
    ttl: { type: 'string', default: '1h' },
  },
});

function fail(message: string): never {
  process.stderr.write(`${message}\nusage: npm run token -- --role district_admin|school_admin|teacher|guardian|integration [--sub ID] [--school ID] [--scope "..."] [--ttl 1h]\n`);
  process.exit(2);
}

const ttlMatch = /^(\d+)([smhd])$/.exec(values.ttl ?? '1h');
if (!ttlMatch) fail('--ttl must look like 30m, 1h or 7d');
const ttlMs = Number(ttlMatch[1]) * { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }[ttlMatch[2] as 's' | 'm' | 'h' | 'd'];

const config = withLocalJwtSecret(loadConfig());
if (config.jwt.secret === undefined) fail('Signing needs JWT_SECRET; this deployment verifies with a public key only.');

const claims = {
  role: values.role,
  sub: values.sub ?? (values.role === 'district_admin' || values.role === 'integration' ? `local-${values.role}` : randomUUID()),
  ...(values.school ? { schoolIds: values.school } : {}),
  ...(values.scope ? { scope: values.scope } : {}),
};
try {
  principalFromClaims(claims);
} catch (error) {
  fail((error as Error).message);
}
const sign = createSigner({
  key: config.jwt.secret,
  expiresIn: ttlMs,
  ...(config.jwt.issuer ? { iss: config.jwt.issuer } : {}),
  ...(config.jwt.audience ? { aud: config.jwt.audience } : {}),
});
process.stdout.write(`${sign(claims)}\n`);
