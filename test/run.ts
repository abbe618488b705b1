// `npm test`: finds a PostgreSQL (DATABASE_URL, else an embedded one), runs tap, then drops the test databases.
import { spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../src/db/embedded.ts';
import { randomBytes } from 'node:crypto';
import { dropRunDatabases, ensureTemplate, urlForDatabase } from './helpers/databases.ts';

process.env.TEST_RUN_ID = randomBytes(4).toString('hex');
const root = fileURLToPath(new URL('..', import.meta.url));
const tap = path.join(root, 'node_modules', 'tap', 'dist', 'esm', 'run.mjs');
const runNode = (args: string[]) => new Promise<number>((resolve) => {
  const child = spawn(process.execPath, args, { cwd: root, stdio: 'inherit', env: process.env });
  child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
});

/**
 * tap is configured without its TypeScript plugin (package.json "tap.plugin"; tsx loads the sources), but a fresh
 * install holds tap's default build, which has it. `tap run` rebuilds for the configured set, yet spawns that run's test
 * processes with the loaders of the build it started with: each of them also loaded ts-node, and a fresh clone's first
 * run took 9 minutes instead of 6. So the build comes first, once per install.
 */
async function buildTapPlugins(): Promise<void> {
  const built = readFileSync(path.join(root, 'node_modules', '@tapjs', 'test', 'test-built', 'src', 'index.ts'), 'utf8');
  if (!built.includes('"@tapjs/typescript"')) return;
  if (await runNode([tap, 'build']) !== 0) throw new Error('tap build failed');
}

// Before anything is started: the build needs no database.
await buildTapPlugins();

let embedded: EmbeddedDatabase | undefined;
if (!process.env.DATABASE_URL) {
  const dataDir = path.join(root, '.data', 'test');
  rmSync(dataDir, { recursive: true, force: true });
  embedded = await startEmbeddedPostgres({ dataDir, port: Number(process.env.TEST_EMBEDDED_PG_PORT ?? 54339), log: pino({ level: 'warn' }) });
  process.env.TEST_ADMIN_URL = urlForDatabase('postgres', embedded.url);
  process.stdout.write(`DATABASE_URL is not set: testing against an embedded PostgreSQL\n`);
} else {
  process.env.TEST_ADMIN_URL = process.env.DATABASE_URL;
}

let exitCode = 1;
try {
  await ensureTemplate();
  exitCode = await runNode([tap, ...process.argv.slice(2)]);
} finally {
  await dropRunDatabases();
  await embedded?.stop();
}
process.exit(exitCode);
