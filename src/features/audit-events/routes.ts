// REST for the audit trail (district admins only).
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { contextFromRequest } from '../../http/context.ts';
import { PageOf, withErrors } from '../../http/schemas.ts';
import { AuditEvent, AuditEventListQuery } from './schemas.ts';
import { listAuditEvents } from './service.ts';

export async function auditEventRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  app.addSchema(AuditEvent);
  app.get('/v1/audit-events', {
    schema: {
      tags: ['audit'], summary: 'Who read or changed which records (district admins), newest first',
      querystring: AuditEventListQuery,
      response: withErrors({ 200: PageOf(Type.Ref(AuditEvent)) }),
    },
  }, async (request) => listAuditEvents(contextFromRequest(request, app.db), request.query));
}
