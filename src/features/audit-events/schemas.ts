// Audit event shapes: who accessed or changed which student's records, and when.
import { Type, type Static } from '@sinclair/typebox';
import { DateTime, ListQuery, Nullable, StringEnum, Text, Uuid } from '../../http/schemas.ts';

export const AUDIT_ACTIONS = ['read', 'list', 'create', 'update', 'delete', 'sync'] as const;

export const AuditEvent = Type.Object({
  id: Type.Integer(),
  at: DateTime(),
  actorId: Type.String({ description: 'The token subject: a staff, guardian or client id' }),
  actorRole: Type.String(),
  action: StringEnum(AUDIT_ACTIONS),
  recordType: Type.String(),
  recordId: Nullable(Uuid()),
  studentId: Nullable(Uuid()),
  requestId: Nullable(Type.String()),
}, { $id: 'AuditEvent', additionalProperties: false });
export type AuditEvent = Static<typeof AuditEvent>;

export const AuditEventListQuery = ListQuery({
  studentId: Uuid(),
  actorId: Text(200, { minLength: 1 }),
  recordType: Text(100, { minLength: 1 }),
  recordId: Uuid(),
  action: StringEnum(AUDIT_ACTIONS),
  from: DateTime({ description: 'at ≥ from' }),
  to: DateTime({ description: 'at < to' }),
});
export type AuditEventListQuery = Static<typeof AuditEventListQuery>;
