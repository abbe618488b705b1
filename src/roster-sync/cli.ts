// `npm run roster:sync -- <dir-or-zip> [--dry-run] [--lenient] [--allow-mass-deactivation]`
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import pg from 'pg';
import pino from 'pino';
import { ConfigError, loadConfig, type Config } from '../config.ts';
import { resolveDatabase } from '../db/connect.ts';
import { createDatabase } from '../db/database.ts';
import { migrateToLatest } from '../db/migrator.ts';
import { createSyncRun, runSync } from './sync-service.ts';

const { values, positionals } = parseArgs({ allowPositionals: true, options: {
  'dry-run': { type: 'boolean', default: false },
  lenient: { type: 'boolean', default: false },
  'allow-mass-deactivation': { type: 'boolean', default: false },
} });
const location = positionals[0];
if (!location) {
  process.stderr.write('usage: roster:sync -- <dir-or-zip> [--dry-run] [--lenient] [--allow-mass-deactivation]\n');
  process.exit(2);
}
let config: Config;
try {
  config = loadConfig();
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`Configuration error: ${error.message}\n`);
  process.exit(2);
}
// The same database `npm start` uses: DATABASE_URL, or the embedded server under the data directory.
const log = pino({ level: config.logLevel === 'info' ? 'warn' : config.logLevel }, process.stderr);
const database = await resolveDatabase(config, log);
if (config.migrateOnStart) {
  const { db } = createDatabase({ connectionString: database.url, poolMax: 1 });
  try {
    await migrateToLatest(db);
  } finally {
    await db.destroy();
  }
}
const pool = new pg.Pool({ connectionString: database.url, max: 2, application_name: 'kinship-roster-sync' });
const bar = process.stderr.isTTY ? new cliProgress.SingleBar({ format: '{phase} {file} {value} rows', hideCursor: true }, cliProgress.Presets.shades_classic) : null;
bar?.start(0, 0, { phase: 'read', file: '' });
const options = { dryRun: values['dry-run'], lenient: values.lenient, allowMassDeactivation: values['allow-mass-deactivation'],
  massDeactivationThreshold: config.roster.massDeactivationThreshold, requestedBy: 'cli',
  onProgress: (phase: string, file?: string, rows?: number) => bar?.update(rows ?? 0, { phase, file: file ?? '' }) };
const runId = await createSyncRun(pool, location, options);
const result = await runSync(pool, runId, location, options);
bar?.stop();
await pool.end();
await database.stop();

const out = process.stdout;
out.write(`sync ${result.id}: ${result.status}${values['dry-run'] ? ' (dry run, rolled back)' : ''}, OneRoster ${result.version ?? '?'}\n`);
const rows = Object.entries(result.counts).map(([entity, c]) => [entity, c.created, c.updated, c.deactivated, c.unchanged]);
if (rows.length) {
  out.write(`${'entity'.padEnd(18)}${['created', 'updated', 'deactivated', 'unchanged'].map((h) => h.padStart(12)).join('')}\n`);
  for (const [entity, ...n] of rows) out.write(`${String(entity).padEnd(18)}${n.map((v) => String(v).padStart(12)).join('')}\n`);
}
for (const i of [...result.errors, ...result.warnings].slice(0, 50)) {
  out.write(`${i.severity.padEnd(8)}${i.file}${i.line ? `:${i.line}` : ''}${i.column ? ` [${i.column}]` : ''} ${i.message}\n`);
}
const more = result.errors.length + result.warnings.length - 50;
if (more > 0) out.write(`… and ${more} more (see sync_runs ${result.id})\n`);
out.write(`timings (s): ${JSON.stringify(result.timings)}\n`);
process.exit(result.status === 'succeeded' ? 0 : 1);
