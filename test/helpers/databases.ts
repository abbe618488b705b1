// Test databases: one migrated template per run, then CREATE DATABASE … TEMPLATE … per test file (milliseconds each).
import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { createDatabase } from '../../src/db/database.ts';
import { MIGRATIONS_DIR, migrateToLatest } from '../../src/db/migrator.ts';

export const TEST_DB_PREFIX = 'kinship_test_';

/** Set by test/run.ts so that one run's clean-up never touches a concurrent run's databases. */
function runPrefix(): string {
  const runId = process.env.TEST_RUN_ID;
  return runId && /^[a-z0-9]+$/.test(runId) ? `${TEST_DB_PREFIX}${runId}_` : TEST_DB_PREFIX;
}

/** The server the tests use: TEST_ADMIN_URL (set by test/run.ts), DATABASE_URL, or the machine's local PostgreSQL. */
export function adminUrl(): string {
  return process.env.TEST_ADMIN_URL ?? process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
}

export function urlForDatabase(name: string, base = adminUrl()): string {
  const url = new URL(base);
  url.pathname = `/${name}`;
  return url.toString();
}

/** The template's name changes whenever a migration file changes, so a stale template is never reused. */
export function templateName(): string {
  const hash = createHash('sha256');
  for (const file of readdirSync(MIGRATIONS_DIR).sort()) {
    hash.update(file).update(readFileSync(path.join(MIGRATIONS_DIR, file)));
  }
  return `${runPrefix()}tpl_${hash.digest('hex').slice(0, 12)}`;
}

async function withAdmin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl() });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Creates and migrates the template once; concurrent test processes wait on an advisory lock. */
export async function ensureTemplate(): Promise<string> {
  const name = templateName();
  await withAdmin(async (client) => {
    await client.query('select pg_advisory_lock(hashtext($1))', [name]);
    try {
      const exists = await client.query('select 1 from pg_database where datname = $1', [name]);
      if (exists.rowCount === 0) {
        await client.query(`create database ${name}`);
        const { db } = createDatabase({ connectionString: urlForDatabase(name), poolMax: 1 });
        try {
          await migrateToLatest(db);
        } catch (error) {
          await db.destroy();
          await client.query(`drop database if exists ${name} with (force)`);
          throw error;
        }
        await db.destroy();
      }
    } finally {
      await client.query('select pg_advisory_unlock(hashtext($1))', [name]);
    }
  });
  return name;
}

export interface TestDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

/** A fresh, migrated database for one test file. */
export async function createTestDatabase(options: { migrated?: boolean } = {}): Promise<TestDatabase> {
  const name = `${runPrefix()}${process.pid}_${randomBytes(4).toString('hex')}`;
  if (options.migrated === false) {
    await withAdmin((client) => client.query(`create database ${name}`));
  } else {
    const template = await ensureTemplate();
    await withAdmin((client) => client.query(`create database ${name} template ${template}`));
  }
  return {
    name,
    url: urlForDatabase(name),
    drop: () => dropDatabase(name),
  };
}

/** How long a drop waits for the database's sessions to end on their own before it ends them. */
const SESSIONS_END_WAIT_MS = 1_000;

/**
 * Drops one test database. It first waits for the database's sessions to end on their own: `pool.end()` resolves
 * once its clients have sent their goodbye, before the server has closed their sessions, and a forced drop would
 * terminate those sessions, which their clients then report as an error ("terminating connection due to administrator
 * command") to a pool that has no error listener any more: an uncaught exception in a test that passed. Sessions
 * still open after the wait (a leaked client) are ended by the forced drop. On a loaded machine a terminated session
 * can outlive the 5 s PostgreSQL gives it, and the drop then fails with "being accessed by other users": retry, then
 * leave it to the run's final clean-up (dropRunDatabases, which retries it again) rather than fail a test file whose
 * assertions all passed.
 */
export async function dropDatabase(name: string, attempts = 4): Promise<void> {
  await withAdmin(async (client) => {
    const deadline = Date.now() + SESSIONS_END_WAIT_MS;
    for (;;) {
      const { rows } = await client.query(`select 1 from pg_stat_activity where datname = $1 limit 1`, [name]);
      if (rows.length === 0 || Date.now() > deadline) return;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  });
  for (let attempt = 1; ; attempt++) {
    try {
      await withAdmin((client) => client.query(`drop database if exists ${name} with (force)`));
      return;
    } catch (error) {
      if (attempt >= attempts) {
        process.stderr.write(`could not drop test database ${name}: ${(error as Error).message}\n`);
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 500 * attempt));
    }
  }
}

/** Drops every database this run created (its template included). */
export async function dropRunDatabases(): Promise<number> {
  if (runPrefix() === TEST_DB_PREFIX) return 0;
  const { rows } = await withAdmin((client) => client.query<{ datname: string }>(
    `select datname from pg_database where starts_with(datname, $1)`, [runPrefix()]));
  for (const { datname } of rows) await dropDatabase(datname);
  return rows.length;
}
