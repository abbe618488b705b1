// GraphQL for contact logs: thin resolvers over the same service as REST.
import type { MercuriusContext } from 'mercurius';
import { etagOf } from '../../http/etag.ts';
import { definedOnly, pageParams, toConnection, type ConnectionArgs } from '../../graphql/connections.ts';
import { serviceContext, type GraphQLFeature } from '../../graphql/plugin.ts';
import { studentSubscription } from '../../graphql/subscriptions.ts';
import { loadOptional } from '../../db/batch.ts';
import { getGuardiansByIds } from '../guardians/service.ts';
import { getStaffByIds } from '../staff/service.ts';
import { getStudentsByIds } from '../students/service.ts';
import { validateInput } from '../../graphql/validate.ts';
import { ContactLogCreate, ContactLogListQuery, ContactLogPatch, type ContactLog } from './schemas.ts';
import { createContactLog, deleteContactLog, getContactLog, listContactLogs, updateContactLog } from './service.ts';

type Ctx = MercuriusContext;

export const contactLogGraphQL: GraphQLFeature = {
  resolvers: {
    Query: {
      contactLog: (_: unknown, args: { id: string }, ctx: Ctx) => getContactLog(serviceContext(ctx), args.id),
      contactLogs: async (_: unknown, args: ConnectionArgs & { filter?: Record<string, unknown> | null }, ctx: Ctx) => {
        const query = validateInput(ContactLogListQuery, { ...definedOnly(args.filter), ...definedOnly(pageParams(args)) }, '/filter');
        return toConnection(await listContactLogs(serviceContext(ctx), query));
      },
    },
    Mutation: {
      logContact: (_: unknown, args: { input: Record<string, unknown> }, ctx: Ctx) =>
        createContactLog(serviceContext(ctx), validateInput(ContactLogCreate, definedOnly(args.input))),
      updateContactLog: (_: unknown, args: { id: string; input: Record<string, unknown>; ifMatch?: string | null }, ctx: Ctx) =>
        updateContactLog(serviceContext(ctx), args.id, validateInput(ContactLogPatch, args.input), args.ifMatch ?? undefined),
      deleteContactLog: async (_: unknown, args: { id: string; ifMatch?: string | null }, ctx: Ctx) => {
        await deleteContactLog(serviceContext(ctx), args.id, args.ifMatch ?? undefined);
        return true;
      },
    },
    Subscription: {
      contactLogged: studentSubscription('contactLogged', getContactLog),
    },
    ContactLog: {
      etag: (log: ContactLog) => etagOf(log),
      staffNote: (log: ContactLog) => log.staffNote ?? null,
    },
  },
  loaders: {
    ContactLog: {
      student: async (queries: Array<{ obj: ContactLog }>, ctx: Ctx) =>
        loadOptional(queries.map((q) => q.obj.studentId), (ids) => getStudentsByIds(serviceContext(ctx), ids)),
      author: async (queries: Array<{ obj: ContactLog }>, ctx: Ctx) =>
        loadOptional(queries.map((q) => q.obj.authorId), (ids) => getStaffByIds(serviceContext(ctx), ids)),
      guardians: async (queries: Array<{ obj: ContactLog }>, ctx: Ctx) => {
        const all = [...new Set(queries.flatMap((q) => q.obj.guardianIds))];
        const found = await loadOptional(all, (ids) => getGuardiansByIds(serviceContext(ctx), ids));
        const byId = new Map(all.map((id, i) => [id, found[i]]));
        return queries.map((q) => q.obj.guardianIds.flatMap((id) => byId.get(id) ?? []));
      },
    },
  },
};
