// REST for the student timeline.
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { contextFromRequest } from '../../http/context.ts';
import { IdParams, PageOf, withErrors } from '../../http/schemas.ts';
import { commaSeparatedQuery } from '../../http/validators.ts';
import { TimelineItem, TimelineQuery } from './schemas.ts';
import { getStudentTimeline } from './service.ts';

export async function timelineRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  app.addSchema(TimelineItem);
  app.get('/v1/students/:id/timeline', {
    schema: {
      tags: ['students'], summary: "The student's partnership story, newest first",
      description: 'Contact logs, goals, progress events and shared resources in one feed; guardians see what is shared with the family.',
      params: IdParams, querystring: TimelineQuery,
      response: withErrors({ 200: PageOf(Type.Ref(TimelineItem)) }),
    },
    preValidation: commaSeparatedQuery('types'),
  }, async (request) => getStudentTimeline(contextFromRequest(request, app.db), request.params.id, request.query));
}
