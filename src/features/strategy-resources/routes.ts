// REST for the strategy resource library and its shares: thin handlers, validated input → service → response.
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { contextFromRequest } from '../../http/context.ts';
import { ifMatchOf, withEtag } from '../../http/etag.ts';
import { IdParams, PageOf, withErrors } from '../../http/schemas.ts';
import { StrategyResource, StrategyResourceCreate, StrategyResourceListQuery, StrategyResourcePatch } from './schemas.ts';
import {
  archiveStrategyResource, createStrategyResource, getStrategyResource, listStrategyResources, unarchiveStrategyResource,
  updateStrategyResource,
} from './service.ts';
import { resourceShareRoutes } from './share-routes.ts';

const tags = ['strategy-resources'];

export async function strategyResourceRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  app.addSchema(StrategyResource);

  app.get('/v1/strategy-resources', {
    schema: {
      tags, summary: 'List strategy resources (newest first)',
      description: 'Staff see the district library and the libraries of their schools; guardians see resources shared with them. Archived resources are listed only with archived=true.',
      querystring: StrategyResourceListQuery,
      response: withErrors({ 200: PageOf(Type.Ref(StrategyResource)) }),
    },
  }, async (request) => listStrategyResources(contextFromRequest(request, app.db), request.query));

  app.post('/v1/strategy-resources', {
    schema: {
      tags, summary: 'Add a resource to the district or a school library',
      description: 'Teachers add to the district library or to a school they work in. Send an Idempotency-Key to retry safely.',
      body: StrategyResourceCreate,
      response: withErrors({ 201: Type.Ref(StrategyResource) }, true),
    },
  }, async (request, reply) => {
    const resource = await createStrategyResource(contextFromRequest(request, app.db), request.body);
    reply.code(201).header('location', `/v1/strategy-resources/${resource.id}`);
    return withEtag(request, reply, resource);
  });

  app.get('/v1/strategy-resources/:id', {
    schema: { tags, summary: 'One strategy resource', params: IdParams, response: withErrors({ 200: Type.Ref(StrategyResource), 304: Type.Null() }) },
  }, async (request, reply) => withEtag(request, reply, await getStrategyResource(contextFromRequest(request, app.db), request.params.id)));

  app.patch('/v1/strategy-resources/:id', {
    schema: {
      tags, summary: 'Change a strategy resource (JSON merge patch; If-Match supported)',
      description: 'Only the staff member who added it or an administrator. Archived resources must be restored first (409).',
      params: IdParams, body: StrategyResourcePatch,
      response: withErrors({ 200: Type.Ref(StrategyResource) }, true),
    },
  }, async (request, reply) => withEtag(request, reply,
    await updateStrategyResource(contextFromRequest(request, app.db), request.params.id, request.body, ifMatchOf(request))));

  app.delete('/v1/strategy-resources/:id', {
    schema: {
      tags, summary: 'Archive a strategy resource (If-Match supported)',
      description: 'The resource is kept: it stays readable where it was shared, but is no longer listed (unless archived=true), shared or attached to goals.',
      params: IdParams, response: withErrors({ 204: Type.Null() }, true),
    },
  }, async (request, reply) => {
    await archiveStrategyResource(contextFromRequest(request, app.db), request.params.id, ifMatchOf(request));
    return reply.code(204).send(null);
  });

  app.post('/v1/strategy-resources/:id/unarchive', {
    schema: {
      tags, summary: 'Restore an archived strategy resource (If-Match supported)',
      params: IdParams, response: withErrors({ 200: Type.Ref(StrategyResource) }, true),
    },
  }, async (request, reply) => withEtag(request, reply,
    await unarchiveStrategyResource(contextFromRequest(request, app.db), request.params.id, ifMatchOf(request))));

  await app.register(resourceShareRoutes);
}
