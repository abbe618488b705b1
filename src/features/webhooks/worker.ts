// The delivery worker: claims due webhooks, reads each one's feed from its stored cursor and delivers in order.
import { randomUUID } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import type { Database } from '../../db/database.ts';
import { changeEventRowToApi, readChangeEvents } from '../changes/service.ts';
import { sendWebhook } from './delivery.ts';
import { claimDueWebhooks, recordDelivered, recordFailed, releaseWebhook, type WebhookRow } from './queries.ts';
import { retryDelayMs, type WebhookSettings } from './settings.ts';

export class WebhookWorker {
  readonly id = `worker-${randomUUID()}`;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = true;

  constructor(
    private readonly db: Database,
    private readonly settings: WebhookSettings,
    private readonly log: FastifyBaseLogger,
  ) {}

  /** Long enough for one request plus the bookkeeping around it; renewed after every delivered event. */
  private get leaseMs(): number {
    return this.settings.timeoutMs * 2 + 30_000;
  }

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  /** Stops polling and waits for the turn in progress (its deliveries finish or time out). */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.turn().catch((error: unknown) => this.log.error({ err: error }, 'webhook worker turn failed'))
        .finally(() => this.schedule(this.settings.pollIntervalMs));
    }, delayMs);
  }

  /** One turn: lease due webhooks and serve them side by side. */
  async turn(): Promise<void> {
    const hooks = await claimDueWebhooks(this.db, this.id, this.leaseMs, this.settings.concurrency);
    await Promise.all(hooks.map((hook) => this.serve(hook).catch((error: unknown) => {
      this.log.error({ err: error, webhookId: hook.id }, 'webhook delivery failed');
    })));
  }

  /** Delivers the hook's next events one by one; the first failure schedules a retry and ends the turn. */
  private async serve(hook: WebhookRow): Promise<void> {
    const { rows } = await readChangeEvents(this.db, { txid: hook.cursorTxid, id: hook.cursorId }, hook.eventTypes, this.settings.batchSize);
    let failures = hook.failureCount;
    for (const row of rows) {
      if (this.stopped) break;
      const attempt = failures + 1;
      const result = await sendWebhook(hook, changeEventRowToApi(row), this.settings.timeoutMs, this.settings.allowPrivateTargets);
      const log = { eventId: row.id, attempt, statusCode: result.statusCode, error: result.error, durationMs: result.durationMs };
      if (result.ok) {
        const kept = await this.db.transaction().execute((tx) => recordDelivered(tx, hook, this.id, this.leaseMs,
          { txid: row.txid, id: row.id }, { ...log, deliveredAt: new Date() }));
        if (!kept) return;
        failures = 0;
        continue;
      }
      failures = attempt;
      const pause = failures >= this.settings.pauseAfterFailures;
      const retryAt = pause ? null : new Date(Date.now() + retryDelayMs(this.settings, failures));
      await this.db.transaction().execute((tx) => recordFailed(tx, hook, this.id, failures, retryAt, log));
      if (pause) this.log.warn({ webhookId: hook.id, failures }, 'webhook paused after repeated failures');
      return;
    }
    await releaseWebhook(this.db, hook.id, this.id);
  }
}
