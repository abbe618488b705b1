// REST for the change feed: GET /v1/changes, a thin handler over the service.
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { contextFromRequest } from '../../http/context.ts';
import { withErrors } from '../../http/schemas.ts';
import { ChangeEvent, ChangeListQuery, ChangePage } from './schemas.ts';
import { listChangesJson } from './service.ts';

const tags = ['changes'];

export async function changeRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  app.addSchema(ChangeEvent);
  app.addSchema(ChangePage);

  app.get('/v1/changes', {
    schema: {
      tags, summary: 'Read the change feed (every create, update, deactivation and delete, in commit order)',
      description: 'Start without `after`, then pass each page\'s `nextCursor` as `after`. Events appear once the '
        + 'transactions that wrote them, and every older one, have finished, so a reader resuming from its last cursor '
        + 'never misses or repeats a change. `hasMore: false` means caught up: poll again later with the same cursor.',
      querystring: ChangeListQuery,
      response: withErrors({ 200: Type.Ref(ChangePage) }),
    },
  }, async (request, reply) => {
    // The page arrives as JSON text built by PostgreSQL (the ChangePage shape); it is sent as it is.
    const page = await listChangesJson(contextFromRequest(request, app.db), request.query);
    return reply.type('application/json; charset=utf-8').send(page as unknown as ChangePage);
  });
}
