// GraphQL for progress events: reads, writes, live updates, and the student, goal and recorder batched.
import type { MercuriusContext } from 'mercurius';
import { loadOptional } from '../../db/batch.ts';
import { definedOnly, pageParams, toConnection, type ConnectionArgs } from '../../graphql/connections.ts';
import { serviceContext, type GraphQLFeature } from '../../graphql/plugin.ts';
import { studentSubscription } from '../../graphql/subscriptions.ts';
import { validateInput } from '../../graphql/validate.ts';
import { etagOf } from '../../http/etag.ts';
import { getGoalsByIds } from '../goals/service.ts';
import { getGuardiansByIds } from '../guardians/service.ts';
import { getStaffByIds } from '../staff/service.ts';
import { getStudentsByIds } from '../students/service.ts';
import { ProgressEventCreate, ProgressEventListQuery, ProgressEventPatch, type ProgressEvent } from './schemas.ts';
import { createProgressEvent, deleteProgressEvent, getProgressEvent, listProgressEvents, updateProgressEvent } from './service.ts';

type Ctx = MercuriusContext;
type Input = Record<string, unknown>;
type Q = Array<{ obj: ProgressEvent }>;

export const progressEventGraphQL: GraphQLFeature = {
  resolvers: {
    Query: {
      progressEvent: (_: unknown, args: { id: string }, ctx: Ctx) => getProgressEvent(serviceContext(ctx), args.id),
      progressEvents: async (_: unknown, args: ConnectionArgs & { filter?: Input | null }, ctx: Ctx) => {
        const query = validateInput(ProgressEventListQuery, { ...definedOnly(args.filter), ...definedOnly(pageParams(args)) }, '/filter');
        return toConnection(await listProgressEvents(serviceContext(ctx), query));
      },
    },
    Mutation: {
      recordProgress: (_: unknown, args: { input: Input }, ctx: Ctx) =>
        createProgressEvent(serviceContext(ctx), validateInput(ProgressEventCreate, definedOnly(args.input))),
      updateProgressEvent: (_: unknown, args: { id: string; input: Input; ifMatch?: string | null }, ctx: Ctx) =>
        updateProgressEvent(serviceContext(ctx), args.id, validateInput(ProgressEventPatch, args.input), args.ifMatch ?? undefined),
      deleteProgressEvent: async (_: unknown, args: { id: string; ifMatch?: string | null }, ctx: Ctx) => {
        await deleteProgressEvent(serviceContext(ctx), args.id, args.ifMatch ?? undefined);
        return true;
      },
    },
    Subscription: {
      progressEventAdded: studentSubscription('progressEventAdded', getProgressEvent),
    },
    ProgressEvent: {
      etag: (event: ProgressEvent) => etagOf(event),
    },
  },
  loaders: {
    ProgressEvent: {
      student: async (queries: Q, ctx: Ctx) => loadOptional(queries.map((q) => q.obj.studentId), (ids) => getStudentsByIds(serviceContext(ctx), ids)),
      goal: async (queries: Q, ctx: Ctx) => loadOptional(queries.map((q) => q.obj.goalId), (ids) => getGoalsByIds(serviceContext(ctx), ids)),
      recordedByStaff: async (queries: Q, ctx: Ctx) =>
        loadOptional(queries.map((q) => q.obj.recordedByStaffId), (ids) => getStaffByIds(serviceContext(ctx), ids)),
      recordedByGuardian: async (queries: Q, ctx: Ctx) =>
        loadOptional(queries.map((q) => q.obj.recordedByGuardianId), (ids) => getGuardiansByIds(serviceContext(ctx), ids)),
    },
  },
};
