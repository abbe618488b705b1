// Student shapes (TypeBox): the API representation, the create and merge-patch bodies, and the list filters.
import { Type, type Static } from '@sinclair/typebox';
import { DateOnly, DateTime, Email, ListQuery, Nullable, StringEnum, Text, Uuid } from '../../http/schemas.ts';
import { Metadata, rosterFields, STATUSES } from './roster-common.ts';

export const Student = Type.Object({
  ...rosterFields,
  givenName: Type.String(),
  familyName: Type.String(),
  middleName: Nullable(Type.String()),
  preferredFirstName: Nullable(Type.String()),
  identifier: Nullable(Type.String({ description: 'The student number the district uses' })),
  username: Nullable(Type.String()),
  email: Nullable(Type.String()),
  grade: Nullable(Type.String()),
  birthDate: Nullable(DateOnly()),
  schoolId: Nullable(Uuid({ description: 'The primary school' })),
  familyId: Nullable(Uuid({ description: 'The household; siblings share it' })),
  caseManagerId: Nullable(Uuid({ description: 'A staff member (local field, kept by this service)' })),
  metadata: Type.Optional(Metadata()),
}, { $id: 'Student', additionalProperties: false, description: 'metadata is left out for guardians' });
export type Student = Static<typeof Student>;

const name = Text(200, { minLength: 1 });
const writable = {
  givenName: name,
  familyName: name,
  middleName: Nullable(name),
  preferredFirstName: Nullable(name),
  identifier: Nullable(Text(200)),
  username: Nullable(Text(200)),
  email: Nullable(Email()),
  grade: Nullable(Text(20, { minLength: 1 })),
  birthDate: Nullable(DateOnly()),
  schoolId: Nullable(Uuid()),
  familyId: Nullable(Uuid()),
  caseManagerId: Nullable(Uuid()),
  metadata: Metadata(),
};

export const StudentCreate = Type.Object({
  ...Type.Partial(Type.Object({ ...writable, sourcedId: Text(200, { minLength: 1 }) })).properties,
  givenName: writable.givenName,
  familyName: writable.familyName,
}, { $id: 'StudentCreate', additionalProperties: false });
export type StudentCreate = Static<typeof StudentCreate>;

/** Fields a SIS student keeps here: everything else is the SIS's. */
export const STUDENT_LOCAL_FIELDS = ['caseManagerId'] as const;

export const StudentPatch = Type.Partial(Type.Object({ ...writable, status: StringEnum(STATUSES) }), {
  $id: 'StudentPatch', additionalProperties: false, minProperties: 1,
  description: 'JSON merge patch. On SIS students only caseManagerId may change (other fields: 422 "is managed by the SIS"); on local students every field.',
});
export type StudentPatch = Static<typeof StudentPatch>;

export const StudentListQuery = ListQuery({
  schoolId: Uuid(),
  classId: Uuid({ description: 'Students actively enrolled in this class' }),
  grade: Text(20, { minLength: 1 }),
  familyId: Uuid(),
  guardianId: Uuid({ description: 'Students with an active link to this guardian' }),
  caseManagerId: Uuid(),
  status: StringEnum(STATUSES),
  q: Text(200, { minLength: 1, description: 'Words in the given, preferred or family name' }),
  updatedSince: DateTime(),
});
export type StudentListQuery = Static<typeof StudentListQuery>;
