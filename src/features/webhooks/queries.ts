// SQL for webhooks: subscriptions, claiming due ones with SKIP LOCKED leases, recording attempts, the delivery log.
import { sql, type Insertable, type Selectable, type Updateable } from 'kysely';
import type { Executor } from '../../db/database.ts';
import type { WebhookDeliveries, Webhooks } from '../../db/types.ts';
import type { FeedPosition } from '../changes/service.ts';

export type WebhookRow = Selectable<Webhooks>;
export type DeliveryRow = Selectable<WebhookDeliveries>;

export async function insertWebhook(db: Executor, values: Insertable<Webhooks>): Promise<WebhookRow> {
  return db.insertInto('webhooks').values(values).returningAll().executeTakeFirstOrThrow();
}

export async function findWebhook(db: Executor, id: string, forUpdate = false): Promise<WebhookRow | undefined> {
  let query = db.selectFrom('webhooks').selectAll().where('id', '=', id);
  if (forUpdate) query = query.forUpdate();
  return query.executeTakeFirst();
}

export async function listWebhookRows(db: Executor, status: string | undefined, after: [string, string] | undefined, limit: number): Promise<WebhookRow[]> {
  let query = db.selectFrom('webhooks').selectAll();
  if (status) query = query.where('status', '=', status);
  if (after) query = query.where(sql<boolean>`(created_at, id) > (${new Date(after[0])}, ${after[1]}::uuid)`);
  return query.orderBy('createdAt').orderBy('id').limit(limit + 1).execute();
}

export async function updateWebhookRow(db: Executor, id: string, values: Updateable<Webhooks>): Promise<void> {
  await db.updateTable('webhooks').set({ ...values, updatedAt: sql`now()` }).where('id', '=', id).execute();
}

export async function deleteWebhookRow(db: Executor, id: string): Promise<void> {
  await db.deleteFrom('webhooks').where('id', '=', id).execute();
}

export async function listDeliveryRows(db: Executor, webhookId: string, before: number | undefined, limit: number): Promise<DeliveryRow[]> {
  let query = db.selectFrom('webhookDeliveries').selectAll().where('webhookId', '=', webhookId);
  if (before !== undefined) query = query.where('id', '<', before);
  return query.orderBy('id', 'desc').limit(limit + 1).execute();
}

/**
 * Leases up to `limit` active webhooks that are due and not leased by a live worker. SKIP LOCKED lets several
 * instances claim side by side; the lease (not a held row lock) covers the HTTP calls, so no transaction stays
 * open while a receiver answers, and a crashed worker's hooks come back when its lease runs out.
 */
export async function claimDueWebhooks(db: Executor, workerId: string, leaseMs: number, limit: number): Promise<WebhookRow[]> {
  const { rows } = await sql<WebhookRow>`
    update webhooks w set lease_until = now() + ${leaseMs} * interval '1 millisecond', leased_by = ${workerId}
    where w.id in (
      select d.id from webhooks d
      where d.status = 'active' and d.next_attempt_at <= now() and (d.lease_until is null or d.lease_until < now())
      order by d.next_attempt_at
      limit ${limit}
      for update skip locked)
    returning w.*`.execute(db);
  return rows;
}

/** After a 2xx: move the cursor past the event, log the attempt, keep the lease. False when the lease was lost. */
export async function recordDelivered(db: Executor, hook: WebhookRow, workerId: string, leaseMs: number, position: FeedPosition,
  attempt: Omit<Insertable<WebhookDeliveries>, 'webhookId'>): Promise<boolean> {
  const result = await db.updateTable('webhooks')
    .set({
      cursorTxid: position.txid, cursorId: position.id, failureCount: 0, lastSuccessAt: sql`now()`,
      leaseUntil: sql`now() + ${leaseMs} * interval '1 millisecond'`,
    })
    .where('id', '=', hook.id).where('leasedBy', '=', workerId).executeTakeFirst();
  if (result.numUpdatedRows === 0n) return false;
  await db.insertInto('webhookDeliveries').values({ ...attempt, webhookId: hook.id }).execute();
  return true;
}

/** After a failure: count it, schedule the retry or pause, log the attempt and release the lease. */
export async function recordFailed(db: Executor, hook: WebhookRow, workerId: string, failures: number, retryAt: Date | null,
  attempt: Omit<Insertable<WebhookDeliveries>, 'webhookId'>): Promise<boolean> {
  const paused = retryAt === null;
  const result = await db.updateTable('webhooks')
    .set({
      failureCount: failures, lastFailureAt: sql`now()`, leaseUntil: null, leasedBy: null,
      ...(paused
        ? { status: 'paused', pausedReason: `Paused after ${failures} consecutive failed deliveries`, updatedAt: sql`now()` }
        : { nextAttemptAt: retryAt }),
    })
    .where('id', '=', hook.id).where('leasedBy', '=', workerId).executeTakeFirst();
  if (result.numUpdatedRows === 0n) return false;
  await db.insertInto('webhookDeliveries').values({ ...attempt, webhookId: hook.id, nextAttemptAt: retryAt }).execute();
  return true;
}

/** Hands the webhook back: due again at once when more events wait, otherwise at the next poll. */
export async function releaseWebhook(db: Executor, hookId: string, workerId: string): Promise<void> {
  await db.updateTable('webhooks').set({ leaseUntil: null, leasedBy: null })
    .where('id', '=', hookId).where('leasedBy', '=', workerId).execute();
}
