// GraphQL for students: root reads, local-student writes and the relations that make a student's whole picture.
import type { MercuriusContext } from 'mercurius';
import { batchByParams, loadOptional } from '../../db/batch.ts';
import { definedOnly, pageParams, toConnection, type ConnectionArgs } from '../../graphql/connections.ts';
import { serviceContext, type GraphQLFeature } from '../../graphql/plugin.ts';
import { validateInput } from '../../graphql/validate.ts';
import { etagOf } from '../../http/etag.ts';
import { listClassesOfStudents } from '../classes/service.ts';
import { listContactLogsOfStudents } from '../contact-logs/service.ts';
import { getFamiliesByIds } from '../families/service.ts';
import { listGoalsOfStudents } from '../goals/service.ts';
import { listGuardianLinksOfStudents } from '../guardians/link-service.ts';
import { listProgressOfParents } from '../progress-events/service.ts';
import { getSchoolsByIds } from '../schools/service.ts';
import { getStaffByIds } from '../staff/service.ts';
import { listSharesOfParents } from '../strategy-resources/share-service.ts';
import { getStudentTimelines } from '../timeline/service.ts';
import { StudentCreate, StudentListQuery, StudentPatch, type Student } from './schemas.ts';
import { createStudent, getStudent, listStudents, updateStudent } from './service.ts';

type Ctx = MercuriusContext;
type Q<P = ConnectionArgs> = Array<{ obj: Student; params: P }>;
const ids = (objs: Student[]) => objs.map((s) => s.id);

export const studentGraphQL: GraphQLFeature = {
  resolvers: {
    Query: {
      student: (_: unknown, args: { id: string }, ctx: Ctx) => getStudent(serviceContext(ctx), args.id),
      students: async (_: unknown, args: ConnectionArgs & { filter?: Record<string, unknown> | null }, ctx: Ctx) => {
        const query = validateInput(StudentListQuery, { ...definedOnly(args.filter), ...definedOnly(pageParams(args)) }, '/filter');
        return toConnection(await listStudents(serviceContext(ctx), query));
      },
    },
    Mutation: {
      createStudent: (_: unknown, args: { input: Record<string, unknown> }, ctx: Ctx) =>
        createStudent(serviceContext(ctx), validateInput(StudentCreate, definedOnly(args.input))),
      updateStudent: (_: unknown, args: { id: string; input: Record<string, unknown>; ifMatch?: string | null }, ctx: Ctx) =>
        updateStudent(serviceContext(ctx), args.id, validateInput(StudentPatch, args.input), args.ifMatch ?? undefined),
    },
    Student: {
      etag: (student: Student) => etagOf(student),
    },
  },
  loaders: {
    Student: {
      school: async (queries: Q, ctx: Ctx) => loadOptional(queries.map((q) => q.obj.schoolId), (list) => getSchoolsByIds(serviceContext(ctx), list)),
      caseManager: async (queries: Q, ctx: Ctx) => loadOptional(queries.map((q) => q.obj.caseManagerId), (list) => getStaffByIds(serviceContext(ctx), list)),
      family: async (queries: Q, ctx: Ctx) => loadOptional(queries.map((q) => q.obj.familyId), (list) => getFamiliesByIds(serviceContext(ctx), list)),
      classes: async (queries: Q, ctx: Ctx) => listClassesOfStudents(serviceContext(ctx), queries.map((q) => q.obj.id)),
      guardians: async (queries: Q, ctx: Ctx) => listGuardianLinksOfStudents(serviceContext(ctx), queries.map((q) => q.obj.id)),
      goals: async (queries: Q<ConnectionArgs & { status?: string; domain?: string }>, ctx: Ctx) => batchByParams(queries, async (objs, p) =>
        (await listGoalsOfStudents(serviceContext(ctx), ids(objs), definedOnly({ status: p.status, domain: p.domain }), pageParams(p))).map(toConnection)),
      contactLogs: async (queries: Q<ConnectionArgs & { purpose?: string; visibility?: 'staff' | 'family' }>, ctx: Ctx) => batchByParams(queries, async (objs, p) =>
        (await listContactLogsOfStudents(serviceContext(ctx), ids(objs), definedOnly({ purpose: p.purpose, visibility: p.visibility }), pageParams(p))).map(toConnection)),
      progressEvents: async (queries: Q<ConnectionArgs & { kind?: string; visibility?: 'staff' | 'family' }>, ctx: Ctx) => batchByParams(queries, async (objs, p) =>
        (await listProgressOfParents(serviceContext(ctx), 'studentId', ids(objs), definedOnly({ kind: p.kind, visibility: p.visibility }), pageParams(p))).map(toConnection)),
      sharedResources: async (queries: Q<ConnectionArgs & { acknowledged?: boolean | null }>, ctx: Ctx) => batchByParams(queries, async (objs, p) =>
        (await listSharesOfParents(serviceContext(ctx), 'studentId', ids(objs), p.acknowledged ?? undefined, pageParams(p))).map(toConnection)),
      timeline: async (queries: Q<ConnectionArgs & { types?: Array<'contactLog' | 'goal' | 'progressEvent' | 'resourceShare'> | null }>, ctx: Ctx) =>
        batchByParams(queries, async (objs, p) => {
          const page = pageParams(p);
          return (await getStudentTimelines(serviceContext(ctx), ids(objs), { types: p.types ?? undefined, ...definedOnly(page) })).map(toConnection);
        }),
    },
  },
};
