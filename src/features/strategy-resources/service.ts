// Strategy resource rules: who may add to the library, read, change, archive and restore resources.
import { assertScope, mayEditAuthored } from '../../auth/policy.ts';
import { audit } from '../../auth/audit.ts';
import { inTransaction, type ServiceContext } from '../../http/context.ts';
import { assertIfMatch } from '../../http/etag.ts';
import { ConflictError, ForbiddenError, NotFoundError, UnprocessableError, ValidationError, type FieldError } from '../../http/errors.ts';
import { decodeCursor, pageLimit, toPage, type Page } from '../../http/paging.ts';
import { resolveStaffAuthor } from '../students/references.ts';
import { byIds, distinct } from '../../db/batch.ts';
import { archiveResourceRow, findResource, findResourceRows, insertResource, listResourceRows, schoolAvailableTo, updateResourceRow, type StrategyResourceRow } from './queries.ts';
import type { StrategyResource, StrategyResourceCreate, StrategyResourceListQuery, StrategyResourcePatch } from './schemas.ts';

const RECORD = 'strategyResource';

export function strategyResourceRowToApi(row: StrategyResourceRow): StrategyResource {
  return {
    id: row.id,
    title: row.title,
    kind: row.kind as StrategyResource['kind'],
    summary: row.summary,
    body: row.body,
    url: row.url,
    languages: row.languages,
    gradeBand: row.gradeBand,
    tags: row.tags,
    setting: row.setting as StrategyResource['setting'],
    scope: row.scope as StrategyResource['scope'],
    schoolId: row.schoolId,
    createdBy: row.createdBy,
    archivedAt: row.archivedAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

interface Placement {
  scope: string;
  schoolId: string | null;
  body: string | null;
  url: string | null;
}

/** Cross-field rules the schema cannot say: content present, schoolId exactly for school scope, and a school of the caller's. */
async function assertPlacement(ctx: ServiceContext, state: Placement, schoolChanged: boolean): Promise<void> {
  const errors: FieldError[] = [];
  if (state.body === null && state.url === null) {
    errors.push({ path: '/body/body', message: 'a resource needs a body, a url or both' }, { path: '/body/url', message: 'a resource needs a body, a url or both' });
  }
  if (state.scope === 'school' && state.schoolId === null) errors.push({ path: '/body/schoolId', message: 'is required when scope is school' });
  if (state.scope === 'district' && state.schoolId !== null) errors.push({ path: '/body/schoolId', message: 'must be null when scope is district' });
  if (errors.length > 0) throw new ValidationError('The resource is not complete', errors);
  if (schoolChanged && state.schoolId !== null && !(await schoolAvailableTo(ctx.db, ctx.principal, state.schoolId))) {
    throw new UnprocessableError('Resources go into the library of a school you work in', [{ path: '/body/schoolId', message: 'is not a school you work in' }]);
  }
}

export async function listStrategyResources(ctx: ServiceContext, query: StrategyResourceListQuery): Promise<Page<StrategyResource>> {
  assertScope(ctx.principal, 'partnership', 'read');
  const limit = pageLimit(query);
  const rows = await listResourceRows(ctx.db, ctx.principal, query, decodeCursor(query.cursor), limit);
  return toPage(rows, limit, (r) => [r.createdAtKey, r.id], strategyResourceRowToApi);
}

export async function getStrategyResource(ctx: ServiceContext, id: string): Promise<StrategyResource> {
  assertScope(ctx.principal, 'partnership', 'read');
  const row = await findResource(ctx.db, ctx.principal, id);
  if (!row) throw new NotFoundError('Strategy resource', id);
  return strategyResourceRowToApi(row);
}

export async function createStrategyResource(ctx: ServiceContext, input: StrategyResourceCreate): Promise<StrategyResource> {
  assertScope(ctx.principal, 'partnership', 'write');
  if (ctx.principal.role === 'guardian') throw new ForbiddenError('Guardians cannot add to the resource library');
  return inTransaction(ctx, async (tx) => {
    const createdBy = await resolveStaffAuthor(tx, input.createdBy, '/body/createdBy');
    const placement = { scope: input.scope ?? 'district', schoolId: input.schoolId ?? null, body: input.body ?? null, url: input.url ?? null };
    await assertPlacement(tx, placement, true);
    const id = await insertResource(tx.db, {
      title: input.title,
      kind: input.kind,
      summary: input.summary ?? null,
      languages: input.languages ?? [],
      gradeBand: input.gradeBand ?? null,
      tags: input.tags ?? [],
      setting: input.setting ?? 'both',
      createdBy,
      ...placement,
    });
    await audit(tx, [{ action: 'create', recordType: RECORD, recordId: id, studentId: null }]);
    const row = await findResource(tx.db, tx.principal, id);
    if (!row) throw new NotFoundError('Strategy resource', id);
    return strategyResourceRowToApi(row);
  });
}

/** Loads the resource for a write, locked, checking visibility, who may edit it and If-Match. */
async function loadForWrite(tx: ServiceContext, id: string, ifMatch: string | undefined): Promise<StrategyResourceRow> {
  assertScope(tx.principal, 'partnership', 'write');
  const row = await findResource(tx.db, tx.principal, id, true);
  if (!row) throw new NotFoundError('Strategy resource', id);
  if (tx.principal.role === 'guardian' || !mayEditAuthored(tx.principal, row.createdBy)) {
    throw new ForbiddenError('Only the staff member who added this resource or an administrator may change it');
  }
  assertIfMatch(ifMatch, strategyResourceRowToApi(row));
  return row;
}

async function reload(tx: ServiceContext, id: string): Promise<StrategyResource> {
  const row = await findResource(tx.db, tx.principal, id);
  if (!row) throw new NotFoundError('Strategy resource', id);
  return strategyResourceRowToApi(row);
}

export async function updateStrategyResource(ctx: ServiceContext, id: string, patch: StrategyResourcePatch, ifMatch?: string): Promise<StrategyResource> {
  return inTransaction(ctx, async (tx) => {
    const row = await loadForWrite(tx, id, ifMatch);
    if (row.archivedAt !== null) throw new ConflictError('The resource is archived; restore it before changing it');
    // Moving a resource to the district library drops its school unless the patch names one.
    const fields = patch.scope === 'district' && patch.schoolId === undefined ? { ...patch, schoolId: null } : patch;
    const placement = {
      scope: fields.scope ?? row.scope,
      schoolId: fields.schoolId === undefined ? row.schoolId : fields.schoolId,
      body: fields.body === undefined ? row.body : fields.body,
      url: fields.url === undefined ? row.url : fields.url,
    };
    await assertPlacement(tx, placement, placement.schoolId !== row.schoolId);
    await updateResourceRow(tx.db, id, fields);
    await audit(tx, [{ action: 'update', recordType: RECORD, recordId: id, studentId: null }]);
    return reload(tx, id);
  });
}

/** Archives (never deletes: shares and goal strategies keep pointing at it). Archiving twice keeps the first time. */
export async function archiveStrategyResource(ctx: ServiceContext, id: string, ifMatch?: string): Promise<void> {
  await inTransaction(ctx, async (tx) => {
    const row = await loadForWrite(tx, id, ifMatch);
    if (row.archivedAt !== null) return;
    await archiveResourceRow(tx.db, id);
    await audit(tx, [{ action: 'delete', recordType: RECORD, recordId: id, studentId: null }]);
  });
}

export async function unarchiveStrategyResource(ctx: ServiceContext, id: string, ifMatch?: string): Promise<StrategyResource> {
  return inTransaction(ctx, async (tx) => {
    const row = await loadForWrite(tx, id, ifMatch);
    if (row.archivedAt === null) return strategyResourceRowToApi(row);
    await updateResourceRow(tx.db, id, { archivedAt: null });
    await audit(tx, [{ action: 'update', recordType: RECORD, recordId: id, studentId: null }]);
    return reload(tx, id);
  });
}

/** Visible resources by id, in the order of the ids (null where not visible). */
export async function getStrategyResourcesByIds(ctx: ServiceContext, ids: readonly string[]): Promise<Array<StrategyResource | null>> {
  assertScope(ctx.principal, 'partnership', 'read');
  return byIds(ids, await findResourceRows(ctx.db, ctx.principal, distinct(ids)), strategyResourceRowToApi);
}
