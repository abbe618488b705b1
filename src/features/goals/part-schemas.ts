// Shapes (TypeBox) of a goal's parts: its participants (with a guardian's input) and its strategies.
import { Type, type Static } from '@sinclair/typebox';
import { DateTime, ListQuery, Nullable, StringEnum, Text, Uuid } from '../../http/schemas.ts';

export const PARTICIPANT_TYPES = ['guardian', 'staff', 'student'] as const;
export const PARTICIPANT_ROLES = ['lead', 'partner', 'supporter', 'self'] as const;
export const USED_AT = ['school', 'home', 'both'] as const;

export const GoalParticipant = Type.Object({
  id: Uuid(),
  goalId: Uuid(),
  participantType: StringEnum(PARTICIPANT_TYPES),
  guardianId: Nullable(Uuid()),
  staffId: Nullable(Uuid()),
  studentId: Nullable(Uuid()),
  role: StringEnum(PARTICIPANT_ROLES),
  name: Type.String({ description: 'Display name of the person' }),
  relationship: Nullable(Type.String({ description: "A guardian's relationship to the goal's student" })),
  input: Type.Optional(Nullable(Type.String({ description: "The participant's own input (a family's view, ideas, what works at home); not shown to other guardians" }))),
  inputAt: Type.Optional(Nullable(DateTime())),
  createdAt: DateTime(),
  updatedAt: DateTime(),
}, { $id: 'GoalParticipant', additionalProperties: false });
export type GoalParticipant = Static<typeof GoalParticipant>;

export const GoalParticipantCreate = Type.Object({
  participantType: StringEnum(PARTICIPANT_TYPES),
  guardianId: Type.Optional(Uuid({ description: 'For a guardian: one linked to the goal\'s student' })),
  staffId: Type.Optional(Uuid({ description: 'For a staff member: an active one' })),
  studentId: Type.Optional(Uuid({ description: "For the student: the goal's own student (may be left out)" })),
  role: Type.Optional(StringEnum(PARTICIPANT_ROLES, { description: 'Defaults to "self" for the student and "partner" otherwise; "self" is only for the student' })),
}, { $id: 'GoalParticipantCreate', additionalProperties: false });
export type GoalParticipantCreate = Static<typeof GoalParticipantCreate>;

export const GoalParticipantInput = Type.Object({
  input: Nullable(Text(4000, { description: 'null clears the input' })),
}, { $id: 'GoalParticipantInput', additionalProperties: false });
export type GoalParticipantInput = Static<typeof GoalParticipantInput>;

export const GoalStrategy = Type.Object({
  id: Uuid(),
  goalId: Uuid(),
  resourceId: Uuid(),
  resourceTitle: Type.String(),
  resourceKind: Type.String(),
  usedAt: StringEnum(USED_AT),
  notes: Nullable(Type.String()),
  createdAt: DateTime(),
  updatedAt: DateTime(),
}, { $id: 'GoalStrategy', additionalProperties: false });
export type GoalStrategy = Static<typeof GoalStrategy>;

export const GoalStrategyCreate = Type.Object({
  resourceId: Uuid({ description: 'A strategy resource that is not archived' }),
  usedAt: Type.Optional(StringEnum(USED_AT, { default: 'both' })),
  notes: Type.Optional(Nullable(Text(4000))),
}, { $id: 'GoalStrategyCreate', additionalProperties: false });
export type GoalStrategyCreate = Static<typeof GoalStrategyCreate>;

export const GoalStrategyPatch = Type.Partial(Type.Object({
  usedAt: StringEnum(USED_AT),
  notes: Nullable(Text(4000)),
}), { $id: 'GoalStrategyPatch', additionalProperties: false, minProperties: 1 });
export type GoalStrategyPatch = Static<typeof GoalStrategyPatch>;

export const GoalPartListQuery = ListQuery({});
export type GoalPartListQuery = Static<typeof GoalPartListQuery>;

export const ParticipantParams = Type.Object({ id: Uuid(), participantId: Uuid() }, { additionalProperties: false });
export const StrategyParams = Type.Object({ id: Uuid(), strategyId: Uuid() }, { additionalProperties: false });
