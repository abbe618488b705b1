// REST for webhook subscriptions and their delivery log: thin handlers, validated input → service → response.
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { contextFromRequest } from '../../http/context.ts';
import { ifMatchOf, withEtag } from '../../http/etag.ts';
import { IdParams, PageOf, withErrors } from '../../http/schemas.ts';
import { DeliveryListQuery, Webhook, WebhookCreate, WebhookDelivery, WebhookListQuery, WebhookPatch, WebhookWithSecret } from './schemas.ts';
import { createWebhook, deleteWebhook, getWebhook, listDeliveries, listWebhooks, updateWebhook } from './service.ts';

const tags = ['webhooks'];

export async function webhookRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  app.addSchema(Webhook);
  app.addSchema(WebhookWithSecret);
  app.addSchema(WebhookDelivery);

  app.post('/v1/webhooks', {
    schema: {
      tags, summary: 'Subscribe a URL to changes (district admins)',
      description: 'Each change of the chosen types committed from now on is POSTed as JSON '
        + '`{ id, type, operation, occurredAt, entityId, studentId, data }` with the headers Kinship-Webhook-Id, '
        + 'Kinship-Event-Id, Kinship-Timestamp and Kinship-Signature: `v1=<hex HMAC-SHA256(secret, timestamp + "." + body)>`. '
        + 'Answer 2xx to acknowledge; anything else is retried with exponential backoff for more than 24 hours, '
        + 'in order, and the webhook is paused after repeated failures. The secret is shown only in this response.',
      body: WebhookCreate,
      response: withErrors({ 201: Type.Ref(WebhookWithSecret) }, true),
    },
  }, async (request, reply) => {
    const hook = await createWebhook(contextFromRequest(request, app.db), request.body, app.config.webhooks);
    reply.code(201).header('location', `/v1/webhooks/${hook.id}`);
    return withEtag(request, reply, hook);
  });

  app.get('/v1/webhooks', {
    schema: { tags, summary: 'List webhooks', querystring: WebhookListQuery, response: withErrors({ 200: PageOf(Type.Ref(Webhook)) }) },
  }, async (request) => listWebhooks(contextFromRequest(request, app.db), request.query));

  app.get('/v1/webhooks/:id', {
    schema: { tags, summary: 'One webhook', params: IdParams, response: withErrors({ 200: Type.Ref(Webhook), 304: Type.Null() }) },
  }, async (request, reply) => withEtag(request, reply, await getWebhook(contextFromRequest(request, app.db), request.params.id)));

  app.patch('/v1/webhooks/:id', {
    schema: {
      tags, summary: 'Change a webhook; status "active" resumes a paused one (JSON merge patch; If-Match supported)',
      params: IdParams, body: WebhookPatch,
      response: withErrors({ 200: Type.Ref(Webhook) }, true),
    },
  }, async (request, reply) => withEtag(request, reply,
    await updateWebhook(contextFromRequest(request, app.db), request.params.id, request.body, app.config.webhooks, ifMatchOf(request))));

  app.delete('/v1/webhooks/:id', {
    schema: { tags, summary: 'Delete a webhook and its delivery log (If-Match supported)', params: IdParams, response: withErrors({ 204: Type.Null() }, true) },
  }, async (request, reply) => {
    await deleteWebhook(contextFromRequest(request, app.db), request.params.id, ifMatchOf(request));
    return reply.code(204).send(null);
  });

  app.get('/v1/webhooks/:id/deliveries', {
    schema: {
      tags, summary: 'The delivery log of a webhook, newest attempt first',
      params: IdParams, querystring: DeliveryListQuery,
      response: withErrors({ 200: PageOf(Type.Ref(WebhookDelivery)) }),
    },
  }, async (request) => listDeliveries(contextFromRequest(request, app.db), request.params.id, request.query));
}
