// GraphQL for the reports: thin resolvers over the same services, settings and validation as REST.
import type { MercuriusContext } from 'mercurius';
import { definedOnly, pageParams, toConnection, type ConnectionArgs } from '../../graphql/connections.ts';
import { serviceContext, type GraphQLFeature } from '../../graphql/plugin.ts';
import { validateInput } from '../../graphql/validate.ts';
import { engagementReport } from './engagement.ts';
import { goalProgress } from './goal-progress.ts';
import { outreachGaps } from './outreach-gaps.ts';
import { EngagementQuery, GoalProgressQuery, OutreachGapsQuery } from './schemas.ts';

type Ctx = MercuriusContext;
type ListArgs = ConnectionArgs & { input?: Record<string, unknown> | null };

export const reportGraphQL: GraphQLFeature = {
  resolvers: {
    Query: {
      engagementReport: (_: unknown, args: { input: Record<string, unknown> }, ctx: Ctx) =>
        engagementReport(serviceContext(ctx), ctx.app.config.reports, validateInput(EngagementQuery, definedOnly(args.input))),
      outreachGaps: async (_: unknown, args: ListArgs, ctx: Ctx) => toConnection(await outreachGaps(serviceContext(ctx),
        ctx.app.config.reports, validateInput(OutreachGapsQuery, { ...definedOnly(args.input), ...definedOnly(pageParams(args)) }))),
      goalProgressReport: async (_: unknown, args: ListArgs, ctx: Ctx) => toConnection(await goalProgress(serviceContext(ctx),
        ctx.app.config.reports, validateInput(GoalProgressQuery, { ...definedOnly(args.input), ...definedOnly(pageParams(args)) }))),
    },
  },
};
