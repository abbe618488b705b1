// GraphQL for classes: reads, with each class's school, teachers and students batched.
import type { MercuriusContext } from 'mercurius';
import { batchByParams, loadOptional } from '../../db/batch.ts';
import { definedOnly, pageParams, toConnection, type ConnectionArgs } from '../../graphql/connections.ts';
import { serviceContext, type GraphQLFeature } from '../../graphql/plugin.ts';
import { validateInput } from '../../graphql/validate.ts';
import { getSchoolsByIds } from '../schools/service.ts';
import { listTeachersOfClasses } from '../staff/service.ts';
import { listStudentsOfClasses } from '../students/service.ts';
import { ClassListQuery, type Class } from './schemas.ts';
import { getClass, listClasses } from './service.ts';

type Ctx = MercuriusContext;

export const classGraphQL: GraphQLFeature = {
  resolvers: {
    Query: {
      class: (_: unknown, args: { id: string }, ctx: Ctx) => getClass(serviceContext(ctx), args.id),
      classes: async (_: unknown, args: ConnectionArgs & { filter?: Record<string, unknown> | null }, ctx: Ctx) => {
        const query = validateInput(ClassListQuery, { ...definedOnly(args.filter), ...definedOnly(pageParams(args)) }, '/filter');
        return toConnection(await listClasses(serviceContext(ctx), query));
      },
    },
  },
  loaders: {
    Class: {
      school: async (queries: Array<{ obj: Class }>, ctx: Ctx) =>
        loadOptional(queries.map((q) => q.obj.schoolId), (ids) => getSchoolsByIds(serviceContext(ctx), ids)),
      teachers: async (queries: Array<{ obj: Class }>, ctx: Ctx) => listTeachersOfClasses(serviceContext(ctx), queries.map((q) => q.obj.id)),
      students: async (queries: Array<{ obj: Class; params: ConnectionArgs }>, ctx: Ctx) => batchByParams(queries, async (objs, p) =>
        (await listStudentsOfClasses(serviceContext(ctx), objs.map((c) => c.id), pageParams(p))).map(toConnection)),
    },
  },
};
