// The context every service call takes: an executor (pool or transaction), the caller, the request id and a logger.
import type { FastifyBaseLogger, FastifyRequest } from 'fastify';
import type { Principal } from '../auth/principal.ts';
import { requirePrincipal } from '../auth/authenticate.ts';
import type { Database, Executor } from '../db/database.ts';

export interface ServiceContext {
  db: Executor;
  principal: Principal;
  requestId: string;
  log: FastifyBaseLogger;
}

export function contextFromRequest(request: FastifyRequest, db: Database): ServiceContext {
  return { db, principal: requirePrincipal(request), requestId: String(request.id), log: request.log };
}

/** Runs fn in one transaction with the same caller; services compose inside it. */
export async function inTransaction<T>(ctx: ServiceContext, fn: (tx: ServiceContext) => Promise<T>): Promise<T> {
  if (ctx.db.isTransaction) return fn(ctx);
  return (ctx.db as Database).transaction().execute((trx) => fn({ ...ctx, db: trx }));
}
