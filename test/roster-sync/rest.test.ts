// Roster syncs over REST and GraphQL: upload, queue, poll, counts as the CLI's, rejection, dry run, access, bad bodies.
import { readdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { bearer, startTestApp } from '../helpers/app.ts';
import { createTestDatabase } from '../helpers/databases.ts';
import { spawnScript } from '../helpers/process.ts';
import { baseExport11, writeExport, zipDirectory } from './export-files.ts';

const uploadsBefore = await tmpUploads();
const { app } = await startTestApp(t);
const as = {
  admin: bearer(app, { role: 'district_admin', sub: 'admin-1' }),
  sis: bearer(app, { role: 'integration', sub: 'sis', scope: 'roster:write' }),
  reader: bearer(app, { role: 'integration', sub: 'warehouse', scope: 'roster:read partnership:read' }),
  teacher: bearer(app, { role: 'teacher', sub: '5b0c2a52-8f3e-4c1e-9a43-0d4d7c3b6a11' }),
  schoolAdmin: bearer(app, { role: 'school_admin', sub: '5b0c2a52-8f3e-4c1e-9a43-0d4d7c3b6a12' }),
};
const FINAL = new Set(['succeeded', 'rejected', 'failed']);
type Run = { id: string; status: string; dryRun: boolean; counts: Record<string, Record<string, number>>; errors: Array<Record<string, unknown>>;
  createdAt: string; startedAt: string | null; finishedAt: string | null; requestedBy: string | null; options: Record<string, boolean> };

async function tmpUploads(): Promise<number> {
  return (await readdir(os.tmpdir())).filter((n) => n.startsWith('roster-upload-')).length;
}
const zipOf = async (files: Record<string, string>) => zipDirectory(await writeExport(files));
const upload = (payload: Buffer | string, headers: Record<string, string>, query = '', contentType = 'application/zip') =>
  app.inject({ method: 'POST', url: `/v1/roster/syncs${query}`, payload, headers: { ...headers, 'content-type': contentType } });
const rosterCount = async (table: string) => Number((await app.db.selectFrom(table as 'students').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
const runCount = () => rosterCount('sync_runs');

async function settle(id: string, headers = as.admin): Promise<Run> {
  for (let i = 0; i < 2000; i++) {
    const res = await app.inject({ method: 'GET', url: `/v1/roster/syncs/${id}`, headers });
    const run = res.json() as Run;
    if (FINAL.has(run.status)) return run;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`run ${id} did not finish`);
}

/** The CLI's summary table for the same export, run against a database of its own. */
async function cliCounts(dir: string): Promise<Record<string, Record<string, number>>> {
  const db = await createTestDatabase();
  try {
    const cli = spawnScript('src/roster-sync/cli.ts', [dir], { DATABASE_URL: db.url, LOG_LEVEL: 'warn' });
    const { code } = await cli.exited;
    if (code !== 0) throw new Error(cli.output());
    const counts: Record<string, Record<string, number>> = {};
    for (const line of cli.output().split('\n')) {
      const m = /^(\w+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)$/.exec(line.trim());
      if (m) counts[m[1]!] = { created: +m[2]!, updated: +m[3]!, deactivated: +m[4]!, unchanged: +m[5]! };
    }
    return counts;
  } finally {
    await db.drop();
  }
}

t.test('POST answers 202 with Location and the queued run; it succeeds with the counts the CLI reports', async (t) => {
  const dir = await writeExport(baseExport11());
  const res = await upload(await zipDirectory(dir), as.admin);
  t.equal(res.statusCode, 202, res.body);
  const run = res.json() as Run;
  t.equal(res.headers.location, `/v1/roster/syncs/${run.id}`);
  t.match(run, { status: 'queued', dryRun: false, requestedBy: 'district_admin:admin-1', options: { lenient: false, allowMassDeactivation: false },
    counts: {}, errors: [], startedAt: null, finishedAt: null });
  const done = await settle(run.id);
  t.equal(done.status, 'succeeded', JSON.stringify(done.errors));
  t.ok(done.startedAt && done.finishedAt);
  t.match(done.counts.students, { created: 2 });
  t.equal(await rosterCount('students'), 2);
  t.same(done.counts, await cliCounts(dir), 'the same counts as npm run roster:sync on the same export');
});

t.test('a strict export with errors is rejected with file, line and column, and writes nothing', async (t) => {
  const files = baseExport11();
  files['users.csv'] = files['users.csv']!.replace('u2,,,true,s1,student,ben,,Ben,Lopez', 'u5,,,true,s1,student,eve,,Eve,Ruiz') + 'u6,,,maybe,s1,student,sam,,Sam,Ruiz,,,,,,,05,,\n';
  files['enrollments.csv'] += 'e9,,,k404,s1,u1,student,false,,\n';
  const before = await rosterCount('students');
  const res = await upload(await zipOf(files), as.sis);
  t.equal(res.statusCode, 202);
  const run = await settle(res.json().id);
  t.equal(run.status, 'rejected');
  t.same(run.errors, [
    { severity: 'error', file: 'users.csv', line: 6, column: 'enabledUser', message: '"maybe" is not a boolean (true or false)' },
    { severity: 'error', file: 'enrollments.csv', line: 3, column: 'userSourcedId', message: 'user "u2" is not in users.csv' },
    { severity: 'error', file: 'enrollments.csv', line: 5, column: 'classSourcedId', message: 'class "k404" is not in classes.csv' },
  ]);
  t.same(run.counts, {});
  t.equal(await rosterCount('students'), before, 'nothing written');
});

t.test('a dry run computes the counts and writes nothing but its run', async (t) => {
  const files = baseExport11();
  files['users.csv'] = files['users.csv']!.replace('Ana,Lopez', 'Anna,Lopez') + 'u7,,,true,s1,student,cy,,Cy,Lopez,,,,,,p1,02,,\n';
  const given = async () => (await app.db.selectFrom('students').select('givenName').where('sourcedId', '=', 'u1').executeTakeFirstOrThrow()).givenName;
  const res = await upload(await zipOf(files), as.admin, '?dryRun=true');
  t.equal(res.statusCode, 202);
  t.equal(res.json().dryRun, true);
  const run = await settle(res.json().id);
  t.equal(run.status, 'succeeded');
  t.match(run.counts.students, { created: 1, updated: 1 });
  t.equal(await rosterCount('students'), 2);
  t.equal(await given(), 'Ana');
});

t.test('only district admins and roster:write integrations start syncs; roster:read integrations read them', async (t) => {
  const zip = await zipOf(baseExport11());
  const runs = await runCount();
  for (const [who, headers] of [['teacher', as.teacher], ['school admin', as.schoolAdmin], ['roster:read integration', as.reader]] as const) {
    const res = await upload(zip, headers);
    t.equal(res.statusCode, 403, who);
    t.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8');
  }
  t.equal((await upload(zip, {})).statusCode, 401);
  t.equal(await runCount(), runs, 'nothing queued');
  const list = await app.inject({ method: 'GET', url: '/v1/roster/syncs', headers: as.reader });
  t.equal(list.statusCode, 200);
  const id = list.json().data[0].id as string;
  t.equal((await app.inject({ method: 'GET', url: `/v1/roster/syncs/${id}`, headers: as.reader })).statusCode, 200);
  t.equal((await app.inject({ method: 'GET', url: '/v1/roster/syncs', headers: as.teacher })).statusCode, 403);
  t.equal((await app.inject({ method: 'GET', url: `/v1/roster/syncs/${id}`, headers: as.teacher })).statusCode, 403);
  const none = bearer(app, { role: 'integration', sub: 'reports', scope: 'reports:read' });
  t.equal((await app.inject({ method: 'GET', url: '/v1/roster/syncs', headers: none })).statusCode, 403);
});

t.test('a body that is not a zip, or none, is refused and nothing is queued', async (t) => {
  const runs = await runCount();
  const notZip = await upload('sourcedId,status\n', as.admin);
  t.equal(notZip.statusCode, 400);
  t.match(notZip.json(), { code: 'KINSHIP_VALIDATION', errors: [{ path: '/body', message: 'is not a zip archive' }] });
  const empty = await upload('', as.admin);
  t.equal(empty.statusCode, 400);
  t.match(empty.json(), { errors: [{ path: '/body', message: 'is empty' }] });
  t.equal((await upload('a,b\n', as.admin, '', 'text/csv')).statusCode, 415);
  t.equal((await upload('{"a":1}', as.admin, '', 'application/json')).statusCode, 415);
  t.equal((await upload('a', as.admin, '', 'text/plain')).statusCode, 415);
  const badQuery = await upload(await zipOf(baseExport11()), as.admin, '?dryRun=perhaps&force=1');
  t.equal(badQuery.statusCode, 400);
  t.equal(await runCount(), runs);
});

t.test('two uploads back to back: the second waits for the first; an Idempotency-Key replays the first answer', async (t) => {
  const zip = await zipOf(baseExport11());
  const headers = { ...as.sis, 'idempotency-key': 'nightly-2026-01-05' };
  const first = await upload(zip, headers);
  const second = await upload(zip, as.admin, '?lenient=true');
  t.equal(first.statusCode, 202);
  t.equal(second.statusCode, 202);
  const replay = await upload(zip, headers);
  t.equal(replay.statusCode, 202);
  t.equal(replay.headers['idempotent-replayed'], 'true');
  t.equal(replay.json().id, first.json().id);
  const a = await settle(first.json().id);
  const b = await settle(second.json().id);
  t.equal(a.status, 'succeeded');
  t.equal(b.status, 'succeeded');
  t.same(b.options, { lenient: true, allowMassDeactivation: false });
  t.ok(Date.parse(b.startedAt!) >= Date.parse(a.finishedAt!), 'one sync at a time: the second started after the first finished');
  t.match(b.counts.students, { created: 0, updated: 0, unchanged: 2 });
});

t.test('runs list newest first, page by cursor and filter by status; one run has an ETag', async (t) => {
  const all = (await app.inject({ method: 'GET', url: '/v1/roster/syncs?limit=500', headers: as.admin })).json().data as Run[];
  t.equal(all.length, 5, 'every run of this file, the replayed upload only once');
  t.ok(all.every((r, i) => i === 0 || Date.parse(all[i - 1]!.createdAt) >= Date.parse(r.createdAt)), 'newest first');
  const seen: string[] = [];
  let cursor: string | null = null;
  do {
    const url: string = `/v1/roster/syncs?limit=2${cursor ? `&cursor=${cursor}` : ''}`;
    const res = await app.inject({ method: 'GET', url, headers: as.admin });
    t.equal(res.statusCode, 200);
    const body = res.json() as { data: Run[]; page: { nextCursor: string | null } };
    seen.push(...body.data.map((r) => r.id));
    cursor = body.page.nextCursor;
  } while (cursor);
  t.same(seen, all.map((r) => r.id), 'pages add up to the whole list, in order');
  const rejected = (await app.inject({ method: 'GET', url: '/v1/roster/syncs?status=rejected', headers: as.admin })).json().data as Run[];
  t.ok(rejected.length >= 1);
  t.ok(rejected.every((r) => r.status === 'rejected'));
  t.equal((await app.inject({ method: 'GET', url: '/v1/roster/syncs?status=done', headers: as.admin })).statusCode, 400);
  t.equal((await app.inject({ method: 'GET', url: '/v1/roster/syncs?school=1', headers: as.admin })).statusCode, 400);

  const one = await app.inject({ method: 'GET', url: `/v1/roster/syncs/${all[0]!.id}`, headers: as.admin });
  t.equal(one.statusCode, 200);
  t.ok(one.headers.etag);
  const cached = await app.inject({ method: 'GET', url: `/v1/roster/syncs/${all[0]!.id}`, headers: { ...as.admin, 'if-none-match': String(one.headers.etag) } });
  t.equal(cached.statusCode, 304);
  t.equal((await app.inject({ method: 'GET', url: '/v1/roster/syncs/00000000-0000-4000-8000-000000000000', headers: as.admin })).statusCode, 404);
  t.equal((await app.inject({ method: 'GET', url: '/v1/roster/syncs/nope', headers: as.admin })).statusCode, 400);
});

t.test('GraphQL: rosterSyncs and rosterSync give the same runs, counts and issues as REST', async (t) => {
  const rest = (await app.inject({ method: 'GET', url: '/v1/roster/syncs?status=rejected&limit=1', headers: as.admin })).json().data[0] as Run;
  const query = `query($id: UUID!) {
    rosterSyncs(first: 1, status: rejected) { nodes { id status } pageInfo { hasNextPage } }
    rosterSync(id: $id) { id status dryRun requestedBy options { lenient allowMassDeactivation }
      counts { entity created updated deactivated unchanged } errors { file line column message } timings { phase seconds } } }`;
  const res = await app.inject({ method: 'POST', url: '/graphql', headers: as.reader, payload: { query, variables: { id: rest.id } } });
  t.equal(res.statusCode, 200, res.body);
  const data = res.json().data;
  t.same(data.rosterSyncs.nodes, [{ id: rest.id, status: 'rejected' }]);
  t.equal(data.rosterSync.id, rest.id);
  t.same(data.rosterSync.errors, rest.errors.map(({ file, line, column, message }) => ({ file, line, column, message })));
  t.ok(data.rosterSync.timings.some((x: { phase: string }) => x.phase === 'total'));
  const denied = await app.inject({ method: 'POST', url: '/graphql', headers: as.teacher, payload: { query, variables: { id: rest.id } } });
  t.equal(denied.json().errors[0].extensions.code, 'FORBIDDEN');
});

t.test('uploaded files are removed once their runs finish', async (t) => {
  for (const run of (await app.inject({ method: 'GET', url: '/v1/roster/syncs?limit=500', headers: as.admin })).json().data as Run[]) await settle(run.id);
  t.equal(await tmpUploads(), uploadsBefore);
});
