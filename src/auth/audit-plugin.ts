// Gives each authenticated request an audit buffer for its reads, inserted (with other requests' rows) before the response leaves.
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Database } from '../db/database.ts';
import { ReadAuditWriter, type AuditRecord } from './audit.ts';

declare module 'fastify' {
  interface FastifyRequest {
    auditBuffer: AuditRecord[] | null;
  }
}

export const auditPlugin = fp(async (app: FastifyInstance, opts: { db: Database }) => {
  const writer = new ReadAuditWriter(opts.db);
  app.decorateRequest('auditBuffer', null);
  app.addHook('preHandler', async (request) => {
    if (request.principal) request.auditBuffer = [];
  });
  // Before the body is sent: a record is never handed out without its audit row (a failed insert fails the request).
  app.addHook('onSend', async (request, _reply, payload) => {
    const records = request.auditBuffer;
    request.auditBuffer = null;
    if (records && records.length > 0 && request.principal) {
      await writer.write(request.principal, String(request.id), records);
    }
    return payload;
  });
}, { name: 'audit', dependencies: ['authentication'] });
