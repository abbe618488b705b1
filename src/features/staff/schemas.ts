// Staff shapes (TypeBox): the API representation (guardians get names and roles only), the create body and list filters.
import { Type, type Static } from '@sinclair/typebox';
import { DateTime, Email, ListQuery, Nullable, Phone, StringEnum, Text, Uuid } from '../../http/schemas.ts';
import { Metadata, rosterFields, STATUSES } from '../students/roster-common.ts';

export const STAFF_ROLES = ['teacher', 'aide', 'administrator', 'proctor'] as const;

export const StaffSchool = Type.Object({
  schoolId: Uuid(),
  role: StringEnum(STAFF_ROLES),
  isPrimary: Type.Boolean(),
}, { additionalProperties: false });

const opt = Type.Optional;
export const StaffMember = Type.Object({
  id: Uuid(),
  givenName: Type.String(),
  familyName: Type.String(),
  preferredFirstName: Nullable(Type.String()),
  role: StringEnum(STAFF_ROLES),
  source: opt(rosterFields.source),
  sourcedId: opt(rosterFields.sourcedId),
  status: opt(rosterFields.status),
  sisModifiedAt: opt(rosterFields.sisModifiedAt),
  createdAt: opt(rosterFields.createdAt),
  updatedAt: opt(rosterFields.updatedAt),
  middleName: opt(Nullable(Type.String())),
  identifier: opt(Nullable(Type.String())),
  username: opt(Nullable(Type.String())),
  email: opt(Nullable(Type.String())),
  phone: opt(Nullable(Type.String())),
  schools: opt(Type.Array(StaffSchool, { description: 'Active school memberships' })),
  metadata: opt(Metadata()),
}, {
  $id: 'StaffMember', additionalProperties: false,
  description: 'Guardians see only id, names and role; staff, admins and integrations see every field',
});
export type StaffMember = Static<typeof StaffMember>;

const name = Text(200, { minLength: 1 });
export const StaffCreate = Type.Object({
  givenName: name,
  familyName: name,
  middleName: Type.Optional(Nullable(name)),
  preferredFirstName: Type.Optional(Nullable(name)),
  role: Type.Optional(StringEnum(STAFF_ROLES, { default: 'teacher' })),
  identifier: Type.Optional(Nullable(Text(200))),
  username: Type.Optional(Nullable(Text(200))),
  email: Type.Optional(Nullable(Email())),
  phone: Type.Optional(Nullable(Phone())),
  sourcedId: Type.Optional(Text(200, { minLength: 1 })),
  schools: Type.Optional(Type.Array(Type.Object({
    schoolId: Uuid(),
    role: Type.Optional(StringEnum(STAFF_ROLES)),
    isPrimary: Type.Optional(Type.Boolean()),
  }, { additionalProperties: false }), { maxItems: 50 })),
  metadata: Type.Optional(Metadata()),
}, { $id: 'StaffCreate', additionalProperties: false });
export type StaffCreate = Static<typeof StaffCreate>;

export const StaffListQuery = ListQuery({
  schoolId: Uuid({ description: 'Staff with an active membership in this school' }),
  classId: Uuid({ description: 'Staff actively enrolled in this class' }),
  role: StringEnum(STAFF_ROLES),
  status: StringEnum(STATUSES),
  q: Text(200, { minLength: 1, description: 'Words in the name' }),
  updatedSince: DateTime(),
});
export type StaffListQuery = Static<typeof StaffListQuery>;
