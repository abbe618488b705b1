// Idempotency-Key on POST: a replay returns the first response; the same key with another body is refused with 422.
import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { sql } from 'kysely';
import type { Database } from '../db/database.ts';
import { AppError, ConflictError, ValidationError } from './errors.ts';

declare module 'fastify' {
  interface FastifyRequest {
    idempotency: { principal: string; key: string } | null;
  }
}

const KEY_PATTERN = /^[A-Za-z0-9._:\-]{1,200}$/;
const REPLAYED_HEADERS = ['location', 'etag', 'content-type'];

function requestHash(request: FastifyRequest): string {
  return createHash('sha256').update(request.method).update('\0').update(request.url)
    .update('\0').update(JSON.stringify(request.body ?? null)).digest('hex');
}

export const idempotencyPlugin = fp(async (app: FastifyInstance, opts: { db: Database }) => {
  const { db } = opts;
  app.decorateRequest('idempotency', null);

  app.addHook('preHandler', async (request: FastifyRequest, reply: FastifyReply) => {
    const key = request.headers['idempotency-key'];
    if (request.method !== 'POST' || key === undefined || !request.principal) return;
    if (typeof key !== 'string' || !KEY_PATTERN.test(key)) {
      throw new ValidationError('Idempotency-Key must be 1–200 characters of letters, digits and ._:-',
        [{ path: '/headers/idempotency-key', message: 'is not a valid key' }]);
    }
    const principal = `${request.principal.role}:${request.principal.sub}`;
    const hash = requestHash(request);
    const inserted = await db.insertInto('idempotencyKeys')
      .values({ principal, key, method: request.method, path: request.url, requestHash: hash })
      .onConflict((oc) => oc.doNothing())
      .returning('key')
      .executeTakeFirst();
    if (inserted) {
      request.idempotency = { principal, key };
      return;
    }
    const stored = await db.selectFrom('idempotencyKeys').selectAll()
      .where('principal', '=', principal).where('key', '=', key).executeTakeFirst();
    if (!stored) throw new ConflictError('The Idempotency-Key is being released; retry');
    if (stored.requestHash !== hash) {
      throw new AppError(422, 'KINSHIP_UNPROCESSABLE', 'Idempotency-Key reused',
        'This Idempotency-Key was used with a different request; use a new key for a new request',
        [{ path: '/headers/idempotency-key', message: 'was used with a different request' }]);
    }
    if (stored.statusCode === null) throw new ConflictError('A request with this Idempotency-Key is still in progress');
    for (const [name, value] of Object.entries((stored.responseHeaders ?? {}) as Record<string, string>)) reply.header(name, value);
    reply.header('idempotent-replayed', 'true');
    return reply.code(stored.statusCode).send(stored.responseBody ?? undefined);
  });

  app.addHook('onSend', async (request, reply, payload) => {
    const idem = request.idempotency;
    if (!idem) return payload;
    request.idempotency = null;
    if (reply.statusCode >= 500) {
      // A failed attempt leaves nothing behind: the client may retry with the same key.
      await db.deleteFrom('idempotencyKeys').where('principal', '=', idem.principal).where('key', '=', idem.key).execute();
      return payload;
    }
    const headers: Record<string, string> = {};
    for (const name of REPLAYED_HEADERS) {
      const value = reply.getHeader(name);
      if (value !== undefined) headers[name] = String(value);
    }
    await db.updateTable('idempotencyKeys')
      .set({ statusCode: reply.statusCode, responseHeaders: sql`${JSON.stringify(headers)}::jsonb`, responseBody: typeof payload === 'string' ? payload : null })
      .where('principal', '=', idem.principal).where('key', '=', idem.key).execute();
    return payload;
  });
}, { name: 'idempotency', dependencies: ['authentication'] });
