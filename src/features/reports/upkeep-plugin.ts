// Keeps the district week rows of the engagement report fresh in the background, so write marks never pile up.
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';

export async function reportUpkeepPlugin(app: FastifyInstance): Promise<void> {
  const interval = app.config.reports.upkeepIntervalMs;
  if (interval === 0) return;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  const tick = () => {
    running = sql<{ refreshed: number }>`select report_district_weeks_upkeep() as refreshed`.execute(app.db)
      .then(({ rows }) => { if (rows[0]?.refreshed) app.log.debug({ weeks: rows[0].refreshed }, 'refreshed district report weeks'); })
      // The database may be away or unmigrated: the next tick tries again.
      .catch((error: unknown) => app.log.warn({ err: error }, 'could not refresh district report weeks'))
      .finally(() => { running = undefined; });
  };
  app.addHook('onReady', async () => {
    timer = setInterval(() => { if (!running) tick(); }, interval);
    timer.unref();
  });
  app.addHook('onClose', async () => {
    clearInterval(timer);
    await running;
  });
}
