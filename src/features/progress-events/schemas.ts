// Progress event shapes (TypeBox): the API representation, create and merge-patch bodies, list filters.
import { Type, type Static } from '@sinclair/typebox';
import { DateTime, ListQuery, Nullable, StringEnum, Text, Uuid } from '../../http/schemas.ts';

export const RECORDER_TYPES = ['staff', 'guardian', 'student'] as const;
export const SETTINGS = ['school', 'home'] as const;
export const KINDS = ['observation', 'measurement', 'milestone', 'celebration', 'setback'] as const;
export const VISIBILITIES = ['staff', 'family'] as const;
export const ORDERS = ['newest', 'oldest'] as const;

export const ProgressEvent = Type.Object({
  id: Uuid(),
  studentId: Uuid(),
  goalId: Nullable(Uuid({ description: "One of the student's goals, or null for progress on no goal" })),
  occurredAt: DateTime(),
  recordedByType: StringEnum(RECORDER_TYPES, { description: 'Who recorded it: a staff member, a guardian, or the student themself (entered by staff)' }),
  recordedByStaffId: Nullable(Uuid({ description: 'Set when recordedByType is staff' })),
  recordedByGuardianId: Nullable(Uuid({ description: 'Set when recordedByType is guardian' })),
  setting: StringEnum(SETTINGS),
  kind: StringEnum(KINDS),
  value: Nullable(Type.Number({ description: "On the goal's measure: percent 0–100, rating within the goal's bounds, yes_no 0 or 1, count a whole number ≥ 0" })),
  note: Nullable(Type.String()),
  visibility: StringEnum(VISIBILITIES, { description: '"family" events are visible to the student\'s guardians' }),
  createdAt: DateTime(),
  updatedAt: DateTime(),
}, { $id: 'ProgressEvent', additionalProperties: false });
export type ProgressEvent = Static<typeof ProgressEvent>;

const writable = {
  goalId: Nullable(Uuid()),
  occurredAt: DateTime(),
  setting: StringEnum(SETTINGS),
  kind: StringEnum(KINDS),
  value: Nullable(Type.Number({ minimum: -1e9, maximum: 1e9 })),
  note: Nullable(Text(4000)),
  visibility: StringEnum(VISIBILITIES),
};

export const ProgressEventCreate = Type.Object({
  studentId: Uuid(),
  goalId: Type.Optional(writable.goalId),
  occurredAt: writable.occurredAt,
  kind: writable.kind,
  recordedByType: Type.Optional(StringEnum(RECORDER_TYPES, {
    description: 'Derived from the caller: staff record as staff, guardians as guardian. Staff may send "student" for an event the student reported themself.',
  })),
  recordedByStaffId: Type.Optional(Uuid({ description: 'Teachers record in their own name; admins and integrations name the staff member' })),
  setting: Type.Optional(StringEnum(SETTINGS, { description: 'Defaults to school for staff; guardians record home events only' })),
  value: Type.Optional(writable.value),
  note: Type.Optional(writable.note),
  visibility: Type.Optional(StringEnum(VISIBILITIES, { description: 'Defaults to family; guardians\' events are always family' })),
}, { $id: 'ProgressEventCreate', additionalProperties: false });
export type ProgressEventCreate = Static<typeof ProgressEventCreate>;

/** JSON merge patch (RFC 7396): present fields replace, null clears. The student and the recorder never change. */
export const ProgressEventPatch = Type.Partial(Type.Object(writable), { $id: 'ProgressEventPatch', additionalProperties: false, minProperties: 1 });
export type ProgressEventPatch = Static<typeof ProgressEventPatch>;

const filters = {
  kind: StringEnum(KINDS),
  setting: StringEnum(SETTINGS),
  visibility: StringEnum(VISIBILITIES),
  recordedByType: StringEnum(RECORDER_TYPES),
  recordedByStaffId: Uuid(),
  recordedByGuardianId: Uuid(),
  from: DateTime({ description: 'occurredAt ≥ from' }),
  to: DateTime({ description: 'occurredAt < to' }),
  updatedSince: DateTime(),
  q: Text(200, { minLength: 1, description: 'Words in the note' }),
};

export const ProgressEventListQuery = ListQuery({
  studentId: Uuid(),
  goalId: Uuid(),
  schoolId: Uuid(),
  classId: Uuid(),
  ...filters,
});
export type ProgressEventListQuery = Static<typeof ProgressEventListQuery>;

export const GoalProgressQuery = ListQuery({
  order: StringEnum(ORDERS, { default: 'newest', description: 'newest: occurredAt descending (default); oldest: ascending, e.g. to chart a goal over time' }),
  ...filters,
});
export type GoalProgressQuery = Static<typeof GoalProgressQuery>;

/** What the list query works from: the public filters plus the order of the nested goal route. */
export type ProgressEventFilter = ProgressEventListQuery & { order?: (typeof ORDERS)[number] };
