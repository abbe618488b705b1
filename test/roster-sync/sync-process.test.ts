// Roster sync as operators run it: the public fixtures through the service, and the CLI SIGKILLed during apply.
import { existsSync } from 'node:fs';
import { mkdtemp, readdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import t from 'tap';
import { MemorySink } from '../../src/roster-sync/entities.ts';
import { openExport } from '../../src/roster-sync/export-source.ts';
import { buildDistrict } from '../../src/roster-sync/generate-district.ts';
import { writeDistrict } from '../../src/roster-sync/generate-write.ts';
import { readExport } from '../../src/roster-sync/read-export.ts';
import { createSyncRun, runSync } from '../../src/roster-sync/sync-service.ts';
import { createTestDatabase } from '../helpers/databases.ts';
import { ROOT, spawnScript } from '../helpers/process.ts';

const fixtures = path.resolve(ROOT, '../shared/fixtures/oneroster');
const TABLES = ['orgs', 'academic_sessions', 'courses', 'classes', 'staff', 'students', 'guardians', 'families',
  'student_guardians', 'enrollments', 'student_schools', 'staff_schools', 'class_academic_sessions'];

async function snapshot(pool: pg.Pool): Promise<string> {
  const parts: string[] = [];
  for (const table of TABLES) {
    const { rows } = await pool.query(`select count(*) as n, md5(coalesce(string_agg(t::text, '|' order by t::text), '')) as h from ${table} t`);
    parts.push(`${table}:${rows[0].n}:${rows[0].h}`);
  }
  return parts.join('\n');
}

t.test('the public fixtures: strict rejects write nothing, lenient imports exactly what the reader accepts',
  { skip: existsSync(fixtures) ? false : 'no fixtures under ../shared/fixtures/oneroster' }, async (t) => {
  const names = (await readdir(fixtures, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name).sort();
  for (const name of names) {
    const dir = path.join(fixtures, name);
    const sink = new MemorySink();
    const source = await openExport(dir);
    const read = await readExport(source, sink, { mode: 'lenient' }).finally(() => source.close());
    const database = await createTestDatabase();
    const pool = new pg.Pool({ connectionString: database.url, max: 2 });
    try {
      const strict = await runSync(pool, await createSyncRun(pool, dir, {}), dir, {});
      if (read.issues.errors.length > 0) {
        t.equal(strict.status, 'rejected', `${name}: strict rejects`);
        t.equal(Number((await pool.query('select count(*) as n from orgs')).rows[0].n), 0, `${name}: nothing written`);
      } else {
        t.equal(strict.status, 'succeeded', `${name}: strict succeeds`);
      }
      const lenient = await runSync(pool, await createSyncRun(pool, dir, { lenient: true }), dir, { lenient: true });
      t.equal(lenient.status, 'succeeded', `${name}: lenient succeeds`);
      const expect = sink.counts();
      const rows = async (table: string) => Number((await pool.query(`select count(*) as n from ${table} where source = 'sis'`)).rows[0].n);
      t.equal(await rows('students'), expect.students, `${name}: students`);
      t.equal(await rows('staff'), expect.staff, `${name}: staff`);
      t.equal(await rows('guardians'), expect.guardians, `${name}: guardians`);
      t.equal(await rows('classes'), expect.classes, `${name}: classes`);
      t.equal(await rows('enrollments'), expect.enrollments, `${name}: enrollments`);
      const imported = strict.status === 'succeeded' ? strict : lenient;
      t.equal(imported.counts.students?.created, expect.students, `${name}: students counted as created`);
      const again = await runSync(pool, await createSyncRun(pool, dir, { lenient: true }), dir, { lenient: true });
      t.equal(Object.values(again.counts).reduce((n, c) => n + c.created + c.updated + c.deactivated, 0), 0, `${name}: re-sync unchanged`);
    } finally {
      await pool.end();
      await database.drop();
    }
  }
});

t.test('a sync SIGKILLed during apply leaves the database exactly as before', async (t) => {
  const database = await createTestDatabase();
  const pool = new pg.Pool({ connectionString: database.url, max: 2 });
  t.teardown(async () => {
    await pool.end();
    await database.drop();
  });
  const work = await mkdtemp(path.join(os.tmpdir(), 'roster-kill-'));
  await writeDistrict(buildDistrict(1500, 1), path.join(work, 'first'), { version: '1.1' });
  await writeDistrict(buildDistrict(3000, 2), path.join(work, 'second'), { version: '1.1' });
  const first = await runSync(pool, await createSyncRun(pool, 'first', {}), path.join(work, 'first'), {});
  t.equal(first.status, 'succeeded');
  const before = await snapshot(pool);

  const cli = spawnScript('src/roster-sync/cli.ts', [path.join(work, 'second'), '--allow-mass-deactivation'],
    { DATABASE_URL: database.url, LOG_LEVEL: 'warn' });
  // Wait until the sync's connection is writing roster rows (the apply phase), then kill the process outright.
  let applying = false;
  while (!applying && cli.child.exitCode === null) {
    const { rows } = await pool.query(`select 1 from pg_stat_activity where application_name = 'kinship-roster-sync'
      and state = 'active' and (query like 'create temp table up\\_%' or query like 'insert into %' or query like 'update %')
      and query not like '%sync_runs%'`);
    applying = rows.length > 0;
    if (!applying) await new Promise((r) => setTimeout(r, 10));
  }
  t.ok(applying, 'caught the sync while applying');
  cli.child.kill('SIGKILL');
  t.equal((await cli.exited).signal, 'SIGKILL');
  // The server ends the orphaned transaction once it notices the closed connection.
  for (let i = 0; i < 500; i++) {
    const { rows } = await pool.query(`select 1 from pg_stat_activity where application_name = 'kinship-roster-sync'`);
    if (rows.length === 0) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  t.equal(await snapshot(pool), before, 'every roster table is as it was');
  const run = (await pool.query(`select status from sync_runs order by created_at desc limit 1`)).rows[0];
  t.equal(run.status, 'running', 'the killed run keeps the state it last recorded');
});
