// The context every service call takes: an executor (pool or transaction), the caller, the request id and a logger.
import type { FastifyBaseLogger, FastifyRequest } from 'fastify';
import type { AuditRecord } from '../auth/audit.ts';
import type { Principal } from '../auth/principal.ts';
import { requirePrincipal } from '../auth/authenticate.ts';
import type { Database, Executor } from '../db/database.ts';
import type { DomainEvent, EventBus } from '../events/bus.ts';

declare module 'fastify' {
  interface FastifyInstance {
    events: EventBus;
  }
}

export interface ServiceContext {
  db: Executor;
  principal: Principal;
  requestId: string;
  log: FastifyBaseLogger;
  /** Announces a domain event; inside inTransaction it is held until the transaction commits. */
  publish?: (event: DomainEvent) => void;
  /** The request's read-audit buffer (src/auth/audit-plugin.ts); absent outside an HTTP request. */
  auditBuffer?: AuditRecord[];
}

export function contextFromRequest(request: FastifyRequest, db: Database): ServiceContext {
  const bus = request.server.events;
  return {
    db,
    principal: requirePrincipal(request),
    requestId: String(request.id),
    log: request.log,
    auditBuffer: request.auditBuffer ?? undefined,
    publish: (event) => void bus.publish([event]).catch((error: unknown) => request.log.warn({ err: error }, 'could not publish an event')),
  };
}

/** Runs fn in one transaction with the same caller; services compose inside it. Events go out only after commit. */
export async function inTransaction<T>(ctx: ServiceContext, fn: (tx: ServiceContext) => Promise<T>): Promise<T> {
  if (ctx.db.isTransaction) return fn(ctx);
  const pending: DomainEvent[] = [];
  const result = await (ctx.db as Database).transaction().execute((trx) => fn({ ...ctx, db: trx, publish: (event) => pending.push(event) }));
  for (const event of pending) ctx.publish?.(event);
  return result;
}
