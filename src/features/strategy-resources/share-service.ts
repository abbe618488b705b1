// Resource share rules: who may share a resource with which guardian, who sees shares, acknowledgement and withdrawal.
import { assertScope, mayEditAuthored } from '../../auth/policy.ts';
import { audit } from '../../auth/audit.ts';
import { inTransaction, type ServiceContext } from '../../http/context.ts';
import { assertIfMatch } from '../../http/etag.ts';
import { ConflictError, ForbiddenError, NotFoundError, UnprocessableError } from '../../http/errors.ts';
import { decodeCursor, pageLimit, toPage, type Page } from '../../http/paging.ts';
import { distinct, pagesByParent, type RelationPage } from '../../db/batch.ts';
import { assertGuardianLinked, assertStudentReference, resolveStaffAuthor } from '../students/references.ts';
import { findResource } from './queries.ts';
import { assertResourceUsable } from './references.ts';
import {
  acknowledgeShareRow, deleteShareRow, findShare, guardianMayHearAbout, insertShare, listShareRows, listShareRowsOfParents, type ResourceShareRow,
} from './share-queries.ts';
import type { ResourceShare, ResourceShareCreate, ResourceShareListQuery, SharesOfResourceQuery } from './share-schemas.ts';

const RECORD = 'resourceShare';

export function resourceShareRowToApi(row: ResourceShareRow): ResourceShare {
  return {
    id: row.id,
    resourceId: row.resourceId,
    resource: {
      id: row.resourceId,
      title: row.resourceTitle,
      kind: row.resourceKind as ResourceShare['resource']['kind'],
      summary: row.resourceSummary,
      url: row.resourceUrl,
      archivedAt: row.resourceArchivedAt?.toISOString() ?? null,
    },
    studentId: row.studentId,
    guardianId: row.guardianId,
    sharedBy: row.sharedBy,
    message: row.message,
    sharedAt: row.sharedAt.toISOString(),
    acknowledgedAt: row.acknowledgedAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

async function listPage(ctx: ServiceContext, query: ResourceShareListQuery): Promise<Page<ResourceShare>> {
  const limit = pageLimit(query);
  const rows = await listShareRows(ctx.db, ctx.principal, query, decodeCursor(query.cursor), limit);
  const page = toPage(rows, limit, (r) => [r.sharedAtKey, r.id], resourceShareRowToApi);
  await audit(ctx, page.data.map((s) => ({ action: 'list', recordType: RECORD, recordId: s.id, studentId: s.studentId })));
  return page;
}

/** Every share the caller may see: staff those of students they see, a guardian the ones made with them. */
export async function listResourceShares(ctx: ServiceContext, query: ResourceShareListQuery): Promise<Page<ResourceShare>> {
  assertScope(ctx.principal, 'partnership', 'read');
  return listPage(ctx, query);
}

export async function listSharesOfResource(ctx: ServiceContext, resourceId: string, query: SharesOfResourceQuery): Promise<Page<ResourceShare>> {
  assertScope(ctx.principal, 'partnership', 'read');
  if (!(await findResource(ctx.db, ctx.principal, resourceId))) throw new NotFoundError('Strategy resource', resourceId);
  return listPage(ctx, { ...query, resourceId });
}

export async function getResourceShare(ctx: ServiceContext, id: string): Promise<ResourceShare> {
  assertScope(ctx.principal, 'partnership', 'read');
  const row = await findShare(ctx.db, ctx.principal, id);
  if (!row) throw new NotFoundError('Resource share', id);
  await audit(ctx, [{ action: 'read', recordType: RECORD, recordId: id, studentId: row.studentId }]);
  return resourceShareRowToApi(row);
}

async function reload(tx: ServiceContext, id: string): Promise<ResourceShare> {
  const row = await findShare(tx.db, tx.principal, id);
  if (!row) throw new NotFoundError('Resource share', id);
  return resourceShareRowToApi(row);
}

/** The guardian must be actively linked to the student and able to hear about them (may contact or educational rights). */
async function assertGuardianReachable(tx: ServiceContext, studentId: string, guardianId: string): Promise<void> {
  const path = '/body/guardianId';
  await assertGuardianLinked(tx, studentId, guardianId, path);
  if (!(await guardianMayHearAbout(tx.db, studentId, guardianId))) {
    throw new UnprocessableError('The guardian may not be contacted about the student', [{ path, message: 'may not be contacted about the student' }]);
  }
}

export async function createResourceShare(ctx: ServiceContext, resourceId: string, input: ResourceShareCreate): Promise<ResourceShare> {
  assertScope(ctx.principal, 'partnership', 'write');
  if (ctx.principal.role === 'guardian') throw new ForbiddenError('Guardians cannot share resources');
  return inTransaction(ctx, async (tx) => {
    if (!(await findResource(tx.db, tx.principal, resourceId))) throw new NotFoundError('Strategy resource', resourceId);
    await assertResourceUsable(tx, resourceId, '/params/id');
    await assertStudentReference(tx, input.studentId);
    await assertGuardianReachable(tx, input.studentId, input.guardianId);
    const sharedBy = await resolveStaffAuthor(tx, input.sharedBy, '/body/sharedBy');
    const id = await insertShare(tx.db, {
      resourceId, studentId: input.studentId, guardianId: input.guardianId, sharedBy, message: input.message ?? null,
    });
    await audit(tx, [{ action: 'create', recordType: RECORD, recordId: id, studentId: input.studentId }]);
    return reload(tx, id);
  });
}

/** Only the guardian it was shared with; acknowledging again keeps the first time. */
export async function acknowledgeResourceShare(ctx: ServiceContext, id: string): Promise<ResourceShare> {
  assertScope(ctx.principal, 'partnership', 'write');
  return inTransaction(ctx, async (tx) => {
    const row = await findShare(tx.db, tx.principal, id, true);
    if (!row) throw new NotFoundError('Resource share', id);
    if (tx.principal.role !== 'guardian' || row.guardianId !== tx.principal.sub) {
      throw new ForbiddenError('Only the guardian it was shared with may acknowledge a share');
    }
    if (row.acknowledgedAt === null) {
      await acknowledgeShareRow(tx.db, id);
      await audit(tx, [{ action: 'update', recordType: RECORD, recordId: id, studentId: row.studentId }]);
    }
    return reload(tx, id);
  });
}

/** The sharer or an administrator may withdraw a share, but only before the guardian has acknowledged it. */
export async function deleteResourceShare(ctx: ServiceContext, id: string, ifMatch?: string): Promise<void> {
  assertScope(ctx.principal, 'partnership', 'write');
  await inTransaction(ctx, async (tx) => {
    const row = await findShare(tx.db, tx.principal, id, true);
    if (!row) throw new NotFoundError('Resource share', id);
    if (tx.principal.role === 'guardian' || !mayEditAuthored(tx.principal, row.sharedBy)) {
      throw new ForbiddenError('Only the staff member who shared it or an administrator may withdraw a share');
    }
    assertIfMatch(ifMatch, resourceShareRowToApi(row));
    if (row.acknowledgedAt !== null) throw new ConflictError('The guardian has already acknowledged this share; it stays on record');
    await deleteShareRow(tx.db, id);
    await audit(tx, [{ action: 'delete', recordType: RECORD, recordId: id, studentId: row.studentId }]);
  });
}

/** Each student's or resource's visible shares, newest first, one page per parent (one query, one audit insert). */
export async function listSharesOfParents(ctx: ServiceContext, parent: 'studentId' | 'resourceId', parentIds: readonly string[],
  acknowledged: boolean | undefined, params: RelationPage): Promise<Array<Page<ResourceShare>>> {
  assertScope(ctx.principal, 'partnership', 'read');
  const limit = pageLimit(params);
  const rows = await listShareRowsOfParents(ctx.db, ctx.principal, parent, distinct(parentIds), acknowledged, decodeCursor(params.cursor), limit);
  const pages = pagesByParent(parentIds, rows, (r) => r[parent], limit, (r) => [r.sharedAtKey, r.id], resourceShareRowToApi);
  await audit(ctx, pages.flatMap((p) => p.data).map((s) => ({ action: 'list', recordType: RECORD, recordId: s.id, studentId: s.studentId })));
  return pages;
}

export { visibleShares } from './share-queries.ts';
