// Resource share shapes (TypeBox): a resource shared with a guardian about a student, its create body and list filters.
import { Type, type Static } from '@sinclair/typebox';
import { DateTime, ListQuery, Nullable, StringEnum, Text, Uuid } from '../../http/schemas.ts';
import { KINDS } from './schemas.ts';

export const ResourceShare = Type.Object({
  id: Uuid(),
  resourceId: Uuid(),
  resource: Type.Object({
    id: Uuid(),
    title: Type.String(),
    kind: StringEnum(KINDS),
    summary: Nullable(Type.String()),
    url: Nullable(Type.String()),
    archivedAt: Nullable(DateTime()),
  }, { additionalProperties: false, description: 'The shared resource at a glance; GET /v1/strategy-resources/{id} has all of it' }),
  studentId: Uuid(),
  guardianId: Uuid({ description: 'The guardian it was shared with; linked to the student' }),
  sharedBy: Uuid({ description: 'The staff member who shared it' }),
  message: Nullable(Type.String({ description: 'A note to the family' })),
  sharedAt: DateTime(),
  acknowledgedAt: Nullable(DateTime({ description: 'When the guardian acknowledged it; set once' })),
  createdAt: DateTime(),
  updatedAt: DateTime(),
}, { $id: 'ResourceShare', additionalProperties: false });
export type ResourceShare = Static<typeof ResourceShare>;

export const ResourceShareCreate = Type.Object({
  studentId: Uuid(),
  guardianId: Uuid({ description: 'A guardian linked to the student who may be contacted or holds educational rights' }),
  message: Type.Optional(Nullable(Text(4000))),
  sharedBy: Type.Optional(Uuid({ description: 'Defaults to the calling staff member; admins and integrations name the staff member' })),
}, { $id: 'ResourceShareCreate', additionalProperties: false });
export type ResourceShareCreate = Static<typeof ResourceShareCreate>;

const shareFilters = {
  studentId: Uuid(),
  guardianId: Uuid(),
  sharedBy: Uuid(),
  acknowledged: Type.Boolean(),
  from: DateTime({ description: 'sharedAt ≥ from' }),
  to: DateTime({ description: 'sharedAt < to' }),
};

export const ResourceShareListQuery = ListQuery({ ...shareFilters, resourceId: Uuid() });
export type ResourceShareListQuery = Static<typeof ResourceShareListQuery>;

export const SharesOfResourceQuery = ListQuery(shareFilters);
export type SharesOfResourceQuery = Static<typeof SharesOfResourceQuery>;
