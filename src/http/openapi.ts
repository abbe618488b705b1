// The OpenAPI 3.1 document, built from the route schemas, served at /openapi.json and rendered at /docs.
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { Problem } from './schemas.ts';

/** A stable operationId from the method and path, e.g. GET /v1/goals/:id/progress → getGoalsByIdProgress. */
export function operationIdFor(method: string | string[], url: string): string {
  const verb = String(Array.isArray(method) ? method[0] : method).toLowerCase();
  const words = url.replace(/^\/v1\//, '').split('/').filter(Boolean).map((segment) => {
    const name = segment.startsWith(':') ? `by-${segment.slice(1)}` : segment;
    return name.split(/[-_]/).map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('');
  });
  return verb + words.join('');
}

export const openApiPlugin = fp(async (app: FastifyInstance) => {
  app.addSchema(Problem);
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Kinship API',
        version: '1.0.0',
        license: { name: 'MIT', identifier: 'MIT' },
        description: 'Teacher–family partnerships around students: roster, contact logs, collaborative goals, '
          + 'strategy resources and progress events. Errors are application/problem+json (RFC 9457).',
      },
      servers: [{ url: '/' }],
      components: {
        securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      },
      security: [{ bearerAuth: [] }],
    },
    // GraphQL has its own contract (schema/*.graphql); only REST routes belong in this document.
    transform: ({ schema, url, route }) => ({
      schema: /^\/graph(ql|iql)/.test(url)
        ? { ...(schema ?? {}), hide: true }
        : {
          ...(schema ?? {}),
          operationId: (schema as { operationId?: string } | undefined)?.operationId ?? operationIdFor(route.method, url),
          // A route that streams a binary upload has no body schema to validate; document the body it takes.
          ...((schema as { consumes?: string[]; body?: unknown } | undefined)?.consumes?.some((c) => !c.includes('json')) && !(schema as { body?: unknown }).body
            ? { body: { type: 'string', format: 'binary' } } : {}),
        },
      url,
    }),
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => String(json.$id ?? `def-${i}`) },
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/docs', uiConfig: { deepLinking: true } });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
}, { name: 'openapi' });
