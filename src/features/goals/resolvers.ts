// GraphQL for goals: reads, writes, participants and strategies, status-change subscriptions, and batched relations.
import type { MercuriusContext } from 'mercurius';
import { batchByParams, loadOptional } from '../../db/batch.ts';
import { definedOnly, pageParams, toConnection, type ConnectionArgs } from '../../graphql/connections.ts';
import { serviceContext, type GraphQLFeature } from '../../graphql/plugin.ts';
import { studentSubscription } from '../../graphql/subscriptions.ts';
import { validateInput } from '../../graphql/validate.ts';
import { etagOf } from '../../http/etag.ts';
import { listProgressOfParents } from '../progress-events/service.ts';
import { getStaffByIds } from '../staff/service.ts';
import { getStrategyResourcesByIds } from '../strategy-resources/service.ts';
import { getStudentsByIds } from '../students/service.ts';
import { GoalParticipantCreate, GoalParticipantInput, GoalStrategyCreate, GoalStrategyPatch, type GoalParticipant, type GoalStrategy } from './part-schemas.ts';
import { addGoalParticipant, listParticipantsOfGoals, putGoalParticipantInput, removeGoalParticipant } from './participants.ts';
import { GoalCreate, GoalListQuery, GoalPatch, type Goal } from './schemas.ts';
import { createGoal, deleteGoal, getGoal, listGoals, reopenGoal, updateGoal } from './service.ts';
import { addGoalStrategy, listStrategiesOfGoals, removeGoalStrategy, updateGoalStrategy } from './strategies.ts';

type Ctx = MercuriusContext;
type Input = Record<string, unknown>;
type Q<P = unknown> = Array<{ obj: Goal; params: P }>;
const ifMatch = (args: { ifMatch?: string | null }) => args.ifMatch ?? undefined;

export const goalGraphQL: GraphQLFeature = {
  resolvers: {
    Query: {
      goal: (_: unknown, args: { id: string }, ctx: Ctx) => getGoal(serviceContext(ctx), args.id),
      goals: async (_: unknown, args: ConnectionArgs & { filter?: Input | null }, ctx: Ctx) => {
        const query = validateInput(GoalListQuery, { ...definedOnly(args.filter), ...definedOnly(pageParams(args)) }, '/filter');
        return toConnection(await listGoals(serviceContext(ctx), query));
      },
    },
    Mutation: {
      createGoal: (_: unknown, args: { input: Input }, ctx: Ctx) => createGoal(serviceContext(ctx), validateInput(GoalCreate, definedOnly(args.input))),
      updateGoal: (_: unknown, args: { id: string; input: Input; ifMatch?: string | null }, ctx: Ctx) =>
        updateGoal(serviceContext(ctx), args.id, validateInput(GoalPatch, args.input), ifMatch(args)),
      reopenGoal: (_: unknown, args: { id: string; ifMatch?: string | null }, ctx: Ctx) => reopenGoal(serviceContext(ctx), args.id, ifMatch(args)),
      deleteGoal: async (_: unknown, args: { id: string; ifMatch?: string | null }, ctx: Ctx) => {
        await deleteGoal(serviceContext(ctx), args.id, ifMatch(args));
        return true;
      },
      addGoalParticipant: (_: unknown, args: { goalId: string; input: Input }, ctx: Ctx) =>
        addGoalParticipant(serviceContext(ctx), args.goalId, validateInput(GoalParticipantCreate, definedOnly(args.input))),
      removeGoalParticipant: async (_: unknown, args: { goalId: string; participantId: string; ifMatch?: string | null }, ctx: Ctx) => {
        await removeGoalParticipant(serviceContext(ctx), args.goalId, args.participantId, ifMatch(args));
        return true;
      },
      setGoalParticipantInput: (_: unknown, args: { goalId: string; participantId: string; input?: string | null; ifMatch?: string | null }, ctx: Ctx) => {
        const body = validateInput(GoalParticipantInput, { input: args.input ?? null }, '');
        return putGoalParticipantInput(serviceContext(ctx), args.goalId, args.participantId, body.input, ifMatch(args));
      },
      addGoalStrategy: (_: unknown, args: { goalId: string; input: Input }, ctx: Ctx) =>
        addGoalStrategy(serviceContext(ctx), args.goalId, validateInput(GoalStrategyCreate, definedOnly(args.input))),
      updateGoalStrategy: (_: unknown, args: { goalId: string; strategyId: string; input: Input; ifMatch?: string | null }, ctx: Ctx) =>
        updateGoalStrategy(serviceContext(ctx), args.goalId, args.strategyId, validateInput(GoalStrategyPatch, args.input), ifMatch(args)),
      removeGoalStrategy: async (_: unknown, args: { goalId: string; strategyId: string; ifMatch?: string | null }, ctx: Ctx) => {
        await removeGoalStrategy(serviceContext(ctx), args.goalId, args.strategyId, ifMatch(args));
        return true;
      },
    },
    Subscription: {
      goalStatusChanged: studentSubscription('goalStatusChanged', getGoal),
    },
    Goal: {
      etag: (goal: Goal) => etagOf(goal),
    },
    GoalParticipant: {
      etag: (participant: GoalParticipant) => etagOf(participant),
    },
    GoalStrategy: {
      etag: (strategy: GoalStrategy) => etagOf(strategy),
    },
  },
  loaders: {
    Goal: {
      student: async (queries: Q, ctx: Ctx) => loadOptional(queries.map((q) => q.obj.studentId), (ids) => getStudentsByIds(serviceContext(ctx), ids)),
      creator: async (queries: Q, ctx: Ctx) => loadOptional(queries.map((q) => q.obj.createdBy), (ids) => getStaffByIds(serviceContext(ctx), ids)),
      participants: async (queries: Q, ctx: Ctx) => listParticipantsOfGoals(serviceContext(ctx), queries.map((q) => q.obj.id)),
      strategies: async (queries: Q, ctx: Ctx) => listStrategiesOfGoals(serviceContext(ctx), queries.map((q) => q.obj.id)),
      progress: async (queries: Q<ConnectionArgs & { order?: 'newest' | 'oldest'; kind?: string }>, ctx: Ctx) => batchByParams(queries, async (objs, p) =>
        (await listProgressOfParents(serviceContext(ctx), 'goalId', objs.map((g) => g.id), definedOnly({ order: p.order, kind: p.kind }), pageParams(p)))
          .map(toConnection)),
    },
    GoalStrategy: {
      resource: async (queries: Array<{ obj: GoalStrategy }>, ctx: Ctx) =>
        loadOptional(queries.map((q) => q.obj.resourceId), (ids) => getStrategyResourcesByIds(serviceContext(ctx), ids)),
    },
  },
};
