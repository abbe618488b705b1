// School shapes (TypeBox): orgs of type school, and the list filters.
import { Type, type Static } from '@sinclair/typebox';
import { DateTime, ListQuery, Nullable, StringEnum, Text, Uuid } from '../../http/schemas.ts';
import { Metadata, rosterFields, STATUSES } from '../students/roster-common.ts';

export const School = Type.Object({
  ...rosterFields,
  name: Type.String(),
  identifier: Nullable(Type.String({ description: 'The school number the district uses' })),
  districtId: Nullable(Uuid({ description: 'The parent org (the district)' })),
  metadata: Metadata(),
}, { $id: 'School', additionalProperties: false });
export type School = Static<typeof School>;

export const SchoolListQuery = ListQuery({
  q: Text(200, { minLength: 1, description: 'Words in the name' }),
  status: StringEnum(STATUSES),
  updatedSince: DateTime(),
});
export type SchoolListQuery = Static<typeof SchoolListQuery>;
