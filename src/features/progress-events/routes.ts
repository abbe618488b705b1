// REST for progress events and a goal's progress: thin handlers, validated input → service → response.
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { contextFromRequest } from '../../http/context.ts';
import { ifMatchOf, withEtag } from '../../http/etag.ts';
import { IdParams, PageOf, withErrors } from '../../http/schemas.ts';
import { GoalProgressQuery, ProgressEvent, ProgressEventCreate, ProgressEventListQuery, ProgressEventPatch } from './schemas.ts';
import {
  createProgressEvent, deleteProgressEvent, getProgressEvent, listGoalProgress, listProgressEvents, updateProgressEvent,
} from './service.ts';

const tags = ['progress-events'];

export async function progressEventRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  app.addSchema(ProgressEvent);

  app.get('/v1/progress-events', {
    schema: {
      tags, summary: 'List progress events (newest first)',
      description: 'Guardians see only family-visible events of their children, on no goal or on goals they take part in.',
      querystring: ProgressEventListQuery,
      response: withErrors({ 200: PageOf(Type.Ref(ProgressEvent)) }),
    },
  }, async (request) => listProgressEvents(contextFromRequest(request, app.db), request.query));

  app.get('/v1/goals/:id/progress', {
    schema: {
      tags: [...tags, 'goals'], summary: "A goal's progress events (newest first, or oldest first with order=oldest)",
      params: IdParams, querystring: GoalProgressQuery,
      response: withErrors({ 200: PageOf(Type.Ref(ProgressEvent)) }),
    },
  }, async (request) => listGoalProgress(contextFromRequest(request, app.db), request.params.id, request.query));

  app.post('/v1/progress-events', {
    schema: {
      tags, summary: 'Record progress',
      description: 'Staff record in their own name (admins and integrations name recordedByStaffId) or for the student '
        + '(recordedByType student). Guardians record home events their family sees. A measurement names a goal and a value '
        + "on the goal's measure; draft and discontinued goals take no new events. Send an Idempotency-Key to retry safely.",
      body: ProgressEventCreate,
      response: withErrors({ 201: Type.Ref(ProgressEvent) }, true),
    },
  }, async (request, reply) => {
    const event = await createProgressEvent(contextFromRequest(request, app.db), request.body);
    reply.code(201).header('location', `/v1/progress-events/${event.id}`);
    return withEtag(request, reply, event);
  });

  app.get('/v1/progress-events/:id', {
    schema: { tags, summary: 'One progress event', params: IdParams, response: withErrors({ 200: Type.Ref(ProgressEvent), 304: Type.Null() }) },
  }, async (request, reply) => withEtag(request, reply, await getProgressEvent(contextFromRequest(request, app.db), request.params.id)));

  app.patch('/v1/progress-events/:id', {
    schema: {
      tags, summary: 'Change a progress event (JSON merge patch; If-Match supported)',
      description: 'Whoever recorded it (the staff member or guardian) or an administrator.',
      params: IdParams, body: ProgressEventPatch,
      response: withErrors({ 200: Type.Ref(ProgressEvent) }, true),
    },
  }, async (request, reply) => withEtag(request, reply,
    await updateProgressEvent(contextFromRequest(request, app.db), request.params.id, request.body, ifMatchOf(request))));

  app.delete('/v1/progress-events/:id', {
    schema: { tags, summary: 'Delete a progress event (If-Match supported)', params: IdParams, response: withErrors({ 204: Type.Null() }, true) },
  }, async (request, reply) => {
    await deleteProgressEvent(contextFromRequest(request, app.db), request.params.id, ifMatchOf(request));
    return reply.code(204).send(null);
  });
}
