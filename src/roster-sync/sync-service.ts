// Runs one roster sync end to end: sync_runs bookkeeping, one transaction, advisory lock, staging, apply, dry run.
import type pg from 'pg';
import { applyStaged, MassDeactivationError, type ApplyCounts } from './apply.ts';
import { openExport } from './export-source.ts';
import { ExportUnreadableError, type RosterIssue } from './issues.ts';
import { readExport, type ReadSummary } from './read-export.ts';
import { GUARDIAN, STAFF, STUDENT, type ExistingRoster } from './read-state.ts';
import type { RosterFileKey } from './specs.ts';
import { createStagingTables, indexStagingTables, StagingSink } from './staging.ts';

/** One sync at a time, across processes: the key of the transaction-level advisory lock. */
export const SYNC_LOCK_KEY = 7_041_975_001;

export interface SyncOptions {
  dryRun?: boolean;
  lenient?: boolean;
  allowMassDeactivation?: boolean;
  massDeactivationThreshold?: number;
  requestedBy?: string | null;
  onProgress?: (phase: string, file?: RosterFileKey, rows?: number) => void;
}

export type SyncState = 'queued' | 'running' | 'succeeded' | 'rejected' | 'failed';

export interface SyncResult {
  id: string;
  status: SyncState;
  version: string | null;
  counts: ApplyCounts;
  errors: RosterIssue[];
  warnings: RosterIssue[];
  timings: Record<string, number>;
}

export async function createSyncRun(pool: pg.Pool, location: string, options: SyncOptions): Promise<string> {
  const { rows } = await pool.query<{ id: string }>(
    `insert into sync_runs (status, dry_run, options, source_name, requested_by) values ('queued', $1, $2, $3, $4) returning id`,
    [options.dryRun ?? false, JSON.stringify({ lenient: !!options.lenient, allowMassDeactivation: !!options.allowMassDeactivation }),
      location.split('/').pop() ?? location, options.requestedBy ?? null]);
  return rows[0]!.id;
}

async function loadExisting(client: pg.PoolClient): Promise<ExistingRoster> {
  const ids = async (table: string) => new Set((await client.query<{ s: string }>(`select sourced_id as s from ${table} where source = 'sis'`)).rows.map((r) => r.s));
  const users = new Map<string, number>();
  for (const [table, bit] of [['students', STUDENT], ['staff', STAFF], ['guardians', GUARDIAN]] as const) {
    for (const { s } of (await client.query<{ s: string }>(`select sourced_id as s from ${table} where source = 'sis'`)).rows) {
      users.set(s, (users.get(s) ?? 0) | bit);
    }
  }
  return { orgs: await ids('orgs'), academicSessions: await ids('academic_sessions'), courses: await ids('courses'),
    classes: await ids('classes'), users };
}

/** ROSTER_SYNC_TRACE=1: statements slower than 100 ms go to stderr with their duration (for profiling). */
function traceSlowQueries(client: pg.PoolClient): void {
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  (client as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
    if (typeof args[0] !== 'string' || typeof args[args.length - 1] === 'function') return query(...args);
    const started = Date.now();
    return (query(...args) as Promise<unknown>).finally(() => {
      const ms = Date.now() - started;
      if (ms >= 100) process.stderr.write(`[${ms} ms] ${(args[0] as string).replace(/\s+/g, ' ').slice(0, 220)}\n`);
    });
  };
}

/** Runs a sync recorded as `runId` (created with createSyncRun). Never throws for a bad export: it is recorded. */
export async function runSync(pool: pg.Pool, runId: string, location: string, options: SyncOptions): Promise<SyncResult> {
  const started = Date.now();
  const timings: Record<string, number> = {};
  const lap = (name: string, since: number) => { timings[name] = (Date.now() - since) / 1000; return Date.now(); };
  await pool.query(`update sync_runs set status = 'running', started_at = now() where id = $1`, [runId]);
  let result: Omit<SyncResult, 'id' | 'timings'>;
  const client = await pool.connect();
  if (process.env.ROSTER_SYNC_TRACE) traceSlowQueries(client);
  try {
    await client.query('begin');
    // Staging joins hash hundreds of thousands of rows: give this transaction room so they stay in memory.
    await client.query(`set local work_mem = '64MB'`);
    await client.query('select pg_advisory_xact_lock($1)', [SYNC_LOCK_KEY]);
    let t = lap('lock', started);
    const existing = await loadExisting(client);
    await createStagingTables(client);
    const source = await openExport(location);
    const sink = new StagingSink(client);
    let read: ReadSummary;
    try {
      options.onProgress?.('read');
      read = await readExport(source, sink, { mode: options.lenient ? 'lenient' : 'strict', existing,
        onProgress: (file, rows) => options.onProgress?.('read', file, rows) });
    } finally {
      await source.close();
    }
    await sink.flush();
    t = lap('readAndStage', t);
    const issues = { errors: read.issues.errors, warnings: read.issues.warnings };
    if (read.rejected) {
      await client.query('rollback');
      result = { status: 'rejected', version: read.version, counts: {}, ...issues };
    } else {
      options.onProgress?.('apply');
      await indexStagingTables(client);
      try {
        const counts = await applyStaged(client, read, {
          massDeactivationThreshold: options.massDeactivationThreshold ?? 0.1,
          allowMassDeactivation: options.allowMassDeactivation ?? false,
        });
        lap('apply', t);
        t = Date.now();
        await client.query(options.dryRun ? 'rollback' : 'commit');
        lap('commit', t);
        result = { status: 'succeeded', version: read.version, counts, ...issues };
      } catch (err) {
        await client.query('rollback');
        if (!(err instanceof MassDeactivationError)) throw err;
        result = { status: 'rejected', version: read.version, counts: {}, errors: [...issues.errors,
          { severity: 'error', file: 'users.csv', line: null, column: null, message: err.message }], warnings: issues.warnings };
      }
    }
  } catch (err) {
    await client.query('rollback').catch(() => {});
    if (err instanceof ExportUnreadableError) result = { status: 'rejected', version: null, counts: {}, errors: [err.issue], warnings: [] };
    else result = { status: 'failed', version: null, counts: {}, errors: [{ severity: 'error', file: '', line: null, column: null, message: (err as Error).message }], warnings: [] };
  } finally {
    client.release();
  }
  timings.total = (Date.now() - started) / 1000;
  await pool.query(`update sync_runs set status = $2, version = $3, counts = $4, errors = $5, warnings = $6, timings = $7,
    finished_at = now() where id = $1`, [runId, result.status, result.version, JSON.stringify(result.counts),
    JSON.stringify(result.errors), JSON.stringify(result.warnings), JSON.stringify(timings)]);
  return { id: runId, ...result, timings };
}

/**
 * Marks runs a stopped process left behind as failed: `running` ones when no sync holds the lock (a live sync holds it
 * for its whole transaction), and `queued` ones older than an hour (uploads wait in the memory of the process that
 * took them). Their transactions rolled back, so nothing was written; only the bookkeeping is stale.
 */
export async function failInterruptedRuns(pool: pg.Pool): Promise<number> {
  const client = await pool.connect();
  try {
    await client.query('begin');
    const { rows } = await client.query<{ free: boolean }>('select pg_try_advisory_xact_lock($1) as free', [SYNC_LOCK_KEY]);
    const interrupted = { severity: 'error', file: '', line: null, column: null,
      message: 'The process running this sync stopped before it finished; nothing was written' };
    const result = await client.query(`update sync_runs set status = 'failed', finished_at = now(), errors = errors || $1::jsonb
      where (status = 'running' and $2::boolean) or (status = 'queued' and created_at < now() - interval '1 hour')`,
    [JSON.stringify([interrupted]), rows[0]?.free === true]);
    await client.query('commit');
    return result.rowCount ?? 0;
  } catch (error) {
    await client.query('rollback').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}
