// `npm run migrate -- up|down|status`: applies, rolls back one, or lists migrations on the configured database.
import pino from 'pino';
import { loadConfig } from '../config.ts';
import { resolveDatabase } from './connect.ts';
import { createDatabase } from './database.ts';
import { createMigrator, MigrationError } from './migrator.ts';

const command = process.argv[2] ?? 'up';
if (!['up', 'down', 'status'].includes(command)) {
  process.stderr.write('usage: npm run migrate -- up|down|status\n');
  process.exit(2);
}

const config = loadConfig();
const log = pino({ level: config.logLevel === 'silent' ? 'silent' : 'info' });
const database = await resolveDatabase(config, log);
const { db } = createDatabase({ connectionString: database.url, poolMax: 1 });
const migrator = createMigrator(db);
let exitCode = 0;
try {
  if (command === 'status') {
    for (const m of await migrator.getMigrations()) {
      process.stdout.write(`${m.executedAt ? `applied ${m.executedAt.toISOString()}` : 'pending'.padEnd(32)}  ${m.name}\n`);
    }
  } else {
    const result = command === 'up' ? await migrator.migrateToLatest() : await migrator.migrateDown();
    for (const r of result.results ?? []) process.stdout.write(`${r.direction} ${r.status} ${r.migrationName}\n`);
    if (result.error) throw new MigrationError(result);
    if ((result.results ?? []).length === 0) process.stdout.write('nothing to do\n');
  }
} catch (error) {
  process.stderr.write(`${(error as Error).message}\n`);
  exitCode = 1;
} finally {
  await db.destroy();
  await database.stop();
}
process.exit(exitCode);
