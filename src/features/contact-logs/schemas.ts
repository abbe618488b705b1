// Contact log shapes (TypeBox): the API representation, create and merge-patch bodies, list filters.
import { Type, type Static } from '@sinclair/typebox';
import { DateOnly, DateTime, LanguageTag, ListQuery, Nullable, StringEnum, Text, Uuid } from '../../http/schemas.ts';

export const CHANNELS = ['phone', 'email', 'text', 'in_person', 'video', 'home_visit', 'note_home', 'app_message', 'other'] as const;
export const DIRECTIONS = ['outbound', 'inbound'] as const;
export const PURPOSES = ['strength', 'concern', 'update', 'input_request', 'plan', 'celebration', 'other'] as const;
export const VISIBILITIES = ['staff', 'family'] as const;

export const ContactLog = Type.Object({
  id: Uuid(),
  studentId: Uuid(),
  authorId: Uuid({ description: 'The staff member who logged the contact' }),
  guardianIds: Type.Array(Uuid(), { description: 'Guardians reached; each is linked to the student' }),
  occurredAt: DateTime(),
  channel: StringEnum(CHANNELS),
  direction: StringEnum(DIRECTIONS),
  purpose: StringEnum(PURPOSES, { description: 'Start with strengths: "strength" and "celebration" are positive contacts' }),
  summary: Type.String({ description: 'What was said, factually' }),
  familyInput: Nullable(Type.String({ description: "What the family shared: their view, ideas and questions" })),
  staffNote: Type.Optional(Nullable(Type.String({ description: 'Staff-only note; never shown to guardians' }))),
  language: Nullable(Type.String({ description: 'BCP 47 tag of the language the contact was held in' })),
  interpreterUsed: Type.Boolean(),
  durationMinutes: Nullable(Type.Integer()),
  followUpDue: Nullable(DateOnly()),
  followUpDoneAt: Nullable(DateTime()),
  visibility: StringEnum(VISIBILITIES, { description: '"family" logs are visible to the student\'s guardians' }),
  createdAt: DateTime(),
  updatedAt: DateTime(),
}, { $id: 'ContactLog', additionalProperties: false });
export type ContactLog = Static<typeof ContactLog>;

const writable = {
  guardianIds: Type.Array(Uuid(), { maxItems: 20, uniqueItems: true }),
  occurredAt: DateTime(),
  channel: StringEnum(CHANNELS),
  direction: StringEnum(DIRECTIONS),
  purpose: StringEnum(PURPOSES),
  summary: Text(4000, { minLength: 1 }),
  familyInput: Nullable(Text(4000)),
  staffNote: Nullable(Text(4000)),
  language: Nullable(LanguageTag()),
  interpreterUsed: Type.Boolean(),
  durationMinutes: Nullable(Type.Integer({ minimum: 0, maximum: 1440 })),
  followUpDue: Nullable(DateOnly()),
  followUpDoneAt: Nullable(DateTime()),
  visibility: StringEnum(VISIBILITIES),
};

export const ContactLogCreate = Type.Object({
  studentId: Uuid(),
  authorId: Type.Optional(Uuid({ description: 'Defaults to the calling staff member; admins and integrations name the author' })),
  ...writable,
  guardianIds: Type.Optional(writable.guardianIds),
  direction: Type.Optional(StringEnum(DIRECTIONS, { default: 'outbound' })),
  familyInput: Type.Optional(writable.familyInput),
  staffNote: Type.Optional(writable.staffNote),
  language: Type.Optional(writable.language),
  interpreterUsed: Type.Optional(Type.Boolean({ default: false })),
  durationMinutes: Type.Optional(writable.durationMinutes),
  followUpDue: Type.Optional(writable.followUpDue),
  followUpDoneAt: Type.Optional(writable.followUpDoneAt),
  visibility: Type.Optional(StringEnum(VISIBILITIES, { default: 'staff' })),
}, { $id: 'ContactLogCreate', additionalProperties: false });
export type ContactLogCreate = Static<typeof ContactLogCreate>;

/** JSON merge patch (RFC 7396): present fields replace, null clears. */
export const ContactLogPatch = Type.Partial(Type.Object(writable), { $id: 'ContactLogPatch', additionalProperties: false, minProperties: 1 });
export type ContactLogPatch = Static<typeof ContactLogPatch>;

export const ContactLogListQuery = ListQuery({
  studentId: Uuid(),
  schoolId: Uuid(),
  classId: Uuid(),
  authorId: Uuid(),
  guardianId: Uuid(),
  purpose: StringEnum(PURPOSES),
  channel: StringEnum(CHANNELS),
  direction: StringEnum(DIRECTIONS),
  visibility: StringEnum(VISIBILITIES),
  from: DateTime({ description: 'occurredAt ≥ from' }),
  to: DateTime({ description: 'occurredAt < to' }),
  updatedSince: DateTime(),
  followUpOpen: Type.Boolean({ description: 'true: follow-up due and not done' }),
  q: Text(200, { minLength: 1, description: 'Words in the summary or family input' }),
});
export type ContactLogListQuery = Static<typeof ContactLogListQuery>;
