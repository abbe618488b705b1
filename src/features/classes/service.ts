// Class rules: who sees which classes (in SQL, through canSeeClass); classes are read-only here (the SIS owns them).
import { assertScope } from '../../auth/policy.ts';
import type { ServiceContext } from '../../http/context.ts';
import { NotFoundError } from '../../http/errors.ts';
import { decodeCursor, pageLimit, toPage, type Page } from '../../http/paging.ts';
import { metadataToApi, rosterFieldsToApi } from '../students/roster-common.ts';
import { byIds, distinct, listsByParent, pagesByParent, type RelationPage } from '../../db/batch.ts';
import { findClass, findClassRows, listClassRows, listClassRowsOfSchools, listClassRowsOfStudents, type ClassRow } from './queries.ts';
import type { Class, ClassListQuery } from './schemas.ts';

/** The class visibility expression, for other roster features composing it into their SQL. */

export function classRowToApi(row: ClassRow): Class {
  return Object.assign(rosterFieldsToApi(row), {
    title: row.title,
    classCode: row.classCode,
    classType: row.classType as Class['classType'],
    location: row.location,
    courseId: row.courseId,
    schoolId: row.schoolId,
    grades: row.grades,
    subjects: row.subjects,
    periods: row.periods,
    metadata: metadataToApi(row.metadata),
  });
}

export async function listClasses(ctx: ServiceContext, query: ClassListQuery): Promise<Page<Class>> {
  assertScope(ctx.principal, 'roster', 'read');
  const limit = pageLimit(query);
  const rows = await listClassRows(ctx.db, ctx.principal, query, decodeCursor(query.cursor), limit);
  return toPage(rows, limit, (r) => [r.title, r.id], classRowToApi);
}

export async function getClass(ctx: ServiceContext, id: string): Promise<Class> {
  assertScope(ctx.principal, 'roster', 'read');
  const row = await findClass(ctx.db, ctx.principal, id);
  if (!row) throw new NotFoundError('Class', id);
  return classRowToApi(row);
}

/** Visible classes by id, in the order of the ids (null where not visible). */
export async function getClassesByIds(ctx: ServiceContext, ids: readonly string[]): Promise<Array<Class | null>> {
  assertScope(ctx.principal, 'roster', 'read');
  return byIds(ids, await findClassRows(ctx.db, ctx.principal, distinct(ids)), classRowToApi);
}

/** The visible classes each student is actively enrolled in (one query for all the students). */
export async function listClassesOfStudents(ctx: ServiceContext, studentIds: readonly string[]): Promise<Class[][]> {
  assertScope(ctx.principal, 'roster', 'read');
  const rows = await listClassRowsOfStudents(ctx.db, ctx.principal, distinct(studentIds));
  return listsByParent(studentIds, rows, (r) => r.parentId, classRowToApi);
}

/** Each school's visible classes by title, one page per school (one query). */
export async function listClassesOfSchools(ctx: ServiceContext, schoolIds: readonly string[], params: RelationPage): Promise<Array<Page<Class>>> {
  assertScope(ctx.principal, 'roster', 'read');
  const limit = pageLimit(params);
  const rows = await listClassRowsOfSchools(ctx.db, ctx.principal, distinct(schoolIds), decodeCursor(params.cursor), limit);
  return pagesByParent(schoolIds, rows, (r) => r.schoolId, limit, (r) => [r.title, r.id], classRowToApi);
}
