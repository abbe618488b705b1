// REST for goals: thin handlers, validated input → service → response; participants and strategies register here too.
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { contextFromRequest } from '../../http/context.ts';
import { ifMatchOf, withEtag } from '../../http/etag.ts';
import { IdParams, PageOf, withErrors } from '../../http/schemas.ts';
import { goalParticipantRoutes } from './participant-routes.ts';
import { Goal, GoalCreate, GoalListQuery, GoalPatch } from './schemas.ts';
import { createGoal, deleteGoal, getGoal, listGoals, reopenGoal, updateGoal } from './service.ts';
import { goalStrategyRoutes } from './strategy-routes.ts';

const tags = ['goals'];

export async function goalRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  app.addSchema(Goal);

  app.get('/v1/goals', {
    schema: {
      tags, summary: 'List goals (newest first)',
      description: 'Guardians see only the goals they take part in. `from`/`to` bound createdAt.',
      querystring: GoalListQuery,
      response: withErrors({ 200: PageOf(Type.Ref(Goal)) }),
    },
  }, async (request) => listGoals(contextFromRequest(request, app.db), request.query));

  app.post('/v1/goals', {
    schema: {
      tags, summary: 'Create a collaborative goal for a student',
      description: 'Starts as a draft unless status is "active". Measures: percent 0–100, rating within ratingMin < ratingMax, yes_no 0/1, count whole numbers, note_only none. Send an Idempotency-Key to retry safely.',
      body: GoalCreate,
      response: withErrors({ 201: Type.Ref(Goal) }, true),
    },
  }, async (request, reply) => {
    const goal = await createGoal(contextFromRequest(request, app.db), request.body);
    reply.code(201).header('location', `/v1/goals/${goal.id}`);
    return withEtag(request, reply, goal);
  });

  app.get('/v1/goals/:id', {
    schema: { tags, summary: 'One goal', params: IdParams, response: withErrors({ 200: Type.Ref(Goal), 304: Type.Null() }) },
  }, async (request, reply) => withEtag(request, reply, await getGoal(contextFromRequest(request, app.db), request.params.id)));

  app.patch('/v1/goals/:id', {
    schema: {
      tags, summary: 'Change a goal (JSON merge patch; If-Match supported)',
      description: 'Status moves: draft → active | discontinued; active → paused | met | discontinued; paused → discontinued. Back to active only through POST /v1/goals/{id}/reopen. Measure rules apply to the merged goal.',
      params: IdParams, body: GoalPatch,
      response: withErrors({ 200: Type.Ref(Goal) }, true),
    },
  }, async (request, reply) => withEtag(request, reply,
    await updateGoal(contextFromRequest(request, app.db), request.params.id, request.body, ifMatchOf(request))));

  app.post('/v1/goals/:id/reopen', {
    schema: {
      tags, summary: 'Reopen a paused, met or discontinued goal (back to active; If-Match supported)',
      params: IdParams,
      response: withErrors({ 200: Type.Ref(Goal) }, true),
    },
  }, async (request, reply) => withEtag(request, reply,
    await reopenGoal(contextFromRequest(request, app.db), request.params.id, ifMatchOf(request))));

  app.delete('/v1/goals/:id', {
    schema: {
      tags, summary: 'Delete a draft goal without progress (If-Match supported)',
      description: 'Goals with history (any status but draft, or any progress event) answer 409: discontinue them instead.',
      params: IdParams, response: withErrors({ 204: Type.Null() }, true),
    },
  }, async (request, reply) => {
    await deleteGoal(contextFromRequest(request, app.db), request.params.id, ifMatchOf(request));
    return reply.code(204).send(null);
  });

  await goalParticipantRoutes(app);
  await goalStrategyRoutes(app);
}
