// Family (household) shapes (TypeBox): the API representation with its members, the create body and list filters.
import { Type, type Static } from '@sinclair/typebox';
import { DateTime, ListQuery, Nullable, StringEnum, Text, Uuid } from '../../http/schemas.ts';
import { rosterFields, STATUSES } from '../students/roster-common.ts';

export const Family = Type.Object({
  ...rosterFields,
  name: Type.String(),
  notes: Type.Optional(Nullable(Type.String({ description: 'Staff-only notes' }))),
  guardianIds: Type.Array(Uuid(), { description: 'The household\'s guardians the caller may see' }),
  studentIds: Type.Array(Uuid(), { description: 'The household\'s students the caller may see' }),
}, { $id: 'Family', additionalProperties: false });
export type Family = Static<typeof Family>;

export const FamilyCreate = Type.Object({
  name: Text(300, { minLength: 1 }),
  notes: Type.Optional(Nullable(Text(4000))),
  sourcedId: Type.Optional(Text(200, { minLength: 1 })),
}, { $id: 'FamilyCreate', additionalProperties: false });
export type FamilyCreate = Static<typeof FamilyCreate>;

export const FamilyListQuery = ListQuery({
  studentId: Uuid(),
  guardianId: Uuid(),
  status: StringEnum(STATUSES),
  q: Text(200, { minLength: 1, description: 'Words in the name' }),
  updatedSince: DateTime(),
});
export type FamilyListQuery = Static<typeof FamilyListQuery>;
