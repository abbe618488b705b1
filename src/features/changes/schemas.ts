// Change feed shapes (TypeBox): the entity types, one change event, the feed page and its query.
import { Type, type Static } from '@sinclair/typebox';
import { DateTime, Nullable, StringEnum, Uuid } from '../../http/schemas.ts';

export const ROSTER_CHANGE_TYPES = ['org', 'academicSession', 'course', 'class', 'family', 'staff', 'student',
  'guardian', 'studentGuardian', 'enrollment'] as const;
export const PARTNERSHIP_CHANGE_TYPES = ['contactLog', 'goal', 'goalParticipant', 'goalStrategy', 'strategyResource',
  'resourceShare', 'progressEvent'] as const;
export const CHANGE_TYPES = [...ROSTER_CHANGE_TYPES, ...PARTNERSHIP_CHANGE_TYPES] as const;
export type ChangeType = (typeof CHANGE_TYPES)[number];

export const OPERATIONS = ['create', 'update', 'deactivate', 'delete'] as const;
export type ChangeOperation = (typeof OPERATIONS)[number];

export const MAX_CHANGE_LIMIT = 1000;
export const DEFAULT_CHANGE_LIMIT = 100;

export const ChangeEvent = Type.Object({
  id: Type.Integer({ description: 'The event id; unique, use it to de-duplicate' }),
  type: StringEnum(CHANGE_TYPES, { description: 'The entity type, as named in the API' }),
  entityId: Uuid(),
  operation: StringEnum(OPERATIONS, { description: '"deactivate": status went active → inactive, or the record was archived' }),
  studentId: Nullable(Uuid({ description: 'The student the record is about, when it is about one' })),
  occurredAt: DateTime({ description: 'When the writing transaction started' }),
  data: Nullable(Type.Record(Type.String(), Type.Unknown(), {
    description: 'The record as stored after the change (camelCase keys); null for a delete (a tombstone)',
  })),
}, { $id: 'ChangeEvent', additionalProperties: false });
export type ChangeEvent = Static<typeof ChangeEvent>;

export const ChangePage = Type.Object({
  data: Type.Array(Type.Ref(ChangeEvent)),
  page: Type.Object({
    nextCursor: Nullable(Type.String({ description: 'Pass as ?after= to continue; kept when nothing new arrived (null only before the first event)' })),
    hasMore: Type.Boolean({ description: 'true: more events are ready now; false: caught up, poll again later' }),
  }, { additionalProperties: false }),
}, { $id: 'ChangePage', additionalProperties: false });
export type ChangePage = Static<typeof ChangePage>;

export const ChangeListQuery = Type.Partial(Type.Object({
  after: Type.String({ maxLength: 200, description: 'The nextCursor of the previous page; omit to read from the beginning' }),
  types: Type.String({
    maxLength: 500,
    pattern: '^[A-Za-z]+(,[A-Za-z]+)*$',
    description: `Comma-separated entity types: ${CHANGE_TYPES.join(', ')}. Default: every type the caller may read`,
  }),
  limit: Type.Integer({ minimum: 1, maximum: MAX_CHANGE_LIMIT, default: DEFAULT_CHANGE_LIMIT, description: `Page size (1–${MAX_CHANGE_LIMIT})` }),
}), { additionalProperties: false });
export type ChangeListQuery = Static<typeof ChangeListQuery>;
