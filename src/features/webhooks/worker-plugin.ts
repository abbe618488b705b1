// Starts the webhook delivery worker (its own small pool) when the app is ready and stops it when the app closes.
import type { FastifyInstance } from 'fastify';
import { createDatabase } from '../../db/database.ts';
import { WebhookWorker } from './worker.ts';

export async function webhookWorkerPlugin(app: FastifyInstance): Promise<void> {
  const settings = app.config.webhooks;
  const url = app.config.databaseUrl;
  if (!settings.workerEnabled || url === undefined) return;
  // A pool of its own: deliveries never take connections from requests, nor show up in a request's statements.
  const { db } = createDatabase({ connectionString: url, poolMax: 2, applicationName: 'kinship-webhooks' });
  const worker = new WebhookWorker(db, settings, app.log.child({ component: 'webhooks' }));
  app.addHook('onReady', async () => worker.start());
  app.addHook('onClose', async () => {
    await worker.stop();
    await db.destroy();
  });
}
