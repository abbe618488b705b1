// REST for guardians: lists, single reads, local guardians (district admins) and merge-patch of local fields.
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { contextFromRequest } from '../../http/context.ts';
import { ifMatchOf, withEtag } from '../../http/etag.ts';
import { IdParams, PageOf, withErrors } from '../../http/schemas.ts';
import { Guardian, GuardianCreate, GuardianListQuery, GuardianPatch } from './schemas.ts';
import { createGuardian, getGuardian, listGuardians, updateGuardian } from './service.ts';

const tags = ['roster'];

export async function guardianRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  app.addSchema(Guardian);

  app.get('/v1/guardians', {
    schema: { tags, summary: 'List guardians (by name)', querystring: GuardianListQuery, response: withErrors({ 200: PageOf(Type.Ref(Guardian)) }) },
  }, async (request) => listGuardians(contextFromRequest(request, app.db), request.query));

  app.post('/v1/guardians', {
    schema: {
      tags, summary: 'Create a local guardian (district admins)',
      description: 'The row is created with source "local"; link it to students with POST /v1/students/{id}/guardians. Send an Idempotency-Key to retry safely.',
      body: GuardianCreate, response: withErrors({ 201: Type.Ref(Guardian) }, true),
    },
  }, async (request, reply) => {
    const guardian = await createGuardian(contextFromRequest(request, app.db), request.body);
    reply.code(201).header('location', `/v1/guardians/${guardian.id}`);
    return withEtag(request, reply, guardian);
  });

  app.get('/v1/guardians/:id', {
    schema: { tags, summary: 'One guardian', params: IdParams, response: withErrors({ 200: Type.Ref(Guardian), 304: Type.Null() }) },
  }, async (request, reply) => withEtag(request, reply, await getGuardian(contextFromRequest(request, app.db), request.params.id)));

  app.patch('/v1/guardians/:id', {
    schema: {
      tags, summary: 'Change a guardian (JSON merge patch; If-Match supported)',
      description: GuardianPatch.description,
      params: IdParams, body: GuardianPatch, response: withErrors({ 200: Type.Ref(Guardian) }, true),
    },
  }, async (request, reply) => withEtag(request, reply,
    await updateGuardian(contextFromRequest(request, app.db), request.params.id, request.body, ifMatchOf(request))));
}
