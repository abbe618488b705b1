// Starts the real app on a fresh database for a test file, and mints tokens the way clients get them.
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.ts';
import { loadConfig, type Config } from '../../src/config.ts';
import { createTestDatabase, type TestDatabase } from './databases.ts';
import { seedDistrictAt, tokensFor } from './seed.ts';

export const TEST_JWT_SECRET = 'test-secret-test-secret-test-secret-0123456789';

interface Teardown {
  teardown(fn: () => unknown): void;
}

export interface TestApp {
  app: FastifyInstance;
  database: TestDatabase;
  config: Config;
}

export function testConfig(databaseUrl: string, overrides: Partial<Config> = {}): Config {
  // Load shedding and rate limits are tested on their own; elsewhere a busy test machine must not trip them.
  const base = loadConfig({ NODE_ENV: 'test', JWT_SECRET: TEST_JWT_SECRET, DATABASE_URL: databaseUrl, MAX_EVENT_LOOP_DELAY_MS: '0', RATE_LIMIT_MAX: '1000000' });
  return { ...base, ...overrides };
}

/** Builds the app on its own migrated database; closes and drops both when the test ends. */
export async function startTestApp(t: Teardown, options: {
  config?: Partial<Config>;
  onQuery?: (sql: string, parameters: readonly unknown[]) => void;
} = {}): Promise<TestApp> {
  const database = await createTestDatabase();
  const config = testConfig(database.url, options.config);
  const app = await buildApp(config, { onQuery: options.onQuery, validateResponses: true });
  await app.ready();
  t.teardown(async () => {
    await app.close();
    await database.drop();
  });
  return { app, database, config };
}

export interface TokenClaimsInput {
  role: string;
  sub: string;
  schoolIds?: string[];
  scope?: string;
}

/** A signed bearer token, as the district's identity provider would issue it. */
export function tokenFor(app: FastifyInstance, claims: TokenClaimsInput, expiresIn: string | number = '1h'): string {
  return app.jwt.sign({ ...claims }, { expiresIn });
}

export function bearer(app: FastifyInstance, claims: TokenClaimsInput): { authorization: string } {
  return { authorization: `Bearer ${tokenFor(app, claims)}` };
}

/** The app on a fresh database holding the seeded district, with a bearer header per role. */
export async function startSeededApp(t: Teardown, options: Parameters<typeof startTestApp>[1] = {}) {
  const started = await startTestApp(t, options);
  const district = await seedDistrictAt(started.database.url);
  const as = tokensFor((claims) => started.app.jwt.sign(claims, { expiresIn: '1h' }), district);
  return { ...started, d: district, as };
}
