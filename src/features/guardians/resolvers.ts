// GraphQL for guardians and their links to students: reads, local guardians, local fields and caregivers added by staff.
import type { MercuriusContext } from 'mercurius';
import { loadOptional } from '../../db/batch.ts';
import { definedOnly, pageParams, toConnection, type ConnectionArgs } from '../../graphql/connections.ts';
import { serviceContext, type GraphQLFeature } from '../../graphql/plugin.ts';
import { validateInput } from '../../graphql/validate.ts';
import { etagOf } from '../../http/etag.ts';
import { getFamiliesByIds } from '../families/service.ts';
import { getStudentsByIds } from '../students/service.ts';
import { StudentGuardianCreate, StudentGuardianPatch, type StudentGuardianLink } from './link-schemas.ts';
import { addStudentGuardian, updateStudentGuardian } from './link-service.ts';
import { GuardianCreate, GuardianListQuery, GuardianPatch, type Guardian } from './schemas.ts';
import { createGuardian, getGuardian, listGuardians, updateGuardian } from './service.ts';

type Ctx = MercuriusContext;
type Input = Record<string, unknown>;

export const guardianGraphQL: GraphQLFeature = {
  resolvers: {
    Query: {
      guardian: (_: unknown, args: { id: string }, ctx: Ctx) => getGuardian(serviceContext(ctx), args.id),
      guardians: async (_: unknown, args: ConnectionArgs & { filter?: Input | null }, ctx: Ctx) => {
        const query = validateInput(GuardianListQuery, { ...definedOnly(args.filter), ...definedOnly(pageParams(args)) }, '/filter');
        return toConnection(await listGuardians(serviceContext(ctx), query));
      },
    },
    Mutation: {
      createGuardian: (_: unknown, args: { input: Input }, ctx: Ctx) =>
        createGuardian(serviceContext(ctx), validateInput(GuardianCreate, definedOnly(args.input))),
      updateGuardian: (_: unknown, args: { id: string; input: Input; ifMatch?: string | null }, ctx: Ctx) =>
        updateGuardian(serviceContext(ctx), args.id, validateInput(GuardianPatch, args.input), args.ifMatch ?? undefined),
      addStudentGuardian: (_: unknown, args: { studentId: string; input: Input & { guardian?: Input } }, ctx: Ctx) =>
        addStudentGuardian(serviceContext(ctx), args.studentId,
          validateInput(StudentGuardianCreate, { ...definedOnly(args.input), guardian: definedOnly(args.input.guardian) })),
      updateStudentGuardian: (_: unknown, args: { studentId: string; guardianId: string; input: Input; ifMatch?: string | null }, ctx: Ctx) =>
        updateStudentGuardian(serviceContext(ctx), args.studentId, args.guardianId, validateInput(StudentGuardianPatch, args.input), args.ifMatch ?? undefined),
    },
    Guardian: {
      etag: (guardian: Guardian) => etagOf(guardian),
    },
    StudentGuardianLink: {
      etag: (link: StudentGuardianLink) => etagOf(link),
    },
  },
  loaders: {
    Guardian: {
      family: async (queries: Array<{ obj: Guardian }>, ctx: Ctx) =>
        loadOptional(queries.map((q) => q.obj.familyId), (ids) => getFamiliesByIds(serviceContext(ctx), ids)),
    },
    StudentGuardianLink: {
      student: async (queries: Array<{ obj: StudentGuardianLink }>, ctx: Ctx) =>
        loadOptional(queries.map((q) => q.obj.studentId), (ids) => getStudentsByIds(serviceContext(ctx), ids)),
    },
  },
};
