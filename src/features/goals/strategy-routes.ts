// REST for a goal's strategies: thin handlers over the strategies service.
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { contextFromRequest } from '../../http/context.ts';
import { ifMatchOf, withEtag } from '../../http/etag.ts';
import { IdParams, PageOf, withErrors } from '../../http/schemas.ts';
import { GoalPartListQuery, GoalStrategy, GoalStrategyCreate, GoalStrategyPatch, StrategyParams } from './part-schemas.ts';
import { addGoalStrategy, getGoalStrategy, listGoalStrategies, removeGoalStrategy, updateGoalStrategy } from './strategies.ts';

const tags = ['goals'];

export async function goalStrategyRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  app.addSchema(GoalStrategy);

  app.get('/v1/goals/:id/strategies', {
    schema: {
      tags, summary: "A goal's strategies (oldest first)",
      params: IdParams, querystring: GoalPartListQuery,
      response: withErrors({ 200: PageOf(Type.Ref(GoalStrategy)) }),
    },
  }, async (request) => listGoalStrategies(contextFromRequest(request, app.db), request.params.id, request.query));

  app.post('/v1/goals/:id/strategies', {
    schema: {
      tags, summary: 'Use a strategy resource for a goal, at home, at school or both',
      params: IdParams, body: GoalStrategyCreate,
      response: withErrors({ 201: Type.Ref(GoalStrategy) }, true),
    },
  }, async (request, reply) => {
    const strategy = await addGoalStrategy(contextFromRequest(request, app.db), request.params.id, request.body);
    reply.code(201).header('location', `/v1/goals/${strategy.goalId}/strategies/${strategy.id}`);
    return withEtag(request, reply, strategy);
  });

  app.get('/v1/goals/:id/strategies/:strategyId', {
    schema: { tags, summary: 'One strategy of a goal', params: StrategyParams, response: withErrors({ 200: Type.Ref(GoalStrategy), 304: Type.Null() }) },
  }, async (request, reply) => withEtag(request, reply,
    await getGoalStrategy(contextFromRequest(request, app.db), request.params.id, request.params.strategyId)));

  app.patch('/v1/goals/:id/strategies/:strategyId', {
    schema: {
      tags, summary: "Change where a strategy is used or its notes (JSON merge patch; If-Match supported)",
      params: StrategyParams, body: GoalStrategyPatch,
      response: withErrors({ 200: Type.Ref(GoalStrategy) }, true),
    },
  }, async (request, reply) => withEtag(request, reply, await updateGoalStrategy(contextFromRequest(request, app.db),
    request.params.id, request.params.strategyId, request.body, ifMatchOf(request))));

  app.delete('/v1/goals/:id/strategies/:strategyId', {
    schema: { tags, summary: 'Stop using a strategy for a goal (If-Match supported)', params: StrategyParams, response: withErrors({ 204: Type.Null() }, true) },
  }, async (request, reply) => {
    await removeGoalStrategy(contextFromRequest(request, app.db), request.params.id, request.params.strategyId, ifMatchOf(request));
    return reply.code(204).send(null);
  });
}
