// GraphQL for families: households with their visible guardians and students.
import type { MercuriusContext } from 'mercurius';
import { definedOnly, pageParams, toConnection, type ConnectionArgs } from '../../graphql/connections.ts';
import { serviceContext, type GraphQLFeature } from '../../graphql/plugin.ts';
import { validateInput } from '../../graphql/validate.ts';
import { getGuardiansByIds } from '../guardians/service.ts';
import { getStudentsByIds } from '../students/service.ts';
import { FamilyCreate, FamilyListQuery, type Family } from './schemas.ts';
import { createFamily, getFamily, listFamilies } from './service.ts';

type Ctx = MercuriusContext;

/** Each family's members: the ids of all the families fetched at once, then regrouped (invisible ones dropped). */
async function membersOf<T>(families: Family[], idsOf: (f: Family) => string[], fetch: (ids: string[]) => Promise<Array<T | null>>): Promise<T[][]> {
  const all = [...new Set(families.flatMap(idsOf))];
  const found = all.length === 0 ? [] : await fetch(all);
  const byId = new Map(all.map((id, i) => [id, found[i] ?? null]));
  return families.map((f) => idsOf(f).flatMap((id) => {
    const member = byId.get(id);
    return member === null || member === undefined ? [] : [member];
  }));
}

export const familyGraphQL: GraphQLFeature = {
  resolvers: {
    Query: {
      family: (_: unknown, args: { id: string }, ctx: Ctx) => getFamily(serviceContext(ctx), args.id),
      families: async (_: unknown, args: ConnectionArgs & { filter?: Record<string, unknown> | null }, ctx: Ctx) => {
        const query = validateInput(FamilyListQuery, { ...definedOnly(args.filter), ...definedOnly(pageParams(args)) }, '/filter');
        return toConnection(await listFamilies(serviceContext(ctx), query));
      },
    },
    Mutation: {
      createFamily: (_: unknown, args: { input: Record<string, unknown> }, ctx: Ctx) =>
        createFamily(serviceContext(ctx), validateInput(FamilyCreate, definedOnly(args.input))),
    },
    Family: {
      notes: (family: Family) => family.notes ?? null,
    },
  },
  loaders: {
    Family: {
      guardians: async (queries: Array<{ obj: Family }>, ctx: Ctx) =>
        membersOf(queries.map((q) => q.obj), (f) => f.guardianIds, (ids) => getGuardiansByIds(serviceContext(ctx), ids)),
      students: async (queries: Array<{ obj: Family }>, ctx: Ctx) =>
        membersOf(queries.map((q) => q.obj), (f) => f.studentIds, (ids) => getStudentsByIds(serviceContext(ctx), ids)),
    },
  },
};
