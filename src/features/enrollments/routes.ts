// REST for enrollments: read-only lists and single reads.
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { contextFromRequest } from '../../http/context.ts';
import { withEtag } from '../../http/etag.ts';
import { IdParams, PageOf, withErrors } from '../../http/schemas.ts';
import { Enrollment, EnrollmentListQuery } from './schemas.ts';
import { getEnrollment, listEnrollments } from './service.ts';

const tags = ['roster'];

export async function enrollmentRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  app.addSchema(Enrollment);

  app.get('/v1/enrollments', {
    schema: { tags, summary: 'List enrollments (oldest first)', querystring: EnrollmentListQuery, response: withErrors({ 200: PageOf(Type.Ref(Enrollment)) }) },
  }, async (request) => listEnrollments(contextFromRequest(request, app.db), request.query));

  app.get('/v1/enrollments/:id', {
    schema: { tags, summary: 'One enrollment', params: IdParams, response: withErrors({ 200: Type.Ref(Enrollment), 304: Type.Null() }) },
  }, async (request, reply) => withEtag(request, reply, await getEnrollment(contextFromRequest(request, app.db), request.params.id)));
}
