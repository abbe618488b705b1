// GraphQL for roster syncs: thin resolvers over the same service as REST (starting a sync stays with REST: uploads).
import type { MercuriusContext } from 'mercurius';
import { definedOnly, pageParams, toConnection, type ConnectionArgs } from '../graphql/connections.ts';
import { serviceContext, type GraphQLFeature } from '../graphql/plugin.ts';
import { validateInput } from '../graphql/validate.ts';
import { SyncRunListQuery, type SyncRun } from './run-schemas.ts';
import { getSyncRun, listSyncRuns } from './run-service.ts';

type Ctx = MercuriusContext;

export const rosterSyncGraphQL: GraphQLFeature = {
  resolvers: {
    Query: {
      rosterSync: (_: unknown, args: { id: string }, ctx: Ctx) => getSyncRun(serviceContext(ctx), args.id),
      rosterSyncs: async (_: unknown, args: ConnectionArgs & { status?: string | null }, ctx: Ctx) => {
        const query = validateInput(SyncRunListQuery, { ...definedOnly({ status: args.status }), ...definedOnly(pageParams(args)) }, '');
        return toConnection(await listSyncRuns(serviceContext(ctx), query));
      },
    },
    RosterSync: {
      counts: (run: SyncRun) => Object.entries(run.counts).map(([entity, c]) => ({ entity, ...c })),
      timings: (run: SyncRun) => Object.entries(run.timings).map(([phase, seconds]) => ({ phase, seconds })),
    },
  },
};
