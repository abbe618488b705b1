// REST for resource shares: share a resource with a guardian, list shares, acknowledge and withdraw them.
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { contextFromRequest } from '../../http/context.ts';
import { ifMatchOf, withEtag } from '../../http/etag.ts';
import { IdParams, PageOf, withErrors } from '../../http/schemas.ts';
import { ResourceShare, ResourceShareCreate, ResourceShareListQuery, SharesOfResourceQuery } from './share-schemas.ts';
import {
  acknowledgeResourceShare, createResourceShare, deleteResourceShare, getResourceShare, listResourceShares, listSharesOfResource,
} from './share-service.ts';

const tags = ['resource-shares'];

export async function resourceShareRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  app.addSchema(ResourceShare);

  app.get('/v1/strategy-resources/:id/shares', {
    schema: {
      tags, summary: 'List the shares of one resource (newest first)',
      params: IdParams, querystring: SharesOfResourceQuery,
      response: withErrors({ 200: PageOf(Type.Ref(ResourceShare)) }),
    },
  }, async (request) => listSharesOfResource(contextFromRequest(request, app.db), request.params.id, request.query));

  app.post('/v1/strategy-resources/:id/shares', {
    schema: {
      tags, summary: 'Share a resource with a guardian about a student',
      description: 'The guardian must be linked to the student, and the resource must not be archived (422). Send an Idempotency-Key to retry safely.',
      params: IdParams, body: ResourceShareCreate,
      response: withErrors({ 201: Type.Ref(ResourceShare) }, true),
    },
  }, async (request, reply) => {
    const share = await createResourceShare(contextFromRequest(request, app.db), request.params.id, request.body);
    reply.code(201).header('location', `/v1/resource-shares/${share.id}`);
    return withEtag(request, reply, share);
  });

  app.get('/v1/resource-shares', {
    schema: {
      tags, summary: 'List resource shares (newest first)',
      description: 'Staff see the shares of students they can see; a guardian sees the resources shared with them ("shared with me").',
      querystring: ResourceShareListQuery,
      response: withErrors({ 200: PageOf(Type.Ref(ResourceShare)) }),
    },
  }, async (request) => listResourceShares(contextFromRequest(request, app.db), request.query));

  app.get('/v1/resource-shares/:id', {
    schema: { tags, summary: 'One resource share', params: IdParams, response: withErrors({ 200: Type.Ref(ResourceShare), 304: Type.Null() }) },
  }, async (request, reply) => withEtag(request, reply, await getResourceShare(contextFromRequest(request, app.db), request.params.id)));

  app.post('/v1/resource-shares/:id/acknowledge', {
    schema: {
      tags, summary: 'Acknowledge a share (the guardian it was shared with)',
      description: 'Idempotent: acknowledging again keeps the first acknowledgement time.',
      params: IdParams, response: withErrors({ 200: Type.Ref(ResourceShare) }, true),
    },
  }, async (request, reply) => withEtag(request, reply, await acknowledgeResourceShare(contextFromRequest(request, app.db), request.params.id)));

  app.delete('/v1/resource-shares/:id', {
    schema: {
      tags, summary: 'Withdraw a share (If-Match supported)',
      description: 'The staff member who shared it or an administrator, and only before the guardian acknowledged it (409 after).',
      params: IdParams, response: withErrors({ 204: Type.Null() }, true),
    },
  }, async (request, reply) => {
    await deleteResourceShare(contextFromRequest(request, app.db), request.params.id, ifMatchOf(request));
    return reply.code(204).send(null);
  });
}
