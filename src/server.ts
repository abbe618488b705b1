// Entry point: config → database (external or embedded) → migrate → listen → graceful close on SIGTERM/SIGINT.
import pino from 'pino';
import { buildApp } from './app.ts';
import { ConfigError, loadConfig, redactDatabaseUrl, type Config } from './config.ts';
import { withLocalJwtSecret } from './auth/keys.ts';
import { resolveDatabase } from './db/connect.ts';
import { createDatabase } from './db/database.ts';
import { migrateToLatest } from './db/migrator.ts';

let config: Config;
try {
  config = loadConfig();
} catch (error) {
  if (error instanceof ConfigError) {
    process.stderr.write(`Configuration error: ${error.message}\n`);
    process.exit(1);
  }
  throw error;
}

const log = pino({ level: config.logLevel });
config = withLocalJwtSecret(config, log);
const database = await resolveDatabase(config, log);

try {
  if (config.migrateOnStart) {
    const { db } = createDatabase({ connectionString: database.url, poolMax: 1 });
    try {
      const applied = await migrateToLatest(db);
      log.info({ applied }, applied.length > 0 ? 'applied database migrations' : 'database schema is up to date');
    } finally {
      await db.destroy();
    }
  }
} catch (error) {
  log.fatal({ err: error }, 'could not migrate the database');
  await database.stop();
  process.exit(1);
}

const app = await buildApp({ ...config, databaseUrl: database.url });
await app.listen({ host: config.host, port: config.port });
app.log.info({ url: `http://${config.host}:${config.port}`, database: redactDatabaseUrl(database.url), docs: '/docs' }, 'kinship-api listening');

let closing = false;
async function shutdown(signal: string): Promise<void> {
  if (closing) return;
  closing = true;
  app.log.info({ signal }, 'shutting down: no new connections, finishing in-flight requests');
  const timer = setTimeout(() => {
    app.log.error('shutdown timed out; exiting');
    process.exit(1);
  }, config.shutdownTimeoutMs);
  timer.unref();
  // fastify reaps the keep-alive connections idle at the signal; those busy then would stay open after their response
  // (keepAliveTimeout, 72 s) and hold the close until the shutdown timeout, so they close as soon as they go idle.
  app.server.keepAliveTimeout = 1;
  try {
    await app.close();
    await database.stop();
    app.log.info('stopped');
    process.exit(0);
  } catch (error) {
    app.log.error({ err: error }, 'error during shutdown');
    process.exit(1);
  }
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
