// SQL for schools: orgs of type school, filters and name-ordered keyset paging.
import type { Selectable } from 'kysely';
import type { Executor } from '../../db/database.ts';
import type { Orgs } from '../../db/types.ts';
import type { CursorKey } from '../../http/paging.ts';
import { afterTitle, containsPattern } from '../students/roster-common.ts';
import type { SchoolListQuery } from './schemas.ts';

export type SchoolRow = Selectable<Orgs>;

function schools(db: Executor) {
  return db.selectFrom('orgs as o').selectAll('o').where('o.type', '=', 'school');
}

export async function findSchool(db: Executor, id: string): Promise<SchoolRow | undefined> {
  return schools(db).where('o.id', '=', id).executeTakeFirst();
}

export async function listSchoolRows(db: Executor, filter: SchoolListQuery, after: CursorKey | undefined, limit: number): Promise<SchoolRow[]> {
  let query = schools(db);
  if (filter.status) query = query.where('o.status', '=', filter.status);
  if (filter.updatedSince) query = query.where('o.updatedAt', '>=', new Date(filter.updatedSince));
  if (filter.q) query = query.where('o.name', 'ilike', containsPattern(filter.q));
  if (after) query = query.where(afterTitle('o.name', 'o.id', after));
  return query.orderBy('o.name').orderBy('o.id').limit(limit + 1).execute();
}

/** True when the id names a school (active or not). */
export async function schoolExists(db: Executor, id: string): Promise<boolean> {
  return (await schools(db).where('o.id', '=', id).executeTakeFirst()) !== undefined;
}

/** Schools by id (directory data). */
export async function findSchoolRows(db: Executor, ids: string[]): Promise<SchoolRow[]> {
  if (ids.length === 0) return [];
  return schools(db).where('o.id', 'in', ids).execute();
}
