// Times roster sync on a generated district: first sync, no-change re-sync, 1% delta; prints seconds, rows/s, peak RSS.
// Usage: npm run bench:roster [-- --students 50000]  (a fresh database kinship_bench_roster on DATABASE_URL's server)
import { execFileSync } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { createDatabase } from '../src/db/database.ts';
import { migrateToLatest } from '../src/db/migrator.ts';
import { createSyncRun, runSync, type SyncResult } from '../src/roster-sync/sync-service.ts';

const { values } = parseArgs({ options: { students: { type: 'string', default: '50000' } } });
const students = Number(values.students);
const adminUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const dbName = 'kinship_bench_roster';
const url = new URL(adminUrl);
url.pathname = `/${dbName}`;

const admin = new pg.Client({ connectionString: adminUrl });
await admin.connect();
await admin.query(`drop database if exists ${dbName} with (force)`);
await admin.query(`create database ${dbName}`);
await admin.end();
const { db } = createDatabase({ connectionString: url.toString(), poolMax: 1 });
await migrateToLatest(db);
await db.destroy();

// Generation runs in its own process so that its memory is not counted as the sync's.
const work = await mkdtemp(path.join(os.tmpdir(), 'roster-bench-'));
const generate = (out: string, extra: string[]) => {
  const line = execFileSync(process.execPath, ['--import', 'tsx', 'src/roster-sync/generate-cli.ts', '--students', String(students), '--out', out, ...extra]).toString();
  const rows = (JSON.parse(line) as { rows: Record<string, number> }).rows;
  return Object.values(rows).reduce((n, v) => n + v, 0);
};
const fullRows = generate(path.join(work, 'full'), []);
const deltaRows = generate(path.join(work, 'delta'), ['--delta', '1']);

const pool = new pg.Pool({ connectionString: url.toString(), max: 2 });
const mb = () => Math.round(process.resourceUsage().maxRSS / 1024);
const results: Array<[string, number, number, SyncResult]> = [];
for (const [label, dir, rows] of [['first sync', 'full', fullRows], ['no-change re-sync', 'full', fullRows], ['1% delta', 'delta', deltaRows]] as const) {
  const location = path.join(work, dir);
  const started = performance.now();
  const result = await runSync(pool, await createSyncRun(pool, location, {}), location, {});
  const seconds = (performance.now() - started) / 1000;
  if (result.status !== 'succeeded') throw new Error(`${label}: ${result.status} ${JSON.stringify(result.errors.slice(0, 3))}`);
  results.push([label, seconds, rows, result]);
  const written = Object.values(result.counts).reduce((n, c) => n + c.created + c.updated + c.deactivated, 0);
  process.stdout.write(`${label.padEnd(20)} ${seconds.toFixed(1).padStart(7)} s ${Math.round(rows / seconds).toString().padStart(8)} rows/s` +
    `  (read+stage ${result.timings.readAndStage?.toFixed(1)} s, apply ${result.timings.apply?.toFixed(1)} s, ${written} rows written)` +
    `  peak RSS so far ${mb()} MB\n`);
}
await pool.end();
process.stdout.write(`district: ${students} students, ${fullRows} CSV rows; delta ${deltaRows} rows; peak RSS ${mb()} MB; ` +
  `load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')} on ${os.cpus().length} cores\n`);
