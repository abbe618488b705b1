// GraphQL for contact logs: thin resolvers over the same service as REST.
import type { MercuriusContext } from 'mercurius';
import { etagOf } from '../../http/etag.ts';
import { definedOnly, pageParams, toConnection, type ConnectionArgs } from '../../graphql/connections.ts';
import { serviceContext, type GraphQLFeature } from '../../graphql/plugin.ts';
import { studentSubscription } from '../../graphql/subscriptions.ts';
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
};
