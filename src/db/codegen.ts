// `npm run db:types [-- --verify]`: migrates a scratch database and (re)generates src/db/types.ts with kysely-codegen.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { createDatabase } from './database.ts';
import { migrateToLatest } from './migrator.ts';

const base = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const scratch = `kinship_codegen_${process.pid}`;
const root = fileURLToPath(new URL('../..', import.meta.url));
const admin = new pg.Client({ connectionString: base });
await admin.connect();
await admin.query(`create database ${scratch}`);
const url = new URL(base);
url.pathname = `/${scratch}`;
let exitCode = 0;
try {
  const { db } = createDatabase({ connectionString: url.toString(), poolMax: 1 });
  await migrateToLatest(db);
  await db.destroy();
  const args = ['kysely-codegen', '--dialect', 'postgres', '--camel-case', '--url', url.toString(),
    '--out-file', 'src/db/types.ts', '--date-parser', 'string', '--numeric-parser', 'number',
    '--type-mapping', JSON.stringify({ int8: 'number' }), '--exclude-pattern', 'kysely_migration*'];
  if (process.argv.includes('--verify')) args.push('--verify');
  execFileSync('npx', args, { cwd: root, stdio: 'inherit' });
} catch {
  exitCode = 1;
} finally {
  await admin.query(`drop database if exists ${scratch} with (force)`);
  await admin.end();
}
process.exit(exitCode);
