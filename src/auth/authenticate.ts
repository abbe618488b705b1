// Verifies the bearer token on /v1 and /graphql and attaches the caller's Principal to the request.
import fastifyJwt from '@fastify/jwt';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Config } from '../config.ts';
import { UnauthenticatedError } from '../http/errors.ts';
import { sendProblem } from '../http/problem.ts';
import { principalFromClaims, type Principal, type TokenClaims } from './principal.ts';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
}

declare module '@fastify/jwt' {
  interface FastifyJWT {
    payload: TokenClaims & Record<string, unknown>;
    user: TokenClaims & Record<string, unknown>;
  }
}

const PROTECTED = /^\/(v1\/|v1$|graphql(\/|\?|$))/;

/** The principal of an authenticated request; throws when the route was reached without one. */
export function requirePrincipal(request: FastifyRequest): Principal {
  if (!request.principal) throw new UnauthenticatedError();
  return request.principal;
}

function describeJwtError(error: { code?: string; message?: string }): string {
  switch (error.code) {
    case 'FST_JWT_NO_AUTHORIZATION_IN_HEADER': return 'The Authorization header is missing';
    case 'FST_JWT_BAD_REQUEST': return 'The Authorization header must be "Bearer <token>"';
    case 'FST_JWT_AUTHORIZATION_TOKEN_EXPIRED': return 'The token has expired';
    case 'FST_JWT_AUTHORIZATION_TOKEN_INVALID': return 'The token is malformed or its signature is invalid';
    case 'FST_JWT_AUTHORIZATION_TOKEN_UNTRUSTED': return 'The token is not trusted (issuer or audience)';
    default: return 'The token could not be verified';
  }
}

/** Verifies a raw token (also used for GraphQL subscriptions) and returns its principal. */
export async function principalFromToken(app: FastifyInstance, token: string): Promise<Principal> {
  let claims: TokenClaims;
  try {
    claims = await app.jwt.verify<TokenClaims>(token);
  } catch (error) {
    throw new UnauthenticatedError(describeJwtError(error as { code?: string }));
  }
  return principalFromClaims(claims);
}

export const authenticationPlugin = fp(async (app: FastifyInstance, opts: { config: Config }) => {
  const { secret, publicKey, issuer, audience } = opts.config.jwt;
  const key = publicKey !== undefined ? { public: publicKey } : secret;
  if (key === undefined) throw new Error('No JWT key material configured');
  await app.register(fastifyJwt, {
    secret: key,
    verify: {
      algorithms: publicKey !== undefined ? ['RS256', 'RS384', 'RS512', 'ES256', 'ES384', 'ES512'] : ['HS256'],
      requiredClaims: ['exp'],
      // Verified tokens are cached until they expire: a client sends the same token on every request.
      cache: 10_000,
      ...(issuer !== undefined ? { allowedIss: issuer } : {}),
      ...(audience !== undefined ? { allowedAud: audience } : {}),
    },
  });
  app.decorateRequest('principal', null);
  // Replies from the hook itself, so /graphql (whose route has mercurius's own error handler) answers like /v1.
  app.addHook('onRequest', async (request, reply) => {
    if (!PROTECTED.test(request.url)) return;
    // CORS preflights carry no credentials by design; they reveal nothing and reach no handler.
    if (request.method === 'OPTIONS') return;
    // A browser cannot set headers on a WebSocket upgrade: subscriptions authenticate in connection_init instead.
    if (request.headers.upgrade?.toLowerCase() === 'websocket' && request.headers.authorization === undefined) return;
    try {
      const header = request.headers.authorization;
      if (header !== undefined && !/^Bearer\s+\S+$/i.test(header)) {
        throw new UnauthenticatedError('The Authorization header must be "Bearer <token>"');
      }
      let claims: TokenClaims;
      try {
        claims = await request.jwtVerify<TokenClaims>();
      } catch (error) {
        throw new UnauthenticatedError(describeJwtError(error as { code?: string }));
      }
      request.principal = principalFromClaims(claims);
    } catch (error) {
      const appError = error instanceof UnauthenticatedError ? error : new UnauthenticatedError();
      request.log.info({ detail: appError.message }, 'unauthenticated request');
      return sendProblem(reply, appError);
    }
    request.log = request.log.child({ actor: request.principal.sub, role: request.principal.role });
  });
}, { name: 'authentication' });
