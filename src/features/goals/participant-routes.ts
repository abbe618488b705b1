// REST for a goal's participants and a participant's input: thin handlers over the participants service.
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { contextFromRequest } from '../../http/context.ts';
import { ifMatchOf, withEtag } from '../../http/etag.ts';
import { IdParams, PageOf, withErrors } from '../../http/schemas.ts';
import { GoalParticipant, GoalParticipantCreate, GoalParticipantInput, GoalPartListQuery, ParticipantParams } from './part-schemas.ts';
import { addGoalParticipant, getGoalParticipant, listGoalParticipants, putGoalParticipantInput, removeGoalParticipant } from './participants.ts';

const tags = ['goals'];

export async function goalParticipantRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  app.addSchema(GoalParticipant);

  app.get('/v1/goals/:id/participants', {
    schema: {
      tags, summary: "A goal's participants (oldest first)",
      description: 'Names and relationships only, never contact details; guardians do not see other guardians\' input.',
      params: IdParams, querystring: GoalPartListQuery,
      response: withErrors({ 200: PageOf(Type.Ref(GoalParticipant)) }),
    },
  }, async (request) => listGoalParticipants(contextFromRequest(request, app.db), request.params.id, request.query));

  app.post('/v1/goals/:id/participants', {
    schema: {
      tags, summary: 'Add a participant: a guardian linked to the student, an active staff member, or the student',
      params: IdParams, body: GoalParticipantCreate,
      response: withErrors({ 201: Type.Ref(GoalParticipant) }, true),
    },
  }, async (request, reply) => {
    const participant = await addGoalParticipant(contextFromRequest(request, app.db), request.params.id, request.body);
    reply.code(201).header('location', `/v1/goals/${participant.goalId}/participants/${participant.id}`);
    return withEtag(request, reply, participant);
  });

  app.get('/v1/goals/:id/participants/:participantId', {
    schema: { tags, summary: 'One participant of a goal', params: ParticipantParams, response: withErrors({ 200: Type.Ref(GoalParticipant), 304: Type.Null() }) },
  }, async (request, reply) => withEtag(request, reply,
    await getGoalParticipant(contextFromRequest(request, app.db), request.params.id, request.params.participantId)));

  app.delete('/v1/goals/:id/participants/:participantId', {
    schema: { tags, summary: 'Remove a participant from a goal (If-Match supported)', params: ParticipantParams, response: withErrors({ 204: Type.Null() }, true) },
  }, async (request, reply) => {
    await removeGoalParticipant(contextFromRequest(request, app.db), request.params.id, request.params.participantId, ifMatchOf(request));
    return reply.code(204).send(null);
  });

  app.put('/v1/goals/:id/participants/:participantId/input', {
    schema: {
      tags, summary: "Set a participant's input (If-Match supported)",
      description: 'A guardian sets their own input (their view, ideas, what works at home); staff who may change the goal may record it for a participant. null clears it.',
      params: ParticipantParams, body: GoalParticipantInput,
      response: withErrors({ 200: Type.Ref(GoalParticipant) }, true),
    },
  }, async (request, reply) => withEtag(request, reply, await putGoalParticipantInput(contextFromRequest(request, app.db),
    request.params.id, request.params.participantId, request.body.input, ifMatchOf(request))));
}
