// GraphQL for schools: directory reads and each school's visible classes.
import type { MercuriusContext } from 'mercurius';
import { batchByParams } from '../../db/batch.ts';
import { definedOnly, pageParams, toConnection, type ConnectionArgs } from '../../graphql/connections.ts';
import { serviceContext, type GraphQLFeature } from '../../graphql/plugin.ts';
import { validateInput } from '../../graphql/validate.ts';
import { listClassesOfSchools } from '../classes/service.ts';
import { SchoolListQuery, type School } from './schemas.ts';
import { getSchool, listSchools } from './service.ts';

type Ctx = MercuriusContext;

export const schoolGraphQL: GraphQLFeature = {
  resolvers: {
    Query: {
      school: (_: unknown, args: { id: string }, ctx: Ctx) => getSchool(serviceContext(ctx), args.id),
      schools: async (_: unknown, args: ConnectionArgs & { filter?: Record<string, unknown> | null }, ctx: Ctx) => {
        const query = validateInput(SchoolListQuery, { ...definedOnly(args.filter), ...definedOnly(pageParams(args)) }, '/filter');
        return toConnection(await listSchools(serviceContext(ctx), query));
      },
    },
  },
  loaders: {
    School: {
      classes: async (queries: Array<{ obj: School; params: ConnectionArgs }>, ctx: Ctx) => batchByParams(queries, async (objs, p) =>
        (await listClassesOfSchools(serviceContext(ctx), objs.map((s) => s.id), pageParams(p))).map(toConnection)),
    },
  },
};
