// Delta syncs and guardian links: a delta never overwrites what it does not carry (relationship, the other side's links).
import pg from 'pg';
import t from 'tap';
import { createSyncRun, runSync, type SyncResult } from '../../src/roster-sync/sync-service.ts';
import { createTestDatabase } from '../helpers/databases.ts';
import { baseExport11, MANIFEST_11, writeExport } from './export-files.ts';

const database = await createTestDatabase();
const pool = new pg.Pool({ connectionString: database.url, max: 3 });
t.teardown(async () => {
  await pool.end();
  await database.drop();
});

async function sync(files: Record<string, string>): Promise<SyncResult> {
  const dir = await writeExport(files);
  return runSync(pool, await createSyncRun(pool, dir, {}), dir, {});
}
async function links(): Promise<Record<string, string>> {
  const { rows } = await pool.query<{ pair: string; rel: string; status: string }>(`select st.sourced_id || '-' || g.sourced_id as pair,
    x.relationship as rel, x.status from student_guardians x join students st on st.id = x.student_id
    join guardians g on g.id = x.guardian_id order by 1`);
  return Object.fromEntries(rows.map((r) => [r.pair, `${r.rel}/${r.status}`]));
}
async function updatedAts(): Promise<string> {
  const { rows } = await pool.query(`select string_agg(updated_at::text, ',' order by student_id, guardian_id) as u from student_guardians`);
  return rows[0].u as string;
}

const USERS_HEADER = 'sourcedId,status,dateLastModified,enabledUser,orgSourcedIds,role,username,userIds,givenName,familyName,middleName,identifier,email,sms,phone,agentSourcedIds,grades,password,metadata.relationship';
const DEMOGRAPHICS_HEADER = 'sourcedId,status,dateLastModified,birthDate,sex,americanIndianOrAlaskaNative,asian,blackOrAfricanAmerican,nativeHawaiianOrOtherPacificIslander,white,demographicRaceTwoOrMoreRaces,hispanicOrLatinoEthnicity,countryOfBirthCode,stateOfBirthAbbreviation,cityOfBirth,publicSchoolResidenceStatus';
const delta = (users: string[], demographics?: string[]) => ({
  'manifest.csv': MANIFEST_11({ orgs: 'absent', academicSessions: 'absent', courses: 'absent', classes: 'absent', users: 'delta',
    enrollments: 'absent', demographics: demographics ? 'delta' : 'absent' }),
  'users.csv': [USERS_HEADER, ...users].join('\n') + '\n',
  ...(demographics ? { 'demographics.csv': [DEMOGRAPHICS_HEADER, ...demographics].join('\n') + '\n' } : {}),
});

t.test('bulk: relationships come from metadata.relationship, then a parent\'s sex in demographics', async (t) => {
  // u1 – p1: metadata says Mother. u2 – p2: a parent with no metadata, female in demographics → mother.
  const files = baseExport11();
  files['users.csv'] = files['users.csv']!.replace('u2,,,true,s1,student,ben,,Ben,Lopez,,,,,,p1,', 'u2,,,true,s1,student,ben,,Ben,Lopez,,,,,,p2,')
    + 'p2,,,true,s1,parent,rosa,,Rosa,Diaz,,,rosa@example.com,,,,,,\n';
  files['manifest.csv'] = files['manifest.csv']!.replace('file.demographics,absent', 'file.demographics,bulk');
  files['demographics.csv'] = `${DEMOGRAPHICS_HEADER}\np2,,,1985-02-03,female,,,,,,,,,,,\n`;
  const r = await sync(files);
  t.equal(r.status, 'succeeded', JSON.stringify(r.errors));
  t.same(await links(), { 'u1-p1': 'mother/active', 'u2-p2': 'mother/active' });
});

t.test('a delta touching only the students keeps the relationships it does not carry', async (t) => {
  const before = await updatedAts();
  const r = await sync(delta([
    'u1,active,2026-01-05T00:00:00Z,true,s1,student,ana,,Anna,Lopez,,,ana@example.org,,,p1,05,,',
    'u2,active,2026-01-05T00:00:00Z,true,s1,student,ben,,Benjamin,Lopez,,,,,,p2,03,,',
  ]));
  t.equal(r.status, 'succeeded', JSON.stringify(r.errors));
  t.match(r.counts.students, { updated: 2 });
  t.same(await links(), { 'u1-p1': 'mother/active', 'u2-p2': 'mother/active' }, 'mother stays mother');
  t.match(r.counts.guardianLinks, { created: 0, updated: 0, deactivated: 0, unchanged: 2 });
  t.equal(await updatedAts(), before, 'no link row written');
});

t.test('a delta carrying a guardian without sex in demographics keeps the mother a parent\'s sex gave', async (t) => {
  const r = await sync(delta(['p2,active,2026-01-06T00:00:00Z,true,s1,parent,rosa,,Rosa,Diaz-Ruiz,,,rosa@example.com,,,u2,,,']));
  t.equal(r.status, 'succeeded', JSON.stringify(r.errors));
  t.same(await links(), { 'u1-p1': 'mother/active', 'u2-p2': 'mother/active' });
  t.match(r.counts.guardianLinks, { updated: 0, deactivated: 0 });
});

t.test('a delta with a guardian row that lists no students leaves the links the students list', async (t) => {
  const r = await sync(delta(['p1,active,2026-01-07T00:00:00Z,true,s1,parent,maria,,Maria,Lopez,,,maria@example.org,(555) 201-1111,,,,,Mother']));
  t.equal(r.status, 'succeeded', JSON.stringify(r.errors));
  t.match(r.counts.guardians, { updated: 1 });
  t.same(await links(), { 'u1-p1': 'mother/active', 'u2-p2': 'mother/active' });
});

t.test('what a delta does carry still changes: a new relationship, a new sex, and a link the student drops', async (t) => {
  let r = await sync(delta(['p1,active,2026-01-08T00:00:00Z,true,s1,parent,maria,,Maria,Lopez,,,maria@example.org,(555) 201-1111,,u1,,,Stepmother']));
  t.equal(r.status, 'succeeded', JSON.stringify(r.errors));
  t.match(r.counts.guardianLinks, { updated: 1 });
  t.equal((await links())['u1-p1'], 'stepparent/active');

  r = await sync(delta(['p2,active,2026-01-09T00:00:00Z,true,s1,parent,rosa,,Rosa,Diaz-Ruiz,,,rosa@example.com,,,u2,,,'],
    ['p2,active,2026-01-09T00:00:00Z,1985-02-03,male,,,,,,,,,,,']));
  t.equal(r.status, 'succeeded', JSON.stringify(r.errors));
  t.equal((await links())['u2-p2'], 'father/active');

  r = await sync(delta(['u2,active,2026-01-10T00:00:00Z,true,s1,student,ben,,Benjamin,Lopez,,,,,,,03,,']));
  t.equal(r.status, 'succeeded', JSON.stringify(r.errors));
  t.match(r.counts.guardianLinks, { deactivated: 1 });
  t.equal((await links())['u2-p2'], 'father/inactive', 'the student\'s row no longer lists p2');
});
