// GraphQL at /graphql (mercurius): SDL from schema/, resolvers and loaders from each feature, limits, typed errors.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import mercurius, { type IResolvers, type MercuriusContext } from 'mercurius';
import { buildSchema, GraphQLError, GraphQLScalarType, validate } from 'graphql';
import type { Principal } from '../auth/principal.ts';
import { principalFromToken } from '../auth/authenticate.ts';
import type { Database } from '../db/database.ts';
import { toAppError } from '../http/problem.ts';
import type { ServiceContext } from '../http/context.ts';
import { costLimitRule } from './cost.ts';
import { loaderResolvers, type Loaders } from './loaders.ts';
import { scalarResolvers } from './scalars.ts';

export const SCHEMA_DIR = fileURLToPath(new URL('../../schema', import.meta.url));

/** The SDL files in schema/, in name order, as mercurius loads them. */
export function loadSchemaFiles(): string[] {
  return readdirSync(SCHEMA_DIR).filter((f) => f.endsWith('.graphql')).sort()
    .map((f) => readFileSync(path.join(SCHEMA_DIR, f), 'utf8'));
}

declare module 'mercurius' {
  interface MercuriusContext {
    principal: Principal;
    requestId: string;
    db: Database;
  }
}

/** The service context for a resolver or loader: the same callers and rules as REST. */
export function serviceContext(context: MercuriusContext): ServiceContext {
  const log = context.reply.request.log;
  return {
    db: context.db, principal: context.principal, requestId: context.requestId, log,
    // Queries and mutations share the HTTP request's audit buffer; subscriptions (no buffer) audit each delivery.
    auditBuffer: context.reply.request.auditBuffer ?? undefined,
    // Writes through GraphQL announce their events like REST writes do (after commit, through inTransaction).
    publish: (event) => void context.app.events.publish([event]).catch((error: unknown) => log.warn({ err: error }, 'could not publish an event')),
  };
}

const CODE_FOR_STATUS: Record<number, string> = {
  400: 'BAD_USER_INPUT', 401: 'UNAUTHENTICATED', 403: 'FORBIDDEN', 404: 'NOT_FOUND', 409: 'CONFLICT',
  412: 'PRECONDITION_FAILED', 413: 'PAYLOAD_TOO_LARGE', 415: 'UNSUPPORTED_MEDIA_TYPE', 422: 'BAD_USER_INPUT', 429: 'RATE_LIMITED',
  503: 'UNAVAILABLE',
};

/** A request refused at the edge (too large, rate limited, unavailable) keeps that HTTP status, so clients back off. */
const REFUSED_STATUSES = new Set([413, 415, 429, 503]);
function refusedStatus(errors: readonly GraphQLError[] | undefined): number | undefined {
  for (const error of errors ?? []) {
    const original = error.originalError;
    if (!original || original instanceof GraphQLError) continue;
    const { status } = toAppError(original);
    if (REFUSED_STATUSES.has(status)) return status;
  }
  return undefined;
}

/** Renders any resolver error with a stable extensions.code, never leaking internals. */
export function toGraphQLError(error: GraphQLError): GraphQLError {
  const original = error.originalError as (Error & { code?: string }) | undefined;
  // GraphQL's own errors and mercurius's (validation, depth, persisted queries, ErrorWithProps) keep their shape.
  if (!original || original instanceof GraphQLError || original instanceof mercurius.ErrorWithProps
    || original.code?.startsWith('MER_ERR_')) return error;
  const appError = toAppError(original);
  const code = CODE_FOR_STATUS[appError.status] ?? 'INTERNAL_SERVER_ERROR';
  const rendered = new GraphQLError(appError.message, {
    nodes: error.nodes, source: error.source, positions: error.positions, path: error.path,
    // Service rules name REST body fields; in GraphQL those fields arrive in the mutation's input.
    extensions: { code, kinshipCode: appError.code, ...(appError.errors ? { errors: appError.errors.map((e) => ({ ...e, path: e.path.replace(/^\/body(?=\/|$)/, '/input') })) } : {}) },
  });
  // A compiled (JIT) query's errors carry their locations already worked out, without the nodes to work them out from.
  if (rendered.locations === undefined && error.locations !== undefined) {
    (rendered as { locations: GraphQLError['locations'] }).locations = error.locations;
  }
  return rendered;
}

export interface GraphQLFeature {
  resolvers?: IResolvers;
  loaders?: Loaders;
}

function merge<T extends Record<string, unknown>>(parts: Array<T | undefined>): T {
  const merged: Record<string, Record<string, unknown>> = {};
  for (const part of parts) {
    for (const [type, fields] of Object.entries(part ?? {})) merged[type] = { ...merged[type], ...(fields as object) };
  }
  return merged as T;
}

export const graphqlPlugin = fp(async (app: FastifyInstance, opts: { features: GraphQLFeature[] }) => {
  const schema = loadSchemaFiles();
  // Scalar implementations replace the SDL's scalars; they keep the SDL's descriptions, the contract's words.
  const sdl = buildSchema(schema.join('\n'));
  const scalars = Object.fromEntries(Object.entries(scalarResolvers).map(([name, scalar]: [string, GraphQLScalarType]) =>
    [name, new GraphQLScalarType({ ...scalar.toConfig(), description: sdl.getType(name)?.description })]));
  const loaders = loaderResolvers(merge<Loaders>(opts.features.map((f) => f.loaders)));
  const resolvers = merge<IResolvers>([scalars as unknown as IResolvers, ...opts.features.map((f) => f.resolvers), loaders as IResolvers]);
  const { maxDepth, maxCost } = app.config.graphql;
  await app.register(mercurius, {
    schema,
    resolvers,
    graphiql: app.config.nodeEnv !== 'production',
    queryDepth: maxDepth,
    // A query's second run and later ones execute as JavaScript compiled for that document (graphql-jit): a quarter
    // less CPU for a class board than graphql-js's interpreter. Documents seen once are interpreted.
    jit: 1,
    persistedQueryProvider: mercurius.persistedQueryDefaults.automatic(),
    context: (request: FastifyRequest, _reply: FastifyReply) => ({ principal: request.principal, requestId: String(request.id), db: app.db }),
    subscription: {
      // The token comes in connection_init ({ authorization: "Bearer …" }) or on the upgrade request itself.
      onConnect: async ({ payload }: { payload?: { authorization?: string; Authorization?: string } }) => {
        const header = payload?.authorization ?? payload?.Authorization;
        const token = typeof header === 'string' ? /^Bearer\s+(\S+)$/i.exec(header)?.[1] : undefined;
        if (!token) return false;
        try {
          return { principal: await principalFromToken(app, token) };
        } catch {
          return false;
        }
      },
      context: (_socket: unknown, request: FastifyRequest) => ({ principal: request.principal, requestId: String(request.id), db: app.db }),
    },
    errorFormatter: (execution, context) => {
      const formatted = mercurius.defaultErrorFormatter(
        { ...execution, errors: execution.errors?.map((e) => toGraphQLError(e)) } as typeof execution, context);
      // Field errors still answer 200 with data and errors (GraphQL over HTTP).
      return { statusCode: execution.data ? 200 : refusedStatus(execution.errors) ?? formatted.statusCode, response: formatted.response };
    },
  });
  // Live updates: every event from the bus (this instance's or another's) reaches this instance's subscribers.
  app.addHook('onReady', async () => {
    await app.events.start((event) => void app.graphql.pubsub.publish({ topic: `${event.topic}:${event.studentId}`, payload: event }));
  });

  // The cost depends on variables (first: $n), so it is checked per execution; parsed documents stay cached.
  app.graphql.addHook('preExecution', async (schema, document, _context, variables) => {
    const errors = validate(schema, document, [costLimitRule(maxCost, (variables ?? {}) as Record<string, unknown>)]);
    if (errors.length > 0) throw new mercurius.ErrorWithProps(errors[0]!.message, errors[0]!.extensions, 400);
  });
}, { name: 'graphql', dependencies: ['authentication'] });

export const authGraphQL: GraphQLFeature = {
  resolvers: {
    Query: {
      me: (_root: unknown, _args: unknown, context: MercuriusContext) => context.principal,
    },
  },
};
