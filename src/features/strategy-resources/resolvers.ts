// GraphQL for the strategy library and resource shares: reads, writes, and each share's resource, student and guardian.
import type { MercuriusContext } from 'mercurius';
import { batchByParams, loadOptional } from '../../db/batch.ts';
import { definedOnly, pageParams, toConnection, type ConnectionArgs } from '../../graphql/connections.ts';
import { serviceContext, type GraphQLFeature } from '../../graphql/plugin.ts';
import { validateInput } from '../../graphql/validate.ts';
import { etagOf } from '../../http/etag.ts';
import { getGuardiansByIds } from '../guardians/service.ts';
import { getSchoolsByIds } from '../schools/service.ts';
import { getStaffByIds } from '../staff/service.ts';
import { getStudentsByIds } from '../students/service.ts';
import { StrategyResourceCreate, StrategyResourceListQuery, StrategyResourcePatch, type StrategyResource } from './schemas.ts';
import {
  archiveStrategyResource, createStrategyResource, getStrategyResource, getStrategyResourcesByIds, listStrategyResources,
  unarchiveStrategyResource, updateStrategyResource,
} from './service.ts';
import { ResourceShareCreate, ResourceShareListQuery, type ResourceShare } from './share-schemas.ts';
import {
  acknowledgeResourceShare, createResourceShare, deleteResourceShare, getResourceShare, listResourceShares, listSharesOfParents,
} from './share-service.ts';

type Ctx = MercuriusContext;
type Input = Record<string, unknown>;
type ShareQ = Array<{ obj: ResourceShare }>;
const ifMatch = (args: { ifMatch?: string | null }) => args.ifMatch ?? undefined;

export const strategyResourceGraphQL: GraphQLFeature = {
  resolvers: {
    Query: {
      strategyResource: (_: unknown, args: { id: string }, ctx: Ctx) => getStrategyResource(serviceContext(ctx), args.id),
      strategyResources: async (_: unknown, args: ConnectionArgs & { filter?: Input | null }, ctx: Ctx) => {
        const query = validateInput(StrategyResourceListQuery, { ...definedOnly(args.filter), ...definedOnly(pageParams(args)) }, '/filter');
        return toConnection(await listStrategyResources(serviceContext(ctx), query));
      },
      resourceShare: (_: unknown, args: { id: string }, ctx: Ctx) => getResourceShare(serviceContext(ctx), args.id),
      resourceShares: async (_: unknown, args: ConnectionArgs & { filter?: Input | null }, ctx: Ctx) => {
        const query = validateInput(ResourceShareListQuery, { ...definedOnly(args.filter), ...definedOnly(pageParams(args)) }, '/filter');
        return toConnection(await listResourceShares(serviceContext(ctx), query));
      },
    },
    Mutation: {
      createStrategyResource: (_: unknown, args: { input: Input }, ctx: Ctx) =>
        createStrategyResource(serviceContext(ctx), validateInput(StrategyResourceCreate, definedOnly(args.input))),
      updateStrategyResource: (_: unknown, args: { id: string; input: Input; ifMatch?: string | null }, ctx: Ctx) =>
        updateStrategyResource(serviceContext(ctx), args.id, validateInput(StrategyResourcePatch, args.input), ifMatch(args)),
      archiveStrategyResource: async (_: unknown, args: { id: string; ifMatch?: string | null }, ctx: Ctx) => {
        await archiveStrategyResource(serviceContext(ctx), args.id, ifMatch(args));
        return true;
      },
      unarchiveStrategyResource: (_: unknown, args: { id: string; ifMatch?: string | null }, ctx: Ctx) =>
        unarchiveStrategyResource(serviceContext(ctx), args.id, ifMatch(args)),
      shareResource: (_: unknown, args: { resourceId: string; input: Input }, ctx: Ctx) =>
        createResourceShare(serviceContext(ctx), args.resourceId, validateInput(ResourceShareCreate, definedOnly(args.input))),
      acknowledgeResourceShare: (_: unknown, args: { id: string }, ctx: Ctx) => acknowledgeResourceShare(serviceContext(ctx), args.id),
      withdrawResourceShare: async (_: unknown, args: { id: string; ifMatch?: string | null }, ctx: Ctx) => {
        await deleteResourceShare(serviceContext(ctx), args.id, ifMatch(args));
        return true;
      },
    },
    StrategyResource: {
      etag: (resource: StrategyResource) => etagOf(resource),
    },
    ResourceShare: {
      etag: (share: ResourceShare) => etagOf(share),
      resourceSummary: (share: ResourceShare) => share.resource,
    },
  },
  loaders: {
    StrategyResource: {
      school: async (queries: Array<{ obj: StrategyResource }>, ctx: Ctx) =>
        loadOptional(queries.map((q) => q.obj.schoolId), (ids) => getSchoolsByIds(serviceContext(ctx), ids)),
      shares: async (queries: Array<{ obj: StrategyResource; params: ConnectionArgs & { acknowledged?: boolean | null } }>, ctx: Ctx) =>
        batchByParams(queries, async (objs, p) =>
          (await listSharesOfParents(serviceContext(ctx), 'resourceId', objs.map((r) => r.id), p.acknowledged ?? undefined, pageParams(p))).map(toConnection)),
    },
    ResourceShare: {
      resource: async (queries: ShareQ, ctx: Ctx) => loadOptional(queries.map((q) => q.obj.resourceId), (ids) => getStrategyResourcesByIds(serviceContext(ctx), ids)),
      student: async (queries: ShareQ, ctx: Ctx) => loadOptional(queries.map((q) => q.obj.studentId), (ids) => getStudentsByIds(serviceContext(ctx), ids)),
      guardian: async (queries: ShareQ, ctx: Ctx) => loadOptional(queries.map((q) => q.obj.guardianId), (ids) => getGuardiansByIds(serviceContext(ctx), ids)),
      sharer: async (queries: ShareQ, ctx: Ctx) => loadOptional(queries.map((q) => q.obj.sharedBy), (ids) => getStaffByIds(serviceContext(ctx), ids)),
    },
  },
};
