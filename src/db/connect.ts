// Resolves the database the process uses: DATABASE_URL when set, otherwise the embedded server.
import type { Logger } from 'pino';
import { redactDatabaseUrl, type Config } from '../config.ts';
import { startEmbeddedPostgres } from './embedded.ts';

export interface ResolvedDatabase {
  url: string;
  embedded: boolean;
  stop(): Promise<void>;
}

export async function resolveDatabase(config: Config, log: Logger): Promise<ResolvedDatabase> {
  if (config.databaseUrl !== undefined) {
    log.info({ database: redactDatabaseUrl(config.databaseUrl) }, 'using external PostgreSQL from DATABASE_URL');
    return { url: config.databaseUrl, embedded: false, stop: async () => {} };
  }
  const embedded = await startEmbeddedPostgres({ dataDir: config.dataDir, port: config.embeddedPgPort, log });
  log.info({ database: redactDatabaseUrl(embedded.url), dataDir: config.dataDir }, 'using embedded PostgreSQL');
  return { url: embedded.url, embedded: true, stop: embedded.stop };
}
