// Runs uploaded syncs in the background, one after another in this process (the advisory lock orders processes).
import type { FastifyBaseLogger } from 'fastify';
import type pg from 'pg';
import { runSync, type SyncOptions } from './sync-service.ts';

export class RosterSyncQueue {
  private tail: Promise<void> = Promise.resolve();

  constructor(readonly pool: pg.Pool, private readonly massDeactivationThreshold: number, private readonly log: FastifyBaseLogger) {}

  /**
   * Queues a run created with createSyncRun; it stays `queued` until the runs before it have finished.
   * `cleanup` runs afterwards whatever happened (it removes the uploaded file).
   */
  enqueue(runId: string, location: string, options: SyncOptions, cleanup: () => Promise<void>): void {
    this.tail = this.tail.then(async () => {
      try {
        await runSync(this.pool, runId, location, { ...options, massDeactivationThreshold: this.massDeactivationThreshold });
      } catch (error) {
        // runSync records every outcome itself; this is the database failing under it: leave no run `running`.
        this.log.error({ err: error, runId }, 'roster sync could not be recorded');
        await this.pool.query(`update sync_runs set status = 'failed', finished_at = now(),
          errors = jsonb_build_array(jsonb_build_object('severity', 'error', 'file', '', 'line', null, 'column', null, 'message', $2::text))
          where id = $1 and status in ('queued', 'running')`, [runId, (error as Error).message]).catch(() => {});
      } finally {
        await cleanup().catch((error: unknown) => this.log.warn({ err: error, runId }, 'could not remove an uploaded export'));
      }
    });
  }

  /** Resolves when every queued run has finished (on close). */
  async drain(): Promise<void> {
    await this.tail;
  }
}
