// Liveness and readiness: /healthz answers while the process lives, /readyz when the database answers and is migrated.
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import type { Database } from '../db/database.ts';
import { pendingMigrationCount } from '../db/migrator.ts';
import { UnavailableError } from '../http/errors.ts';
import { ignorePressure } from '../http/protection.ts';

export async function healthRoutes(app: FastifyInstance, opts: { db: Database }): Promise<void> {
  const schemaHide = { hide: true };
  app.get('/healthz', { schema: schemaHide, logLevel: 'warn', config: ignorePressure }, async () => ({ status: 'ok' }));

  app.get('/readyz', { schema: schemaHide, logLevel: 'warn', config: ignorePressure }, async () => {
    try {
      await sql`select 1`.execute(opts.db);
    } catch {
      throw new UnavailableError('The database is not reachable');
    }
    const pending = await pendingMigrationCount(opts.db);
    if (pending > 0) throw new UnavailableError(`${pending} database migration(s) are not applied yet`);
    return { status: 'ready' };
  });
}
