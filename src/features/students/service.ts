// Student rules: visibility through the policy, audited reads, local students by district admins, local fields on SIS rows.
import { audit } from '../../auth/audit.ts';
import { assertScope, familyOnly, isStaff } from '../../auth/policy.ts';
import { inTransaction, type ServiceContext } from '../../http/context.ts';
import { assertIfMatch } from '../../http/etag.ts';
import { ForbiddenError, NotFoundError, UnprocessableError, type FieldError } from '../../http/errors.ts';
import { decodeCursor, pageLimit, toPage, type Page } from '../../http/paging.ts';
import { isFamily } from '../families/service.ts';
import { isSchool } from '../schools/service.ts';
import { isActiveStaff } from '../staff/service.ts';
import { byIds, distinct, pagesByParent, type RelationPage } from '../../db/batch.ts';
import { findStudent, findStudentRows, insertStudent, listStudentRows, listStudentRowsOfClasses, setPrimarySchool, updateStudentRow, type StudentRow } from './queries.ts';
import { assertOnlyLocalFields, assertRosterCreator, metadataToApi, personCursor, rosterFieldsToApi } from './roster-common.ts';
import { STUDENT_LOCAL_FIELDS, type Student, type StudentCreate, type StudentListQuery, type StudentPatch } from './schemas.ts';

const RECORD = 'student';

export function studentRowToApi(row: StudentRow, forFamily: boolean): Student {
  return Object.assign(rosterFieldsToApi(row), {
    givenName: row.givenName,
    familyName: row.familyName,
    middleName: row.middleName,
    preferredFirstName: row.preferredFirstName,
    identifier: row.identifier,
    username: row.username,
    email: row.email,
    grade: row.grade,
    birthDate: row.birthDate,
    schoolId: row.schoolId,
    familyId: row.familyId,
    caseManagerId: row.caseManagerId,
    ...(forFamily ? {} : { metadata: metadataToApi(row.metadata) }),
  });
}

export async function listStudents(ctx: ServiceContext, query: StudentListQuery): Promise<Page<Student>> {
  assertScope(ctx.principal, 'roster', 'read');
  const limit = pageLimit(query);
  const rows = await listStudentRows(ctx.db, ctx.principal, query, decodeCursor(query.cursor), limit);
  const page = toPage(rows, limit, personCursor, (r) => studentRowToApi(r, familyOnly(ctx.principal)));
  await audit(ctx, page.data.map((s) => ({ action: 'list', recordType: RECORD, recordId: s.id, studentId: s.id })));
  return page;
}

export async function getStudent(ctx: ServiceContext, id: string): Promise<Student> {
  assertScope(ctx.principal, 'roster', 'read');
  const row = await findStudent(ctx.db, ctx.principal, id);
  if (!row) throw new NotFoundError('Student', id);
  await audit(ctx, [{ action: 'read', recordType: RECORD, recordId: id, studentId: id }]);
  return studentRowToApi(row, familyOnly(ctx.principal));
}

/** The references a student write names must exist: a school, a family, an active staff member. */
async function assertStudentReferences(ctx: ServiceContext, input: { schoolId?: string | null; familyId?: string | null; caseManagerId?: string | null }): Promise<void> {
  const errors: FieldError[] = [];
  if (input.schoolId && !(await isSchool(ctx, input.schoolId))) errors.push({ path: '/body/schoolId', message: 'is not a school' });
  if (input.familyId && !(await isFamily(ctx, input.familyId))) errors.push({ path: '/body/familyId', message: 'is not a family' });
  if (input.caseManagerId && !(await isActiveStaff(ctx, input.caseManagerId))) errors.push({ path: '/body/caseManagerId', message: 'is not an active staff member' });
  if (errors.length > 0) throw new UnprocessableError('A referenced record does not exist', errors);
}

export async function createStudent(ctx: ServiceContext, input: StudentCreate): Promise<Student> {
  assertRosterCreator(ctx.principal, 'students');
  return inTransaction(ctx, async (tx) => {
    await assertStudentReferences(tx, input);
    const { metadata, ...fields } = input;
    const id = await insertStudent(tx.db, { ...fields, source: 'local', metadata: JSON.stringify(metadata ?? {}) });
    await audit(tx, [{ action: 'create', recordType: RECORD, recordId: id, studentId: id }]);
    return studentRowToApi((await findStudent(tx.db, tx.principal, id))!, false);
  });
}

/**
 * Students are changed by administrators (district admins, school admins of the student's school) and roster:write
 * integrations; teachers and guardians read them. On SIS students only local fields change.
 */
export async function updateStudent(ctx: ServiceContext, id: string, patch: StudentPatch, ifMatch?: string): Promise<Student> {
  assertScope(ctx.principal, 'roster', 'write');
  return inTransaction(ctx, async (tx) => {
    const row = await findStudent(tx.db, tx.principal, id, true);
    if (!row) throw new NotFoundError('Student', id);
    if (tx.principal.role === 'teacher' || tx.principal.role === 'guardian') throw new ForbiddenError('Only administrators change student records');
    assertIfMatch(ifMatch, studentRowToApi(row, false));
    assertOnlyLocalFields(row.source, patch, STUDENT_LOCAL_FIELDS);
    await assertStudentReferences(tx, patch);
    const { metadata, ...fields } = patch;
    await updateStudentRow(tx.db, id, { ...fields, ...(metadata === undefined ? {} : { metadata: JSON.stringify(metadata) }) });
    if (patch.schoolId !== undefined && patch.schoolId !== row.schoolId) await setPrimarySchool(tx.db, id, patch.schoolId);
    await audit(tx, [{ action: 'update', recordType: RECORD, recordId: id, studentId: id }]);
    const updated = await findStudent(tx.db, { ...tx.principal, role: 'district_admin' }, id);
    return studentRowToApi(updated!, false);
  });
}

/**
 * May the caller change what is recorded about this student (add a guardian, change a link)? Staff who see the
 * student (admins of its school, its teachers and assigned staff), district admins and roster:write integrations.
 * Invisible students are 404; guardians are 403.
 */
export async function assertMayEditStudent(ctx: ServiceContext, studentId: string): Promise<StudentRow> {
  assertScope(ctx.principal, 'roster', 'write');
  const row = await findStudent(ctx.db, ctx.principal, studentId);
  if (!row) throw new NotFoundError('Student', studentId);
  if (!isStaff(ctx.principal) && ctx.principal.role !== 'integration') throw new ForbiddenError('Guardians cannot change a student\'s guardians');
  return row;
}

/** For other roster features: the student, if the caller may see it (not audited; the caller audits what it returns). */
export async function findVisibleStudent(ctx: ServiceContext, studentId: string): Promise<StudentRow | undefined> {
  return findStudent(ctx.db, ctx.principal, studentId);
}

/** Students by id as the caller may see them (null where not visible), in the order of the ids; one audited read. */
export async function getStudentsByIds(ctx: ServiceContext, ids: readonly string[]): Promise<Array<Student | null>> {
  assertScope(ctx.principal, 'roster', 'read');
  const rows = await findStudentRows(ctx.db, ctx.principal, distinct(ids));
  await audit(ctx, rows.map((r) => ({ action: 'read', recordType: RECORD, recordId: r.id, studentId: r.id })));
  return byIds(ids, rows, (r) => studentRowToApi(r, familyOnly(ctx.principal)));
}

/** Each class's visible, actively enrolled students by name, one page per class (one query, one audit insert). */
export async function listStudentsOfClasses(ctx: ServiceContext, classIds: readonly string[], params: RelationPage): Promise<Array<Page<Student>>> {
  assertScope(ctx.principal, 'roster', 'read');
  const limit = pageLimit(params);
  const rows = await listStudentRowsOfClasses(ctx.db, ctx.principal, distinct(classIds), decodeCursor(params.cursor), limit);
  const pages = pagesByParent(classIds, rows, (r) => r.parentId, limit, personCursor, (r) => studentRowToApi(r, familyOnly(ctx.principal)));
  await audit(ctx, pages.flatMap((p) => p.data).map((s) => ({ action: 'list', recordType: RECORD, recordId: s.id, studentId: s.id })));
  return pages;
}
