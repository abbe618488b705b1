// Enrollment shapes (TypeBox): a student or staff member in a class, and the list filters.
import { Type, type Static } from '@sinclair/typebox';
import { DateOnly, ListQuery, Nullable, StringEnum, Uuid } from '../../http/schemas.ts';
import { Metadata, rosterFields, STATUSES } from '../students/roster-common.ts';

export const ENROLLMENT_ROLES = ['student', 'teacher', 'aide', 'administrator', 'proctor'] as const;

export const Enrollment = Type.Object({
  ...rosterFields,
  classId: Uuid(),
  schoolId: Uuid(),
  role: StringEnum(ENROLLMENT_ROLES),
  studentId: Nullable(Uuid({ description: 'Set when role is student' })),
  staffId: Nullable(Uuid({ description: 'Set for every other role' })),
  isPrimary: Type.Boolean(),
  beginDate: Nullable(DateOnly()),
  endDate: Nullable(DateOnly()),
  metadata: Metadata(),
}, { $id: 'Enrollment', additionalProperties: false });
export type Enrollment = Static<typeof Enrollment>;

export const EnrollmentListQuery = ListQuery({
  classId: Uuid(),
  studentId: Uuid(),
  staffId: Uuid(),
  schoolId: Uuid(),
  role: StringEnum(ENROLLMENT_ROLES),
  status: StringEnum(STATUSES),
});
export type EnrollmentListQuery = Static<typeof EnrollmentListQuery>;
