// Guardian shapes (TypeBox): the API representation, the create and merge-patch bodies, and the list filters.
import { Type, type Static } from '@sinclair/typebox';
import { DateTime, Email, LanguageTag, ListQuery, Nullable, Phone, StringEnum, Text, Uuid } from '../../http/schemas.ts';
import { Metadata, rosterFields, STATUSES } from '../students/roster-common.ts';

export const CHANNELS = ['phone', 'email', 'text', 'app_message', 'in_person', 'note_home', 'video'] as const;

export const Guardian = Type.Object({
  ...rosterFields,
  givenName: Type.String(),
  familyName: Type.String(),
  email: Type.Optional(Nullable(Type.String())),
  phone: Type.Optional(Nullable(Type.String({ description: 'E.164 voice number' }))),
  smsPhone: Type.Optional(Nullable(Type.String({ description: 'E.164 number for text messages' }))),
  familyId: Nullable(Uuid()),
  preferredLanguage: Nullable(Type.String({ description: 'BCP 47 (local field)' })),
  preferredChannel: Nullable(StringEnum(CHANNELS, { description: 'Local field' })),
  needsInterpreter: Type.Boolean({ description: 'Local field' }),
  contactNotes: Type.Optional(Nullable(Type.String({ description: 'Staff-only notes on reaching this guardian (local field)' }))),
  metadata: Type.Optional(Metadata()),
}, {
  $id: 'Guardian', additionalProperties: false,
  description: 'Guardians see email and phones only of themselves and of guardians of their own family; contactNotes and metadata are staff-only',
});
export type Guardian = Static<typeof Guardian>;

const name = Text(200, { minLength: 1 });
export const guardianWritable = {
  givenName: name,
  familyName: name,
  email: Nullable(Email()),
  phone: Nullable(Phone()),
  smsPhone: Nullable(Phone()),
  familyId: Nullable(Uuid()),
  preferredLanguage: Nullable(LanguageTag()),
  preferredChannel: Nullable(StringEnum(CHANNELS)),
  needsInterpreter: Type.Boolean(),
  contactNotes: Nullable(Text(4000)),
  metadata: Metadata(),
};

/** Fields this service owns on every guardian, SIS-sourced or not. */
export const GUARDIAN_LOCAL_FIELDS = ['preferredLanguage', 'preferredChannel', 'needsInterpreter', 'contactNotes'] as const;
/** What guardians may change about themselves. */
export const GUARDIAN_SELF_FIELDS = ['preferredLanguage', 'preferredChannel', 'needsInterpreter'] as const;

export const GuardianCreate = Type.Object({
  ...Type.Partial(Type.Object({ ...guardianWritable, sourcedId: Text(200, { minLength: 1 }) })).properties,
  givenName: name,
  familyName: name,
}, { $id: 'GuardianCreate', additionalProperties: false });
export type GuardianCreate = Static<typeof GuardianCreate>;

export const GuardianPatch = Type.Partial(Type.Object({ ...guardianWritable, status: StringEnum(STATUSES) }), {
  $id: 'GuardianPatch', additionalProperties: false, minProperties: 1,
  description: 'JSON merge patch. On SIS guardians only preferredLanguage, preferredChannel, needsInterpreter and contactNotes '
    + 'change (other fields: 422 "is managed by the SIS"). Guardians change only their own language, channel and interpreter need; '
    + 'familyId and status are for administrators.',
});
export type GuardianPatch = Static<typeof GuardianPatch>;

export const GuardianListQuery = ListQuery({
  studentId: Uuid({ description: 'Guardians with an active link to this student' }),
  familyId: Uuid(),
  status: StringEnum(STATUSES),
  q: Text(200, { minLength: 1, description: 'Words in the name' }),
  updatedSince: DateTime(),
});
export type GuardianListQuery = Static<typeof GuardianListQuery>;
