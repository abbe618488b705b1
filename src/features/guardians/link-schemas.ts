// Student–guardian link shapes (TypeBox): a link with its flags and guardian, the add-a-caregiver body and the flag patch.
import { Type, type Static } from '@sinclair/typebox';
import { DateTime, ListQuery, StringEnum, Uuid } from '../../http/schemas.ts';
import { SOURCES, STATUSES } from '../students/roster-common.ts';
import { guardianWritable } from './schemas.ts';

export const RELATIONSHIPS = ['mother', 'father', 'parent', 'stepparent', 'grandparent', 'foster_parent', 'guardian', 'sibling',
  'aunt_uncle', 'relative', 'other'] as const;

const flags = {
  relationship: StringEnum(RELATIONSHIPS),
  isPrimary: Type.Boolean(),
  livesWith: Type.Boolean(),
  hasEducationalRights: Type.Boolean({ description: 'Grants the guardian access to the student\'s records' }),
  mayContact: Type.Boolean({ description: 'Staff may contact this guardian about the student; grants access to the student' }),
  isEmergencyContact: Type.Boolean(),
};

export const StudentGuardianLink = Type.Object({
  id: Uuid(),
  studentId: Uuid(),
  guardianId: Uuid(),
  source: StringEnum(SOURCES),
  status: StringEnum(STATUSES),
  ...flags,
  createdAt: DateTime(),
  updatedAt: DateTime(),
  guardian: Type.Ref('Guardian'),
}, { $id: 'StudentGuardianLink', additionalProperties: false });
export type StudentGuardianLink = Omit<Static<typeof StudentGuardianLink>, 'guardian'> & { guardian: import('./schemas.ts').Guardian };

export const StudentGuardianCreate = Type.Object({
  guardian: Type.Object({
    givenName: guardianWritable.givenName,
    familyName: guardianWritable.familyName,
    ...Type.Partial(Type.Object({
      email: guardianWritable.email,
      phone: guardianWritable.phone,
      smsPhone: guardianWritable.smsPhone,
      preferredLanguage: guardianWritable.preferredLanguage,
      preferredChannel: guardianWritable.preferredChannel,
      needsInterpreter: guardianWritable.needsInterpreter,
      contactNotes: guardianWritable.contactNotes,
    })).properties,
  }, { additionalProperties: false }),
  ...Type.Partial(Type.Object(flags)).properties,
}, {
  $id: 'StudentGuardianCreate', additionalProperties: false,
  description: 'Creates a local guardian (joining the student\'s family) and its link to the student, in one transaction',
});
export type StudentGuardianCreate = Static<typeof StudentGuardianCreate>;

/** Flags this service owns on SIS links; relationship, hasEducationalRights and status come from the SIS there. */
export const LINK_LOCAL_FIELDS = ['isPrimary', 'livesWith', 'mayContact', 'isEmergencyContact'] as const;

export const StudentGuardianPatch = Type.Partial(Type.Object({ ...flags, status: StringEnum(STATUSES) }), {
  $id: 'StudentGuardianPatch', additionalProperties: false, minProperties: 1,
  description: 'JSON merge patch. On local links every flag and status; on SIS links only isPrimary, livesWith, mayContact '
    + 'and isEmergencyContact (relationship, hasEducationalRights and status: 422 "is managed by the SIS").',
});
export type StudentGuardianPatch = Static<typeof StudentGuardianPatch>;

export const StudentGuardianListQuery = ListQuery({ status: StringEnum(STATUSES) });
export type StudentGuardianListQuery = Static<typeof StudentGuardianListQuery>;

export const LinkParams = Type.Object({ id: Uuid(), guardianId: Uuid() }, { additionalProperties: false });
