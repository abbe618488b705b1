// Roster sync against a real database: counts, idempotency, deactivation, delta, guard, local data, families, dry run, zip.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import t from 'tap';
import { createSyncRun, runSync, type SyncOptions, type SyncResult } from '../../src/roster-sync/sync-service.ts';
import { createTestDatabase } from '../helpers/databases.ts';
import { baseExport11, MANIFEST_11, writeExport, zipDirectory } from './export-files.ts';

const database = await createTestDatabase();
const pool = new pg.Pool({ connectionString: database.url, max: 3 });
t.teardown(async () => {
  await pool.end();
  await database.drop();
});

async function sync(location: string, options: SyncOptions = {}): Promise<SyncResult> {
  return runSync(pool, await createSyncRun(pool, location, options), location, options);
}
const one = async <T>(text: string, values: unknown[] = []) => (await pool.query(text, values)).rows[0] as T;
const status = async (table: string, sourcedId: string) =>
  (await one<{ status: string }>(`select status from ${table} where source = 'sis' and sourced_id = $1`, [sourcedId])).status;
const counts = (r: SyncResult, entity: string) => r.counts[entity];
/** Every roster row with its updated_at, to prove a run wrote nothing. */
async function snapshot(): Promise<string> {
  const parts: string[] = [];
  for (const table of ['orgs', 'academic_sessions', 'courses', 'classes', 'staff', 'students', 'guardians', 'families',
    'student_guardians', 'enrollments']) {
    const { rows } = await pool.query(`select md5(coalesce(string_agg(t::text, '|' order by t.id), '')) as h from ${table} t`);
    parts.push(`${table}:${rows[0].h}`);
  }
  for (const table of ['student_schools', 'staff_schools', 'class_academic_sessions']) {
    const { rows } = await pool.query(`select md5(coalesce(string_agg(t::text, '|' order by t::text), '')) as h from ${table} t`);
    parts.push(`${table}:${rows[0].h}`);
  }
  return parts.join('\n');
}
const withUsers = (extra: string[], drop: string[] = []) => {
  const files = baseExport11();
  const lines = files['users.csv']!.trimEnd().split('\n').filter((l) => !drop.some((id) => l.startsWith(`${id},`)));
  files['users.csv'] = [...lines, ...extra].join('\n') + '\n';
  files['enrollments.csv'] = files['enrollments.csv']!.trimEnd().split('\n')
    .filter((l) => !drop.some((id) => l.includes(`,${id},`))).join('\n') + '\n';
  return files;
};

t.test('a strict export with an error is rejected and writes nothing; lenient imports the valid rows', async (t) => {
  const files = baseExport11();
  files['enrollments.csv'] += 'e9,,,k404,s1,u1,student,false,,\n';
  const dir = await writeExport(files);
  const strict = await sync(dir);
  t.equal(strict.status, 'rejected');
  t.match(strict.errors, [{ file: 'enrollments.csv', line: 5 }]);
  t.equal(Number((await one<{ n: string }>('select count(*) as n from students')).n), 0);
  t.equal(Number((await one<{ n: string }>('select count(*) as n from orgs')).n), 0);
  const runRow = await one<{ status: string; errors: unknown[] }>('select status, errors from sync_runs where id = $1', [strict.id]);
  t.equal(runRow.status, 'rejected');
  t.equal(runRow.errors.length, strict.errors.length);

  const lenient = await sync(dir, { lenient: true });
  t.equal(lenient.status, 'succeeded');
  t.match(counts(lenient, 'students'), { created: 2 });
  t.match(counts(lenient, 'enrollments'), { created: 3 });
  t.match(counts(lenient, 'staff'), { created: 1 });
  t.match(counts(lenient, 'guardians'), { created: 1 });
  t.match(counts(lenient, 'guardianLinks'), { created: 2 });
  t.match(counts(lenient, 'families'), { created: 1 });
  t.equal(lenient.errors.length, 1);
});

t.test('the same export twice: the second run changes nothing and reports everything unchanged', async (t) => {
  const dir = await writeExport(baseExport11());
  const before = await snapshot();
  const again = await sync(dir);
  t.equal(again.status, 'succeeded');
  for (const [entity, c] of Object.entries(again.counts)) {
    t.same({ created: c.created, updated: c.updated, deactivated: c.deactivated }, { created: 0, updated: 0, deactivated: 0 }, entity);
  }
  t.equal(counts(again, 'students')?.unchanged, 2);
  t.equal(counts(again, 'enrollments')?.unchanged, 3);
  t.equal(await snapshot(), before, 'no row written, updated_at untouched');

  const zip = path.join(dir, '..', `${path.basename(dir)}.zip`);
  await writeFile(zip, await zipDirectory(dir));
  const fromZip = await sync(zip);
  t.equal(fromZip.status, 'succeeded');
  t.same(fromZip.counts, again.counts, 'the zip reads exactly like the directory');
  t.equal(await snapshot(), before);
});

t.test('local records and guardians\' local fields survive; a new sibling joins the existing family', async (t) => {
  await pool.query(`update guardians set preferred_language = 'es', needs_interpreter = true, contact_notes = 'evenings'
    where sourced_id = 'p1'`);
  const school = await one<{ id: string }>(`select id from orgs where sourced_id = 's1'`);
  await pool.query(`insert into students (source, given_name, family_name, school_id) values ('local', 'Lia', 'Local', $1)`, [school.id]);
  const family = await one<{ family_id: string }>(`select family_id from students where sourced_id = 'u1'`);

  const dir = await writeExport(withUsers(['u4,,,true,s1,student,cleo,,Cleo,Lopez,,,,,,p1,01,,']));
  const r = await sync(dir);
  t.equal(r.status, 'succeeded');
  t.match(counts(r, 'students'), { created: 1, updated: 0 });
  t.match(counts(r, 'families'), { created: 0, updated: 1 });
  const g = await one<Record<string, unknown>>(`select preferred_language, needs_interpreter, contact_notes from guardians where sourced_id = 'p1'`);
  t.same(g, { preferred_language: 'es', needs_interpreter: true, contact_notes: 'evenings' });
  t.equal((await one<{ status: string }>(`select status from students where source = 'local'`)).status, 'active');
  const ids = (await pool.query(`select distinct family_id from students where sourced_id in ('u1', 'u2', 'u4')`)).rows;
  t.same(ids, [{ family_id: family.family_id }], 'one family, the one the siblings already had');
  t.equal((await one<{ family_id: string }>(`select family_id from guardians where sourced_id = 'p1'`)).family_id, family.family_id);
});

t.test('bulk: the guard rejects a mass deactivation unless overridden; missing rows are deactivated, never deleted', async (t) => {
  const dir = await writeExport(withUsers(['u4,,,true,s1,student,cleo,,Cleo,Lopez,,,,,,p1,01,,'], ['u2']));
  const before = await snapshot();
  const guarded = await sync(dir);
  t.equal(guarded.status, 'rejected');
  t.match(guarded.errors, [{ file: 'users.csv', message: /deactivate 1 of 3 active students/ }]);
  t.equal(await snapshot(), before, 'nothing written');

  const loose = await sync(dir, { massDeactivationThreshold: 0.5 });
  t.equal(loose.status, 'succeeded');
  t.match(counts(loose, 'students'), { deactivated: 1, created: 0 });
  t.match(counts(loose, 'enrollments'), { deactivated: 1 });
  t.equal(await status('students', 'u2'), 'inactive');
  t.equal(await status('enrollments', 'e2'), 'inactive');
  t.equal((await one<{ status: string }>(`select x.status from student_guardians x join students s on s.id = x.student_id
    where s.sourced_id = 'u2'`)).status, 'inactive');
  t.equal(Number((await one<{ n: string }>(`select count(*) as n from students where source = 'sis'`)).n), 3, 'kept, not deleted');

  const dropMore = await writeExport(withUsers([], ['u2', 'u4']));
  t.equal((await sync(dropMore)).status, 'rejected');
  const allowed = await sync(dropMore, { allowMassDeactivation: true });
  t.equal(allowed.status, 'succeeded');
  t.equal(await status('students', 'u4'), 'inactive');

  const back = await sync(await writeExport(withUsers(['u4,,,true,s1,student,cleo,,Cleo,Lopez,,,,,,p1,01,,'])));
  t.equal(back.status, 'succeeded');
  t.match(counts(back, 'students'), { updated: 2, created: 0 });
  t.equal(await status('students', 'u2'), 'active', 'a returning student is reactivated');
});

t.test('delta: tobedeleted deactivates, rows not in the delta stay as they are', async (t) => {
  const dir = await writeExport({
    'manifest.csv': MANIFEST_11({ orgs: 'absent', academicSessions: 'absent', courses: 'absent', classes: 'absent', users: 'delta', enrollments: 'delta', demographics: 'absent' }),
    'users.csv': 'sourcedId,status,dateLastModified,enabledUser,orgSourcedIds,role,username,userIds,givenName,familyName,middleName,identifier,email,sms,phone,agentSourcedIds,grades,password\n' +
      'u1,tobedeleted,2026-01-05T00:00:00Z,true,s1,student,ana,,Ana,Lopez,,,ana@example.org,,,p1,05,\n',
    'enrollments.csv': 'sourcedId,status,dateLastModified,classSourcedId,schoolSourcedId,userSourcedId,role,primary,beginDate,endDate\n' +
      'e1,tobedeleted,2026-01-05T00:00:00Z,k1,s1,u1,student,false,,\n',
  });
  const r = await sync(dir);
  t.equal(r.status, 'succeeded', JSON.stringify(r.errors));
  t.match(counts(r, 'students'), { deactivated: 1 });
  t.equal(await status('students', 'u1'), 'inactive');
  t.equal(await status('enrollments', 'e1'), 'inactive');
  t.equal(await status('students', 'u2'), 'active');
  t.equal(await status('staff', 'u3'), 'active');
});

t.test('a dry run reports what it would do and writes nothing but its sync_runs row', async (t) => {
  const files = baseExport11();
  files['users.csv'] = files['users.csv']!.replace('Ana,Lopez', 'Anna,Lopez');
  const before = await snapshot();
  const r = await sync(await writeExport(files), { dryRun: true, allowMassDeactivation: true });
  t.equal(r.status, 'succeeded');
  t.ok((counts(r, 'students')?.updated ?? 0) >= 1);
  t.equal(await snapshot(), before);
  const row = await one<{ dry_run: boolean; status: string }>('select dry_run, status from sync_runs where id = $1', [r.id]);
  t.same(row, { dry_run: true, status: 'succeeded' });
});
