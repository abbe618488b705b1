// The timeline: one chronological feed of a student's partnership story across contact logs, goals, progress and shares.
import { Type, type Static } from '@sinclair/typebox';
import { DateTime, ListQuery, Nullable, StringEnum, Text, Uuid } from '../../http/schemas.ts';

export const TIMELINE_TYPES = ['contactLog', 'goal', 'progressEvent', 'resourceShare'] as const;
export type TimelineType = (typeof TIMELINE_TYPES)[number];

export const TimelineItem = Type.Object({
  type: StringEnum(TIMELINE_TYPES),
  id: Uuid(),
  at: DateTime({ description: 'When it happened: a contact or progress event occurred, a goal was created, a resource was shared' }),
  headline: Type.String({ description: 'A contact summary, goal title, progress note or resource title' }),
  category: Type.String({ description: 'Contact purpose, goal status, progress kind or resource kind' }),
  setting: Nullable(Type.String({ description: 'home or school for progress events; the goal setting for goals' })),
  visibility: StringEnum(['staff', 'family'] as const),
  actorId: Nullable(Uuid({ description: 'The staff member or guardian who recorded or shared it' })),
  href: Type.String({ description: 'The record itself' }),
}, { $id: 'TimelineItem', additionalProperties: false });
export type TimelineItem = Static<typeof TimelineItem>;

export const TimelineQuery = ListQuery({
  types: Type.Array(StringEnum(TIMELINE_TYPES), { description: 'Only these kinds of entries (comma-separated or repeated)' }),
  from: DateTime({ description: 'at ≥ from' }),
  to: DateTime({ description: 'at < to' }),
  q: Text(200, { minLength: 1 }),
});
export type TimelineQuery = Static<typeof TimelineQuery>;
