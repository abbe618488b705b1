// Class shapes (TypeBox): the API representation and the list filters.
import { Type, type Static } from '@sinclair/typebox';
import { DateTime, ListQuery, Nullable, StringEnum, Text, Uuid } from '../../http/schemas.ts';
import { Metadata, rosterFields, STATUSES } from '../students/roster-common.ts';

export const Class = Type.Object({
  ...rosterFields,
  title: Type.String(),
  classCode: Nullable(Type.String()),
  classType: StringEnum(['homeroom', 'scheduled'] as const),
  location: Nullable(Type.String()),
  courseId: Nullable(Uuid()),
  schoolId: Uuid(),
  grades: Type.Array(Type.String()),
  subjects: Type.Array(Type.String()),
  periods: Type.Array(Type.String()),
  metadata: Metadata(),
}, { $id: 'Class', additionalProperties: false });
export type Class = Static<typeof Class>;

export const ClassListQuery = ListQuery({
  schoolId: Uuid(),
  staffId: Uuid({ description: 'Classes this staff member teaches (active teacher or aide enrollment)' }),
  studentId: Uuid({ description: 'Classes this student is actively enrolled in' }),
  status: StringEnum(STATUSES),
  q: Text(200, { minLength: 1, description: 'Words in the title or class code' }),
  updatedSince: DateTime(),
});
export type ClassListQuery = Static<typeof ClassListQuery>;
