// GET /v1/me: the caller's principal as the service understands it, so clients can check their token.
import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import { withErrors } from '../http/schemas.ts';
import { requirePrincipal } from './authenticate.ts';
import { ROLES, SCOPES } from './principal.ts';

const PrincipalSchema = Type.Object({
  role: Type.Union(ROLES.map((r) => Type.Literal(r))),
  sub: Type.String(),
  schoolIds: Type.Array(Type.String({ format: 'uuid' })),
  scopes: Type.Array(Type.Union(SCOPES.map((s) => Type.Literal(s)))),
}, { $id: 'Principal', additionalProperties: false });

export async function authRoutes(app: FastifyInstance): Promise<void> {
  app.get('/v1/me', {
    schema: {
      tags: ['auth'],
      summary: 'The principal behind the bearer token',
      response: withErrors({ 200: PrincipalSchema }),
    },
  }, async (request) => requirePrincipal(request));
}
