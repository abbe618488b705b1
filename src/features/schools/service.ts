// School rules: schools are directory data every signed-in person may read; integrations need roster:read.
import { assertScope } from '../../auth/policy.ts';
import type { ServiceContext } from '../../http/context.ts';
import { NotFoundError } from '../../http/errors.ts';
import { decodeCursor, pageLimit, toPage, type Page } from '../../http/paging.ts';
import { metadataToApi, rosterFieldsToApi } from '../students/roster-common.ts';
import { byIds, distinct } from '../../db/batch.ts';
import { findSchool, findSchoolRows, listSchoolRows, schoolExists, type SchoolRow } from './queries.ts';
import type { School, SchoolListQuery } from './schemas.ts';

export function schoolRowToApi(row: SchoolRow): School {
  return Object.assign(rosterFieldsToApi(row), {
    name: row.name,
    identifier: row.identifier,
    districtId: row.parentId,
    metadata: metadataToApi(row.metadata),
  });
}

export async function listSchools(ctx: ServiceContext, query: SchoolListQuery): Promise<Page<School>> {
  assertScope(ctx.principal, 'roster', 'read');
  const limit = pageLimit(query);
  const rows = await listSchoolRows(ctx.db, query, decodeCursor(query.cursor), limit);
  return toPage(rows, limit, (r) => [r.name, r.id], schoolRowToApi);
}

export async function getSchool(ctx: ServiceContext, id: string): Promise<School> {
  assertScope(ctx.principal, 'roster', 'read');
  const row = await findSchool(ctx.db, id);
  if (!row) throw new NotFoundError('School', id);
  return schoolRowToApi(row);
}

/** For other roster features: does this id name a school? */
export async function isSchool(ctx: ServiceContext, id: string): Promise<boolean> {
  return schoolExists(ctx.db, id);
}

/** Schools by id, in the order of the ids (null for ids that are not schools). */
export async function getSchoolsByIds(ctx: ServiceContext, ids: readonly string[]): Promise<Array<School | null>> {
  assertScope(ctx.principal, 'roster', 'read');
  return byIds(ids, await findSchoolRows(ctx.db, distinct(ids)), schoolRowToApi);
}
