// GraphQL for enrollments: reads, with the class, school, student and staff member batched.
import type { MercuriusContext } from 'mercurius';
import { loadOptional } from '../../db/batch.ts';
import { definedOnly, pageParams, toConnection, type ConnectionArgs } from '../../graphql/connections.ts';
import { serviceContext, type GraphQLFeature } from '../../graphql/plugin.ts';
import { validateInput } from '../../graphql/validate.ts';
import { getClassesByIds } from '../classes/service.ts';
import { getSchoolsByIds } from '../schools/service.ts';
import { getStaffByIds } from '../staff/service.ts';
import { getStudentsByIds } from '../students/service.ts';
import { EnrollmentListQuery, type Enrollment } from './schemas.ts';
import { getEnrollment, listEnrollments } from './service.ts';

type Ctx = MercuriusContext;
type Q = Array<{ obj: Enrollment }>;

export const enrollmentGraphQL: GraphQLFeature = {
  resolvers: {
    Query: {
      enrollment: (_: unknown, args: { id: string }, ctx: Ctx) => getEnrollment(serviceContext(ctx), args.id),
      enrollments: async (_: unknown, args: ConnectionArgs & { filter?: Record<string, unknown> | null }, ctx: Ctx) => {
        const query = validateInput(EnrollmentListQuery, { ...definedOnly(args.filter), ...definedOnly(pageParams(args)) }, '/filter');
        return toConnection(await listEnrollments(serviceContext(ctx), query));
      },
    },
  },
  loaders: {
    Enrollment: {
      class: async (queries: Q, ctx: Ctx) => loadOptional(queries.map((q) => q.obj.classId), (ids) => getClassesByIds(serviceContext(ctx), ids)),
      school: async (queries: Q, ctx: Ctx) => loadOptional(queries.map((q) => q.obj.schoolId), (ids) => getSchoolsByIds(serviceContext(ctx), ids)),
      student: async (queries: Q, ctx: Ctx) => loadOptional(queries.map((q) => q.obj.studentId), (ids) => getStudentsByIds(serviceContext(ctx), ids)),
      staffMember: async (queries: Q, ctx: Ctx) => loadOptional(queries.map((q) => q.obj.staffId), (ids) => getStaffByIds(serviceContext(ctx), ids)),
    },
  },
};
