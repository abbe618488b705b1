// REST for classes: read-only lists and single reads.
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { contextFromRequest } from '../../http/context.ts';
import { withEtag } from '../../http/etag.ts';
import { IdParams, PageOf, withErrors } from '../../http/schemas.ts';
import { Class, ClassListQuery } from './schemas.ts';
import { getClass, listClasses } from './service.ts';

const tags = ['roster'];

export async function classRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  app.addSchema(Class);

  app.get('/v1/classes', {
    schema: { tags, summary: 'List classes (by title)', querystring: ClassListQuery, response: withErrors({ 200: PageOf(Type.Ref(Class)) }) },
  }, async (request) => listClasses(contextFromRequest(request, app.db), request.query));

  app.get('/v1/classes/:id', {
    schema: { tags, summary: 'One class', params: IdParams, response: withErrors({ 200: Type.Ref(Class), 304: Type.Null() }) },
  }, async (request, reply) => withEtag(request, reply, await getClass(contextFromRequest(request, app.db), request.params.id)));
}
