// Key material for tokens: the configured secret or public key, or a secret generated once into the data dir for local runs.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import type { Config } from '../config.ts';

export function localSecretPath(config: Config): string {
  return path.resolve(config.dataDir, 'jwt-secret');
}

/** Returns the config with jwt.secret filled from ./.data/jwt-secret (created if absent) when no key material is configured. */
export function withLocalJwtSecret(config: Config, log?: Logger): Config {
  if (config.jwt.secret !== undefined || config.jwt.publicKey !== undefined) return config;
  if (config.nodeEnv === 'production') throw new Error('JWT_SECRET or JWT_PUBLIC_KEY must be set when NODE_ENV=production');
  const file = localSecretPath(config);
  let secret: string;
  if (existsSync(file)) {
    secret = readFileSync(file, 'utf8').trim();
  } else {
    mkdirSync(path.dirname(file), { recursive: true });
    secret = randomBytes(48).toString('base64url');
    writeFileSync(file, `${secret}\n`, { mode: 0o600 });
    log?.warn({ file }, 'JWT_SECRET is not set: generated a local signing secret (for development only)');
  }
  log?.info({ file }, 'signing and verifying tokens with the local secret');
  return { ...config, jwt: { ...config.jwt, secret } };
}
