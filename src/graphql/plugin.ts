// GraphQL at /graphql (mercurius): SDL from schema/, resolvers from each feature, typed errors as extensions.code.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import mercurius, { type IResolvers, type MercuriusContext } from 'mercurius';
import { GraphQLError } from 'graphql';
import type { Principal } from '../auth/principal.ts';
import { toAppError } from '../http/problem.ts';

export const SCHEMA_DIR = fileURLToPath(new URL('../../schema', import.meta.url));

/** The SDL files in schema/, in name order, as mercurius loads them. */
export function loadSchemaFiles(): string[] {
  return readdirSync(SCHEMA_DIR).filter((f) => f.endsWith('.graphql')).sort()
    .map((f) => readFileSync(path.join(SCHEMA_DIR, f), 'utf8'));
}

export interface GraphQLContext extends MercuriusContext {
  principal: Principal;
  requestId: string;
}

declare module 'mercurius' {
  interface MercuriusContext {
    principal: Principal;
    requestId: string;
  }
}

const CODE_FOR_STATUS: Record<number, string> = {
  400: 'BAD_USER_INPUT', 401: 'UNAUTHENTICATED', 403: 'FORBIDDEN', 404: 'NOT_FOUND', 409: 'CONFLICT',
  412: 'PRECONDITION_FAILED', 422: 'BAD_USER_INPUT', 503: 'UNAVAILABLE',
};

/** Renders any resolver error with a stable extensions.code, never leaking internals. */
export function toGraphQLError(error: GraphQLError): GraphQLError {
  const original = error.originalError;
  if (!original || original instanceof GraphQLError) return error;
  const appError = toAppError(original);
  const code = CODE_FOR_STATUS[appError.status] ?? 'INTERNAL_SERVER_ERROR';
  return new GraphQLError(appError.message, {
    nodes: error.nodes, source: error.source, positions: error.positions, path: error.path,
    extensions: { code, kinshipCode: appError.code, ...(appError.errors ? { errors: appError.errors } : {}) },
  });
}

export const graphqlPlugin = fp(async (app: FastifyInstance, opts: { resolvers: IResolvers[] }) => {
  const resolvers: IResolvers = { Query: {}, Mutation: {} };
  for (const r of opts.resolvers) {
    for (const [type, fields] of Object.entries(r)) {
      resolvers[type] = { ...(resolvers[type] as object), ...(fields as object) } as never;
    }
  }
  if (Object.keys(resolvers.Mutation as object).length === 0) delete resolvers.Mutation;
  await app.register(mercurius, {
    schema: loadSchemaFiles(),
    resolvers,
    graphiql: app.config.nodeEnv !== 'production',
    context: (request: FastifyRequest, _reply: FastifyReply) => ({ principal: request.principal, requestId: String(request.id) }),
    errorFormatter: (execution, context) => {
      const formatted = mercurius.defaultErrorFormatter(
        { ...execution, errors: execution.errors?.map((e) => toGraphQLError(e)) } as typeof execution, context);
      // GraphQL-over-HTTP: field errors still answer 200 with data and errors.
      return { statusCode: execution.data ? 200 : formatted.statusCode, response: formatted.response };
    },
  });
}, { name: 'graphql', dependencies: ['authentication'] });

export const authResolvers: IResolvers = {
  Query: {
    me: (_root: unknown, _args: unknown, context: MercuriusContext) => context.principal,
  },
};
