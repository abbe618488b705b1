// Protection at the edge: rate limits per principal, load shedding under event-loop pressure, security headers, CORS.
import fastifyCors from '@fastify/cors';
import fastifyHelmet from '@fastify/helmet';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifyUnderPressure from '@fastify/under-pressure';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Config } from '../config.ts';
import { AppError, UnavailableError } from './errors.ts';

/** Authenticated callers are limited per principal (several users behind one school NAT stay independent). */
function rateLimitKey(request: FastifyRequest): string {
  return request.principal ? `${request.principal.role}:${request.principal.sub}` : `ip:${request.ip}`;
}

class OverloadedError extends UnavailableError {
  constructor() {
    super('The service is overloaded; retry shortly', 5);
  }
}

/** Route config for probes: they answer even under pressure (a lagging process is alive, not dead). */
export const ignorePressure = { pressureHandler: () => undefined };

export const protectionPlugin = fp(async (app: FastifyInstance, opts: { config: Config }) => {
  const { http } = opts.config;
  // The API serves JSON; the HTML it serves (/docs, /graphiql) loads its own scripts, so no CSP is imposed here.
  await app.register(fastifyHelmet, { contentSecurityPolicy: false, crossOriginEmbedderPolicy: false });
  if (http.corsOrigins.length > 0) {
    await app.register(fastifyCors, {
      origin: http.corsOrigins,
      methods: ['GET', 'POST', 'PATCH', 'PUT', 'DELETE'],
      allowedHeaders: ['authorization', 'content-type', 'if-match', 'if-none-match', 'idempotency-key', 'x-request-id'],
      exposedHeaders: ['etag', 'location', 'x-request-id', 'ratelimit-limit', 'ratelimit-remaining', 'ratelimit-reset', 'retry-after'],
      maxAge: 600,
    });
  }
  await app.register(fastifyRateLimit, {
    global: true,
    hook: 'preHandler',
    max: http.rateLimitMax,
    timeWindow: http.rateLimitWindowMs,
    keyGenerator: rateLimitKey,
    enableDraftSpec: true,
    allowList: (request) => request.url === '/healthz' || request.url === '/readyz',
    errorResponseBuilder: (_request, context) => new AppError(429, 'KINSHIP_RATE_LIMITED', 'Too many requests',
      `Rate limit of ${context.max} requests per ${context.after} reached; retry after ${Math.ceil(context.ttl / 1000)} s`,
      undefined, { 'retry-after': String(Math.ceil(context.ttl / 1000)) }),
  });
  if (http.maxEventLoopDelayMs > 0) {
    await app.register(fastifyUnderPressure, {
      maxEventLoopDelay: http.maxEventLoopDelayMs,
      retryAfter: 5,
      exposeStatusRoute: false,
      // Thrown into the error handler, so the answer is the usual 503 problem+json with Retry-After.
      customError: OverloadedError,
    });
  }
}, { name: 'protection', dependencies: ['authentication'] });
