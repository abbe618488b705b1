// REST for families (households): lists, single reads and local families created by district admins.
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { contextFromRequest } from '../../http/context.ts';
import { withEtag } from '../../http/etag.ts';
import { IdParams, PageOf, withErrors } from '../../http/schemas.ts';
import { Family, FamilyCreate, FamilyListQuery } from './schemas.ts';
import { createFamily, getFamily, listFamilies } from './service.ts';

const tags = ['roster'];

export async function familyRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  app.addSchema(Family);

  app.get('/v1/families', {
    schema: { tags, summary: 'List families (by name)', querystring: FamilyListQuery, response: withErrors({ 200: PageOf(Type.Ref(Family)) }) },
  }, async (request) => listFamilies(contextFromRequest(request, app.db), request.query));

  app.post('/v1/families', {
    schema: {
      tags, summary: 'Create a local family (district admins)',
      description: 'Students and guardians join it through their familyId. Send an Idempotency-Key to retry safely.',
      body: FamilyCreate, response: withErrors({ 201: Type.Ref(Family) }, true),
    },
  }, async (request, reply) => {
    const family = await createFamily(contextFromRequest(request, app.db), request.body);
    reply.code(201).header('location', `/v1/families/${family.id}`);
    return withEtag(request, reply, family);
  });

  app.get('/v1/families/:id', {
    schema: { tags, summary: 'One family, with the guardians and students the caller may see', params: IdParams, response: withErrors({ 200: Type.Ref(Family), 304: Type.Null() }) },
  }, async (request, reply) => withEtag(request, reply, await getFamily(contextFromRequest(request, app.db), request.params.id)));
}
