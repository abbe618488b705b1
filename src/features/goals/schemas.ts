// Goal shapes (TypeBox): the API representation, create and merge-patch bodies, list filters.
import { Type, type Static } from '@sinclair/typebox';
import { DateOnly, DateTime, ListQuery, Nullable, StringEnum, Text, Uuid } from '../../http/schemas.ts';

export const DOMAINS = ['behavior', 'social_emotional', 'academic', 'attendance', 'communication', 'other'] as const;
export const STATUSES = ['draft', 'active', 'met', 'paused', 'discontinued'] as const;
export const SETTINGS = ['school', 'home', 'both'] as const;
export const MEASURE_TYPES = ['count', 'percent', 'rating', 'yes_no', 'note_only'] as const;
export type GoalStatus = (typeof STATUSES)[number];
export type MeasureType = (typeof MEASURE_TYPES)[number];

export const Goal = Type.Object({
  id: Uuid(),
  studentId: Uuid(),
  title: Type.String(),
  description: Nullable(Type.String()),
  domain: StringEnum(DOMAINS),
  status: StringEnum(STATUSES, { description: 'draft → active → paused | met | discontinued; back to active only through POST /v1/goals/{id}/reopen' }),
  setting: StringEnum(SETTINGS, { description: 'Where the goal is worked on' }),
  measureType: StringEnum(MEASURE_TYPES, { description: 'How progress is measured' }),
  baseline: Nullable(Type.Number()),
  target: Nullable(Type.Number()),
  ratingMin: Nullable(Type.Number({ description: 'Lowest rating (rating goals only)' })),
  ratingMax: Nullable(Type.Number({ description: 'Highest rating (rating goals only)' })),
  startDate: Nullable(DateOnly()),
  targetDate: Nullable(DateOnly()),
  createdBy: Uuid({ description: 'The staff member who created the goal' }),
  statusChangedAt: DateTime({ description: 'When the status last changed' }),
  createdAt: DateTime(),
  updatedAt: DateTime(),
}, { $id: 'Goal', additionalProperties: false });
export type Goal = Static<typeof Goal>;

const Measure = Type.Number({ minimum: -1e9, maximum: 1e9 });

const writable = {
  title: Text(300, { minLength: 1 }),
  description: Nullable(Text(4000)),
  domain: StringEnum(DOMAINS),
  status: StringEnum(STATUSES),
  setting: StringEnum(SETTINGS),
  measureType: StringEnum(MEASURE_TYPES),
  baseline: Nullable(Measure),
  target: Nullable(Measure),
  ratingMin: Nullable(Measure),
  ratingMax: Nullable(Measure),
  startDate: Nullable(DateOnly()),
  targetDate: Nullable(DateOnly()),
};

export const GoalCreate = Type.Object({
  studentId: Uuid(),
  createdBy: Type.Optional(Uuid({ description: 'Defaults to the calling staff member; admins and integrations name the creator' })),
  title: writable.title,
  domain: writable.domain,
  description: Type.Optional(writable.description),
  status: Type.Optional(StringEnum(['draft', 'active'] as const, { default: 'draft', description: 'A goal starts as a draft or active' })),
  setting: Type.Optional(StringEnum(SETTINGS, { default: 'both' })),
  measureType: Type.Optional(StringEnum(MEASURE_TYPES, { default: 'note_only' })),
  baseline: Type.Optional(writable.baseline),
  target: Type.Optional(writable.target),
  ratingMin: Type.Optional(writable.ratingMin),
  ratingMax: Type.Optional(writable.ratingMax),
  startDate: Type.Optional(writable.startDate),
  targetDate: Type.Optional(writable.targetDate),
}, { $id: 'GoalCreate', additionalProperties: false });
export type GoalCreate = Static<typeof GoalCreate>;

/** JSON merge patch (RFC 7396): present fields replace, null clears. The measure rules apply to the merged goal. */
export const GoalPatch = Type.Partial(Type.Object(writable), { $id: 'GoalPatch', additionalProperties: false, minProperties: 1 });
export type GoalPatch = Static<typeof GoalPatch>;

export const GoalListQuery = ListQuery({
  studentId: Uuid(),
  schoolId: Uuid(),
  classId: Uuid(),
  status: StringEnum(STATUSES),
  domain: StringEnum(DOMAINS),
  setting: StringEnum(SETTINGS),
  measureType: StringEnum(MEASURE_TYPES),
  createdBy: Uuid(),
  guardianId: Uuid({ description: 'Goals this guardian takes part in' }),
  staffId: Uuid({ description: 'Goals this staff member takes part in' }),
  from: DateTime({ description: 'createdAt ≥ from' }),
  to: DateTime({ description: 'createdAt < to' }),
  updatedSince: DateTime({ description: 'updatedAt ≥ updatedSince' }),
  q: Text(200, { minLength: 1, description: 'Words in the title' }),
});
export type GoalListQuery = Static<typeof GoalListQuery>;
