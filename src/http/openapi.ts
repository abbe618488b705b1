// The OpenAPI 3.1 document, built from the route schemas, served at /openapi.json and rendered at /docs.
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { Problem } from './schemas.ts';

export const openApiPlugin = fp(async (app: FastifyInstance) => {
  app.addSchema(Problem);
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Kinship API',
        version: '1.0.0',
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
    transform: ({ schema, url }) => ({
      schema: /^\/graph(ql|iql)/.test(url) ? { ...(schema ?? {}), hide: true } : schema,
      url,
    }),
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => String(json.$id ?? `def-${i}`) },
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/docs', uiConfig: { deepLinking: true } });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
}, { name: 'openapi' });
