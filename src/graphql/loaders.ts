// Batched relation fields: each feature's loader gets every parent of one level at once (DataLoader, one per execution).
import DataLoader from 'dataloader';
import type { GraphQLFieldResolver, GraphQLResolveInfo } from 'graphql';
import type { MercuriusContext } from 'mercurius';

/** A parent object and the field's arguments, as a loader receives them. */
export interface LoaderQuery<Obj = any, Params = any> {
  obj: Obj;
  params: Params;
}

/** One value per query, in the order of the queries. */
export type Loader = (queries: Array<LoaderQuery>, ctx: MercuriusContext) => Promise<unknown[]>;

/** Loaders by type and field: `{ Student: { guardians: (queries, ctx) => … } }`. */
export type Loaders = Record<string, Record<string, Loader>>;

/**
 * The cache key of a query: the parent's id and the arguments. Mercurius's own loaders key each query by a stable
 * stringification of the whole parent object, which on a page of a class (hundreds of parents, each with every field
 * of its record) cost more than the queries' SQL. Parents without an id (small value objects) keep the full key.
 */
function keyOf(query: LoaderQuery): string {
  const id = (query.obj as { id?: unknown } | null)?.id;
  const params = query.params === undefined ? '' : JSON.stringify(query.params);
  return typeof id === 'string' ? `${id}\u0000${params}` : `${JSON.stringify(query.obj)}\u0000${params}`;
}

/**
 * Loaders live as long as one execution: a request's context for queries and mutations (repeated parents share one
 * load), and, for a subscription, the event being executed (each event reads fresh rows; nothing is cached across
 * events of a long-lived connection).
 */
const executions = new WeakMap<object, Map<string, DataLoader<LoaderQuery, unknown, string>>>();

function scopeOf(ctx: MercuriusContext, info: GraphQLResolveInfo): object {
  if (info.operation.operation !== 'subscription') return ctx;
  return typeof info.rootValue === 'object' && info.rootValue !== null ? info.rootValue : {};
}

/** Resolvers for the loaders' fields. */
export function loaderResolvers(loaders: Loaders): Record<string, Record<string, GraphQLFieldResolver<unknown, MercuriusContext>>> {
  const resolvers: Record<string, Record<string, GraphQLFieldResolver<unknown, MercuriusContext>>> = {};
  for (const [type, fields] of Object.entries(loaders)) {
    resolvers[type] = {};
    for (const [field, load] of Object.entries(fields)) {
      const name = `${type}.${field}`;
      resolvers[type][field] = (obj, params, ctx, info) => {
        const scope = scopeOf(ctx, info);
        let byName = executions.get(scope);
        if (!byName) executions.set(scope, (byName = new Map()));
        let loader = byName.get(name);
        if (!loader) {
          loader = new DataLoader<LoaderQuery, unknown, string>((queries) => load([...queries], ctx), { cacheKeyFn: keyOf });
          byName.set(name, loader);
        }
        return loader.load({ obj, params });
      };
    }
  }
  return resolvers;
}
