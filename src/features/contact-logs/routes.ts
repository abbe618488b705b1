// REST for contact logs: thin handlers, validated input → service → response.
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { contextFromRequest } from '../../http/context.ts';
import { ifMatchOf, withEtag } from '../../http/etag.ts';
import { IdParams, PageOf, withErrors } from '../../http/schemas.ts';
import { ContactLog, ContactLogCreate, ContactLogListQuery, ContactLogPatch } from './schemas.ts';
import { createContactLog, deleteContactLog, getContactLog, listContactLogs, updateContactLog } from './service.ts';

const tags = ['contact-logs'];

export async function contactLogRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  app.addSchema(ContactLog);

  app.get('/v1/contact-logs', {
    schema: {
      tags, summary: 'List contact logs (newest first)',
      querystring: ContactLogListQuery,
      response: withErrors({ 200: PageOf(Type.Ref(ContactLog)) }),
    },
  }, async (request) => listContactLogs(contextFromRequest(request, app.db), request.query));

  app.post('/v1/contact-logs', {
    schema: {
      tags, summary: 'Log a contact with a family',
      description: 'Start with strengths, stay factual and record what the family shared (familyInput). Send an Idempotency-Key to retry safely.',
      body: ContactLogCreate,
      response: withErrors({ 201: Type.Ref(ContactLog) }, true),
    },
  }, async (request, reply) => {
    const log = await createContactLog(contextFromRequest(request, app.db), request.body);
    reply.code(201).header('location', `/v1/contact-logs/${log.id}`);
    return withEtag(request, reply, log);
  });

  app.get('/v1/contact-logs/:id', {
    schema: { tags, summary: 'One contact log', params: IdParams, response: withErrors({ 200: Type.Ref(ContactLog), 304: Type.Null() }) },
  }, async (request, reply) => withEtag(request, reply, await getContactLog(contextFromRequest(request, app.db), request.params.id)));

  app.patch('/v1/contact-logs/:id', {
    schema: {
      tags, summary: 'Change a contact log (JSON merge patch; If-Match supported)',
      params: IdParams, body: ContactLogPatch,
      response: withErrors({ 200: Type.Ref(ContactLog) }, true),
    },
  }, async (request, reply) => withEtag(request, reply,
    await updateContactLog(contextFromRequest(request, app.db), request.params.id, request.body, ifMatchOf(request))));

  app.delete('/v1/contact-logs/:id', {
    schema: { tags, summary: 'Delete a contact log (If-Match supported)', params: IdParams, response: withErrors({ 204: Type.Null() }, true) },
  }, async (request, reply) => {
    await deleteContactLog(contextFromRequest(request, app.db), request.params.id, ifMatchOf(request));
    return reply.code(204).send(null);
  });
}
