// REST for schools: read-only lists and single reads.
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { contextFromRequest } from '../../http/context.ts';
import { withEtag } from '../../http/etag.ts';
import { IdParams, PageOf, withErrors } from '../../http/schemas.ts';
import { School, SchoolListQuery } from './schemas.ts';
import { getSchool, listSchools } from './service.ts';

const tags = ['roster'];

export async function schoolRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  app.addSchema(School);

  app.get('/v1/schools', {
    schema: { tags, summary: 'List schools (by name)', querystring: SchoolListQuery, response: withErrors({ 200: PageOf(Type.Ref(School)) }) },
  }, async (request) => listSchools(contextFromRequest(request, app.db), request.query));

  app.get('/v1/schools/:id', {
    schema: { tags, summary: 'One school', params: IdParams, response: withErrors({ 200: Type.Ref(School), 304: Type.Null() }) },
  }, async (request, reply) => withEtag(request, reply, await getSchool(contextFromRequest(request, app.db), request.params.id)));
}
