// Webhook rules: only district admins manage subscriptions; secrets are shown once; PATCH can pause and resume.
import { randomBytes } from 'node:crypto';
import { audit } from '../../auth/audit.ts';
import type { Principal } from '../../auth/principal.ts';
import { inTransaction, type ServiceContext } from '../../http/context.ts';
import { assertIfMatch } from '../../http/etag.ts';
import { ForbiddenError, NotFoundError, UnprocessableError, ValidationError } from '../../http/errors.ts';
import { decodeCursor, pageLimit, toPage, type Page } from '../../http/paging.ts';
import { currentFeedHead } from '../changes/service.ts';
import type { ChangeType } from '../changes/schemas.ts';
import {
  deleteWebhookRow, findWebhook, insertWebhook, listDeliveryRows, listWebhookRows, updateWebhookRow,
  type DeliveryRow, type WebhookRow,
} from './queries.ts';
import type {
  DeliveryListQuery, Webhook, WebhookCreate, WebhookDelivery, WebhookListQuery, WebhookPatch, WebhookWithSecret,
} from './schemas.ts';
import type { WebhookSettings } from './settings.ts';
import { refusedTarget } from './targets.ts';

const RECORD = 'webhook';

function assertDistrictAdmin(principal: Principal): void {
  if (principal.role !== 'district_admin') throw new ForbiddenError('Only district administrators manage webhooks');
}

const iso = (value: Date | null) => value?.toISOString() ?? null;

export function webhookRowToApi(row: WebhookRow): Webhook {
  return {
    id: row.id,
    url: row.url,
    eventTypes: row.eventTypes as ChangeType[],
    description: row.description,
    status: row.status as Webhook['status'],
    pausedReason: row.pausedReason,
    failureCount: row.failureCount,
    nextAttemptAt: row.nextAttemptAt.toISOString(),
    lastSuccessAt: iso(row.lastSuccessAt),
    lastFailureAt: iso(row.lastFailureAt),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export function deliveryRowToApi(row: DeliveryRow): WebhookDelivery {
  return {
    id: row.id,
    eventId: row.eventId,
    attempt: row.attempt,
    statusCode: row.statusCode,
    error: row.error,
    durationMs: row.durationMs,
    nextAttemptAt: iso(row.nextAttemptAt),
    deliveredAt: iso(row.deliveredAt),
    createdAt: row.createdAt.toISOString(),
  };
}

/** Creates a subscription that receives changes committed from now on; the secret is returned only here. */
/** 422 naming the url when the target is not allowed (see targets.ts). */
async function assertAllowedTarget(url: string, allowPrivateTargets: boolean): Promise<void> {
  const reason = await refusedTarget(url, allowPrivateTargets);
  if (reason) throw new UnprocessableError(`Webhooks are delivered to public addresses only: ${reason}`, [{ path: '/body/url', message: reason }]);
}

export async function createWebhook(ctx: ServiceContext, input: WebhookCreate, settings: Pick<WebhookSettings, 'allowPrivateTargets'>): Promise<WebhookWithSecret> {
  assertDistrictAdmin(ctx.principal);
  await assertAllowedTarget(input.url, settings.allowPrivateTargets);
  return inTransaction(ctx, async (tx) => {
    const head = await currentFeedHead(tx.db);
    const secret = `whsec_${randomBytes(32).toString('base64url')}`;
    const row = await insertWebhook(tx.db, {
      url: input.url,
      eventTypes: input.eventTypes,
      description: input.description ?? null,
      secret,
      cursorTxid: head.txid,
      cursorId: head.id,
      createdBy: ctx.principal.sub,
    });
    await audit(tx, [{ action: 'create', recordType: RECORD, recordId: row.id, studentId: null }]);
    return { ...webhookRowToApi(row), secret };
  });
}

export async function listWebhooks(ctx: ServiceContext, query: WebhookListQuery): Promise<Page<Webhook>> {
  assertDistrictAdmin(ctx.principal);
  const limit = pageLimit(query);
  const after = decodeCursor(query.cursor);
  const rows = await listWebhookRows(ctx.db, query.status, after ? [String(after[0]), after[1]] : undefined, limit);
  return toPage(rows, limit, (r) => [r.createdAt.toISOString(), r.id], webhookRowToApi);
}

export async function getWebhook(ctx: ServiceContext, id: string): Promise<Webhook> {
  assertDistrictAdmin(ctx.principal);
  const row = await findWebhook(ctx.db, id);
  if (!row) throw new NotFoundError('Webhook', id);
  return webhookRowToApi(row);
}

export async function updateWebhook(ctx: ServiceContext, id: string, patch: WebhookPatch, settings: Pick<WebhookSettings, 'allowPrivateTargets'>,
  ifMatch?: string): Promise<Webhook> {
  assertDistrictAdmin(ctx.principal);
  if (patch.url !== undefined) await assertAllowedTarget(patch.url, settings.allowPrivateTargets);
  return inTransaction(ctx, async (tx) => {
    const row = await findWebhook(tx.db, id, true);
    if (!row) throw new NotFoundError('Webhook', id);
    assertIfMatch(ifMatch, webhookRowToApi(row));
    const { status, ...fields } = patch;
    const resume = status === 'active' && row.status === 'paused';
    const pause = status === 'paused' && row.status === 'active';
    await updateWebhookRow(tx.db, id, {
      ...fields,
      ...(resume ? { status, pausedReason: null, failureCount: 0, nextAttemptAt: new Date() } : {}),
      ...(pause ? { status, pausedReason: 'Paused by an administrator', leaseUntil: null, leasedBy: null } : {}),
    });
    await audit(tx, [{ action: 'update', recordType: RECORD, recordId: id, studentId: null }]);
    const updated = await findWebhook(tx.db, id);
    return webhookRowToApi(updated!);
  });
}

export async function deleteWebhook(ctx: ServiceContext, id: string, ifMatch?: string): Promise<void> {
  assertDistrictAdmin(ctx.principal);
  await inTransaction(ctx, async (tx) => {
    const row = await findWebhook(tx.db, id, true);
    if (!row) throw new NotFoundError('Webhook', id);
    assertIfMatch(ifMatch, webhookRowToApi(row));
    await deleteWebhookRow(tx.db, id);
    await audit(tx, [{ action: 'delete', recordType: RECORD, recordId: id, studentId: null }]);
  });
}

/** The delivery log, newest attempt first. */
export async function listDeliveries(ctx: ServiceContext, id: string, query: DeliveryListQuery): Promise<Page<WebhookDelivery>> {
  assertDistrictAdmin(ctx.principal);
  if (!(await findWebhook(ctx.db, id))) throw new NotFoundError('Webhook', id);
  const limit = pageLimit(query);
  const after = decodeCursor(query.cursor);
  if (after && !/^\d+$/.test(after[1])) throw new ValidationError('cursor is not a cursor this API issued', [{ path: '/querystring/cursor', message: 'is not a valid cursor' }]);
  const rows = await listDeliveryRows(ctx.db, id, after ? Number(after[1]) : undefined, limit);
  return toPage(rows, limit, (r) => [null, String(r.id)], deliveryRowToApi);
}
