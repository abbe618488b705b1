// API benchmark: seeds a district, captures each workload's SQL, then loads the real app and the bare ceiling with autocannon.
// Usage: npm run bench  (env: BENCH_DATABASE_URL, BENCH_DURATION=10, BENCH_CONNECTIONS=100, BENCH_SKIP_SEED=1, BENCH_PROFILE=1,
// BENCH_ONLY=<substring of a workload name>). Prints a markdown table; never asserts on time.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import pg from 'pg';
import { buildApp } from '../src/app.ts';
import { BENCH_CONTACT_LOG, benchConfig, workloads, type Workload } from './api-workloads.ts';
import { CEILING_VARIANTS, ceilingPath, type Capture, type CapturedStatement, type CeilingVariant } from './ceiling.ts';
import { seedApiBench, SIZE } from './seed-api.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const url = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/kinship_bench_api';
const duration = Number(process.env.BENCH_DURATION ?? 10);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 100);
const selected = workloads().filter((w) => !process.env.BENCH_ONLY || w.name.includes(process.env.BENCH_ONLY));
const log = (line: string) => process.stdout.write(`${line}\n`);

if (!process.env.BENCH_SKIP_SEED) {
  log(`seeding ${url}: ${Object.entries(SIZE).map(([k, v]) => `${v} ${k}`).join(', ')}`);
  await seedApiBench(url, log);
} else {
  // Each run inserts some 100,000 audit rows, and the write workload thousands of contact logs on one student and day,
  // whose report summary each insert recomputes: starting from the seeded data keeps runs on one seed comparable.
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query('truncate audit_events, idempotency_keys');
  const { rowCount } = await client.query('delete from contact_logs where student_id = $1 and occurred_at = $2 and summary = $3',
    [BENCH_CONTACT_LOG.studentId, BENCH_CONTACT_LOG.occurredAt, BENCH_CONTACT_LOG.summary]);
  await client.end();
  log(`reusing ${url}; audit trail and idempotency keys emptied, ${rowCount} contact logs of earlier runs deleted`);
}

/** Runs each workload once through the real app and records the SQL it sends, for the ceiling to replay. */
async function captureSql(): Promise<Capture> {
  const original = pg.Client.prototype.query;
  let sink: CapturedStatement[] | undefined;
  pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
    // Only the request's own pool: the start-up sweep of interrupted roster syncs runs on another pool in the background.
    const fromRequestPool = (this as unknown as { connectionParameters: { application_name?: string } }).connectionParameters.application_name === 'kinship-api';
    // A text and its values, or (a prepared statement) a config holding them.
    const [first, second] = args as [unknown, unknown[] | undefined];
    const statement = typeof first === 'string' ? { text: first, values: second ?? [] }
      : first && typeof first === 'object' && typeof (first as { text?: unknown }).text === 'string' ? first as CapturedStatement : undefined;
    if (sink && fromRequestPool && statement) sink.push({ text: statement.text, values: statement.values ?? [] });
    return (original as (...a: unknown[]) => unknown).apply(this, args);
  } as typeof original;
  const app = await buildApp(benchConfig(url));
  const capture: Capture = {};
  try {
    await app.ready();
    for (const w of selected) {
      sink = [];
      const res = await app.inject({ method: w.method, url: w.path, headers: w.headers, payload: w.body });
      const captured = sink;
      sink = undefined;
      const errors = w.path === '/graphql' ? (res.json() as { errors?: unknown[] }).errors : undefined;
      if (res.statusCode >= 300 || errors) throw new Error(`${w.name} answered ${res.statusCode}: ${res.body.slice(0, 500)}`);
      capture[w.name] = { method: w.method, statements: captured };
      log(`${w.name}: ${res.statusCode}, ${res.body.length} bytes, ${captured.length} SQL statements`);
    }
  } finally {
    await app.close();
    pg.Client.prototype.query = original;
  }
  return capture;
}

/** The V8 options `npm start` gives the service (before `--import`): both servers run under them. */
const SERVICE_NODE_OPTIONS = (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } })
  .scripts.start.split(' --import')[0]!.split(' ').slice(1);

function start(script: string, env: Record<string, string>, nodeArgs: string[] = []): Promise<ChildProcess> {
  const child = spawn(process.execPath, [...SERVICE_NODE_OPTIONS, ...nodeArgs, '--import', 'tsx', path.join(ROOT, script)], {
    cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => { if (/listening/.test(chunk.toString())) resolve(child); });
    child.on('exit', (code) => reject(new Error(`${script} exited with ${code}`)));
  });
}

interface Measured { rps: number; p50: number; p99: number; non2xx: number; errors: number; cpuPerRequest?: number; pgCpuPerRequest?: number }

/**
 * CPU time (user + system, µs) a process has used, from /proc; undefined where there is none. Requests/s moves with
 * whatever else the machine runs; the server's own CPU per request moves much less, so it is what compares two versions.
 */
const TICKS_PER_SECOND = existsSync('/proc/self/stat') ? Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100 : 0;
function cpuMicros(pid: number | undefined): number | undefined {
  const fields = TICKS_PER_SECOND && pid !== undefined ? procStat(pid) : undefined;
  return fields ? ((Number(fields[11]) + Number(fields[12])) * 1e6) / TICKS_PER_SECOND : undefined;
}

/** The fields of /proc/<pid>/stat after the command name: [0] state, [1] parent pid, [11] utime, [12] stime, [13] cutime, [14] cstime. */
function procStat(pid: number | string): string[] | undefined {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  } catch {
    return undefined; // gone, or no /proc
  }
}

/** The postmaster's pid when the bench database runs on this machine (a backend's parent, found in /proc), else undefined. */
async function localPostmaster(): Promise<number | undefined> {
  if (!TICKS_PER_SECOND) return undefined;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const pid = (await client.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]!.pid;
    const comm = existsSync(`/proc/${pid}/comm`) ? readFileSync(`/proc/${pid}/comm`, 'utf8').trim() : '';
    return comm.startsWith('postgres') ? Number(procStat(pid)?.[1]) : undefined;
  } finally {
    await client.end();
  }
}

/**
 * CPU time (µs) of the whole PostgreSQL server: the postmaster, its live children (backends, WAL writer, autovacuum…)
 * and the children it has reaped (backends that exited). Read before and after a run, the difference is what the run
 * cost the database, whichever connection did the work.
 */
function postgresCpuMicros(postmaster: number | undefined): number | undefined {
  const own = postmaster === undefined ? undefined : procStat(postmaster);
  if (!own) return undefined;
  let ticks = Number(own[11]) + Number(own[12]) + Number(own[13]) + Number(own[14]);
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const fields = procStat(entry);
    if (fields && Number(fields[1]) === postmaster) ticks += Number(fields[11]) + Number(fields[12]);
  }
  return (ticks * 1e6) / TICKS_PER_SECOND;
}

async function load(base: string, target: string, w: Workload, seconds: number, server?: ChildProcess): Promise<Measured> {
  const [before, pgBefore] = [cpuMicros(server?.pid), postgresCpuMicros(postmaster)];
  const result = await autocannon({
    url: base + target, method: w.method, headers: w.headers, body: w.body, connections, duration: seconds,
  });
  const [after, pgAfter] = [cpuMicros(server?.pid), postgresCpuMicros(postmaster)];
  const perRequest = (from: number | undefined, to: number | undefined) =>
    (from !== undefined && to !== undefined && result.requests.total > 0 ? (to - from) / result.requests.total : undefined);
  return {
    rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, non2xx: result.non2xx, errors: result.errors + result.timeouts,
    cpuPerRequest: perRequest(before, after), pgCpuPerRequest: perRequest(pgBefore, pgAfter),
  };
}

const microsText = (value: number | undefined) => (value === undefined ? '–' : value.toFixed(0));
const cpuText = (m: Measured) => microsText(m.cpuPerRequest);
const pgCpuText = (m: Measured) => microsText(m.pgCpuPerRequest);

/** a / b to two places, or a dash when b completed no request in its run (overloaded past autocannon's timeout). */
const ratioText = (a: number, b: number) => (b > 0 ? (a / b).toFixed(2) : '–');

const postmaster = await localPostmaster();
const capture = await captureSql();
const captureFile = path.join(tmpdir(), `kinship-bench-capture-${process.pid}.json`);
writeFileSync(captureFile, JSON.stringify(capture));
const [appPort, ceilingPort] = [39_411, 39_412];
const profileDir = path.join(tmpdir(), 'kinship-bench-profiles');
if (process.env.BENCH_PROFILE) mkdirSync(profileDir, { recursive: true });
const server = await start('bench/api-server.ts', { BENCH_DATABASE_URL: url, PORT: String(appPort) },
  process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []);
const ceiling = await start('bench/ceiling.ts', { BENCH_DATABASE_URL: url, BENCH_CAPTURE: captureFile, PORT: String(ceilingPort) });

const rows: string[] = [];
try {
  for (const w of selected) {
    const ours = `http://127.0.0.1:${appPort}`;
    const bare = `http://127.0.0.1:${ceilingPort}`;
    await load(ours, w.path, w, 2);
    const measured = await load(ours, w.path, w, duration, server);
    const ceilingRun = async (variant: CeilingVariant) => {
      await load(bare, ceilingPath(w.name, variant), w, 2);
      return load(bare, ceilingPath(w.name, variant), w, duration, ceiling);
    };
    const top = await ceilingRun(CEILING_VARIANTS.bare);
    const audited = await ceilingRun(CEILING_VARIANTS.audited);
    const unnamed = await ceilingRun(CEILING_VARIANTS.unnamed);
    const ratio = measured.rps / top.rps;
    const verdict = [w.read && top.rps > 0 && ratio < 0.6 ? 'ratio < 0.6' : '', measured.p99 >= 50 ? 'p99 ≥ 50 ms' : '', measured.non2xx + measured.errors > 0 ? `${measured.non2xx} non-2xx, ${measured.errors} errors` : '']
      .filter(Boolean).join('; ') || 'within budget';
    rows.push(`| ${w.name} | ${capture[w.name]!.statements.length} | ${measured.rps.toFixed(0)} | ${measured.p50} | ${measured.p99} | ${cpuText(measured)} | ${pgCpuText(measured)} | ${top.rps.toFixed(0)} | ${top.p99} | ${cpuText(top)} | ${pgCpuText(top)} | ${ratioText(measured.rps, top.rps)} | ${audited.rps.toFixed(0)} | ${pgCpuText(audited)} | ${ratioText(measured.rps, audited.rps)} | ${unnamed.rps.toFixed(0)} | ${ratioText(measured.rps, unnamed.rps)} | ${verdict} |`);
    log(rows.at(-1)!);
  }
} finally {
  server.kill('SIGTERM');
  ceiling.kill('SIGTERM');
}
log(`\n${connections} connections, ${duration} s per run, loopback, both servers under \`${SERVICE_NODE_OPTIONS.join(' ')}\` as \`npm start\` runs the service; ceiling = the same SQL through bare fastify + pg (no auth, validation, audit), statements with parameters prepared as the app prepares them; ceiling + audit keeps the audit and idempotency statements; the unnamed ceiling sends every statement unnamed (the ceiling before the app prepared statements); CPU µs/req is the server process's own user + system CPU over the run (from /proc) divided by the requests it answered, steadier than req/s on a shared machine; PG CPU µs/req is the same for the whole PostgreSQL server (postmaster and all its processes), when it runs on this machine.\n`);
log('| workload | SQL statements | our req/s | p50 ms | p99 ms | our CPU µs/req | our PG CPU µs/req | ceiling req/s | ceiling p99 ms | ceiling CPU µs/req | ceiling PG CPU µs/req | ratio | ceiling + audit req/s | its PG CPU µs/req | ratio to it | unnamed ceiling req/s | ratio to it | budget |');
log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|');
for (const row of rows) log(row);
if (process.env.BENCH_PROFILE) log(`\nCPU profile of the app server in ${profileDir} (open in Chrome DevTools or speedscope)`);
