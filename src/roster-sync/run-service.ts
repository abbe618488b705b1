// Sync run rules: who may start and read roster syncs, starting one from an upload, and runs as API objects.
import type { Principal } from '../auth/principal.ts';
import { assertScope } from '../auth/policy.ts';
import type { ServiceContext } from '../http/context.ts';
import { ForbiddenError, NotFoundError } from '../http/errors.ts';
import { decodeCursor, pageLimit, toPage, type Page } from '../http/paging.ts';
import { findSyncRun, listSyncRunRows, type SyncRunRow } from './run-queries.ts';
import type { SyncRun, SyncRunListQuery, SyncStartQuery } from './run-schemas.ts';
import type { RosterSyncQueue } from './sync-queue.ts';
import { createSyncRun } from './sync-service.ts';
import type { UploadedExport } from './upload.ts';

/** district_admin, or an integration with roster:write (roster:read for reads); everyone else is refused. */
function assertRosterAccess(principal: Principal, access: 'read' | 'write'): void {
  if (principal.role === 'integration') return assertScope(principal, 'roster', access);
  if (principal.role !== 'district_admin') {
    throw new ForbiddenError(`Only district admins and integrations with the roster:${access} scope may ${access === 'write' ? 'start' : 'see'} roster syncs`);
  }
}

export const assertMayStartRosterSync = (principal: Principal) => assertRosterAccess(principal, 'write');
export const assertMayReadRosterSyncs = (principal: Principal) => assertRosterAccess(principal, 'read');

const iso = (d: Date | null) => (d === null ? null : d.toISOString());

export function syncRunRowToApi(row: SyncRunRow): SyncRun {
  const options = (row.options ?? {}) as { lenient?: boolean; allowMassDeactivation?: boolean };
  return {
    id: row.id,
    status: row.status as SyncRun['status'],
    dryRun: row.dryRun,
    format: row.format,
    version: row.version,
    options: { lenient: !!options.lenient, allowMassDeactivation: !!options.allowMassDeactivation },
    sourceName: row.sourceName,
    requestedBy: row.requestedBy,
    counts: row.counts as SyncRun['counts'],
    errors: row.errors as SyncRun['errors'],
    warnings: row.warnings as SyncRun['warnings'],
    timings: row.timings as SyncRun['timings'],
    createdAt: row.createdAt.toISOString(),
    startedAt: iso(row.startedAt),
    finishedAt: iso(row.finishedAt),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/**
 * Records a queued run for an uploaded export and hands it to the queue; answers with the run as queued.
 * Runs wait their turn: one at a time in this process, and across processes behind the sync's advisory lock.
 */
export async function startRosterSync(ctx: ServiceContext, queue: RosterSyncQueue, upload: UploadedExport,
  query: SyncStartQuery): Promise<SyncRun> {
  assertMayStartRosterSync(ctx.principal);
  const options = { dryRun: query.dryRun, lenient: query.lenient, allowMassDeactivation: query.allowMassDeactivation,
    requestedBy: `${ctx.principal.role}:${ctx.principal.sub}` };
  const id = await createSyncRun(queue.pool, upload.file, options);
  const row = await findSyncRun(ctx.db, id);
  upload.claimed = true;
  queue.enqueue(id, upload.file, options, () => upload.remove());
  return syncRunRowToApi(row!);
}

export async function listSyncRuns(ctx: ServiceContext, query: SyncRunListQuery): Promise<Page<SyncRun>> {
  assertMayReadRosterSyncs(ctx.principal);
  const limit = pageLimit(query);
  const rows = await listSyncRunRows(ctx.db, query, decodeCursor(query.cursor), limit);
  return toPage(rows, limit, (r) => [r.cursorAt, r.id], syncRunRowToApi);
}

export async function getSyncRun(ctx: ServiceContext, id: string): Promise<SyncRun> {
  assertMayReadRosterSyncs(ctx.principal);
  const row = await findSyncRun(ctx.db, id);
  if (!row) throw new NotFoundError('Roster sync', id);
  return syncRunRowToApi(row);
}
