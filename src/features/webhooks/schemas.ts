// Webhook shapes (TypeBox): a subscription, its create and merge-patch bodies, list queries, and a delivery attempt.
import { Type, type Static } from '@sinclair/typebox';
import { DateTime, ListQuery, Nullable, StringEnum, Text, Uuid } from '../../http/schemas.ts';
import { CHANGE_TYPES } from '../changes/schemas.ts';

export const WEBHOOK_STATUSES = ['active', 'paused'] as const;

const Url = () => Type.String({ format: 'uri', pattern: '^https?://', maxLength: 2000, description: 'http or https URL that receives POSTs' });
const EventTypes = () => Type.Array(StringEnum(CHANGE_TYPES), { minItems: 1, maxItems: CHANGE_TYPES.length, uniqueItems: true, description: 'Entity types whose changes are delivered' });

const webhookFields = {
  id: Uuid(),
  url: Type.String(),
  eventTypes: Type.Array(StringEnum(CHANGE_TYPES)),
  description: Nullable(Type.String()),
  status: StringEnum(WEBHOOK_STATUSES, { description: '"paused" after repeated failures or by an administrator; PATCH status "active" resumes' }),
  pausedReason: Nullable(Type.String()),
  failureCount: Type.Integer({ description: 'Consecutive failed attempts on the oldest undelivered event' }),
  nextAttemptAt: DateTime(),
  lastSuccessAt: Nullable(DateTime()),
  lastFailureAt: Nullable(DateTime()),
  createdAt: DateTime(),
  updatedAt: DateTime(),
};

export const Webhook = Type.Object(webhookFields, { $id: 'Webhook', additionalProperties: false });
export type Webhook = Static<typeof Webhook>;

export const WebhookWithSecret = Type.Object({
  ...webhookFields,
  secret: Type.String({ description: 'Signing secret, shown only in this response: verify Kinship-Signature with it' }),
}, { $id: 'WebhookWithSecret', additionalProperties: false });
export type WebhookWithSecret = Static<typeof WebhookWithSecret>;

export const WebhookCreate = Type.Object({
  url: Url(),
  eventTypes: EventTypes(),
  description: Type.Optional(Nullable(Text(500))),
}, { $id: 'WebhookCreate', additionalProperties: false });
export type WebhookCreate = Static<typeof WebhookCreate>;

/** JSON merge patch: url, event types, description, and status (resume a paused hook with "active"). */
export const WebhookPatch = Type.Partial(Type.Object({
  url: Url(),
  eventTypes: EventTypes(),
  description: Nullable(Text(500)),
  status: StringEnum(WEBHOOK_STATUSES),
}), { $id: 'WebhookPatch', additionalProperties: false, minProperties: 1 });
export type WebhookPatch = Static<typeof WebhookPatch>;

export const WebhookListQuery = ListQuery({ status: StringEnum(WEBHOOK_STATUSES) });
export type WebhookListQuery = Static<typeof WebhookListQuery>;

export const WebhookDelivery = Type.Object({
  id: Type.Integer(),
  eventId: Type.Integer({ description: 'The change event (its id in /v1/changes and in the payload)' }),
  attempt: Type.Integer({ description: '1 for the first try of this event, then one more per retry' }),
  statusCode: Nullable(Type.Integer({ description: 'The receiver\'s HTTP status; null when no response came' })),
  error: Nullable(Type.String()),
  durationMs: Nullable(Type.Integer()),
  nextAttemptAt: Nullable(DateTime({ description: 'When the failed event is retried; null on success or when paused' })),
  deliveredAt: Nullable(DateTime({ description: 'Set when the receiver answered 2xx' })),
  createdAt: DateTime(),
}, { $id: 'WebhookDelivery', additionalProperties: false });
export type WebhookDelivery = Static<typeof WebhookDelivery>;

export const DeliveryListQuery = ListQuery({});
export type DeliveryListQuery = Static<typeof DeliveryListQuery>;
