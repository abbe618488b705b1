// GraphQL for staff: reads (guardians see names and roles), local staff, and each membership's school.
import type { MercuriusContext } from 'mercurius';
import { loadOptional } from '../../db/batch.ts';
import { definedOnly, pageParams, toConnection, type ConnectionArgs } from '../../graphql/connections.ts';
import { serviceContext, type GraphQLFeature } from '../../graphql/plugin.ts';
import { validateInput } from '../../graphql/validate.ts';
import { getSchoolsByIds } from '../schools/service.ts';
import { StaffCreate, StaffListQuery } from './schemas.ts';
import { createStaff, getStaff, listStaff } from './service.ts';

type Ctx = MercuriusContext;

export const staffGraphQL: GraphQLFeature = {
  resolvers: {
    Query: {
      staffMember: (_: unknown, args: { id: string }, ctx: Ctx) => getStaff(serviceContext(ctx), args.id),
      staff: async (_: unknown, args: ConnectionArgs & { filter?: Record<string, unknown> | null }, ctx: Ctx) => {
        const query = validateInput(StaffListQuery, { ...definedOnly(args.filter), ...definedOnly(pageParams(args)) }, '/filter');
        return toConnection(await listStaff(serviceContext(ctx), query));
      },
    },
    Mutation: {
      createStaffMember: (_: unknown, args: { input: Record<string, unknown> & { schools?: Array<Record<string, unknown>> | null } }, ctx: Ctx) =>
        createStaff(serviceContext(ctx), validateInput(StaffCreate, {
          ...definedOnly(args.input), ...(args.input.schools ? { schools: args.input.schools.map((s) => definedOnly(s)) } : {}),
        })),
    },
  },
  loaders: {
    StaffSchool: {
      school: async (queries: Array<{ obj: { schoolId: string } }>, ctx: Ctx) =>
        loadOptional(queries.map((q) => q.obj.schoolId), (ids) => getSchoolsByIds(serviceContext(ctx), ids)),
    },
  },
};
