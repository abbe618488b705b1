// Student–guardian link rules: who sees a student's guardians, adding a local caregiver, and which flags may change.
import { audit } from '../../auth/audit.ts';
import { assertScope, familyOnly } from '../../auth/policy.ts';
import type { Principal } from '../../auth/principal.ts';
import { inTransaction, type ServiceContext } from '../../http/context.ts';
import { assertIfMatch } from '../../http/etag.ts';
import { NotFoundError } from '../../http/errors.ts';
import { decodeCursor, pageLimit, toPage, type Page } from '../../http/paging.ts';
import { assertMayEditStudent, findVisibleStudent } from '../students/service.ts';
import { assertOnlyLocalFields } from '../students/roster-common.ts';
import { listsByParent } from '../../db/batch.ts';
import { findLink, insertLink, listLinkRows, listLinkRowsOfStudents, updateLinkRow, type LinkRow } from './link-queries.ts';
import {
  LINK_LOCAL_FIELDS, type StudentGuardianCreate, type StudentGuardianLink, type StudentGuardianListQuery, type StudentGuardianPatch,
} from './link-schemas.ts';
import { findGuardians, type GuardianRow } from './queries.ts';
import { guardianRowToApi, insertGuardianRecord } from './service.ts';

const RECORD = 'studentGuardian';

function linkRowToApi(row: LinkRow, guardian: GuardianRow, forFamily: boolean): StudentGuardianLink {
  return {
    id: row.id,
    studentId: row.studentId,
    guardianId: row.guardianId,
    source: row.source,
    status: row.status,
    relationship: row.relationship as StudentGuardianLink['relationship'],
    isPrimary: row.isPrimary,
    livesWith: row.livesWith,
    hasEducationalRights: row.hasEducationalRights,
    mayContact: row.mayContact,
    isEmergencyContact: row.isEmergencyContact,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    guardian: guardianRowToApi(guardian, forFamily),
  };
}

/** Links with their guardians, as the principal sees them (one query for all the guardians). */
async function withGuardians(ctx: ServiceContext, principal: Principal, rows: LinkRow[]): Promise<Map<string, GuardianRow>> {
  const guardians = await findGuardians(ctx.db, principal, rows.map((r) => r.guardianId));
  return new Map(guardians.map((g) => [g.id, g]));
}

async function assertStudentVisible(ctx: ServiceContext, studentId: string): Promise<void> {
  if (!(await findVisibleStudent(ctx, studentId))) throw new NotFoundError('Student', studentId);
}

export async function listStudentGuardians(ctx: ServiceContext, studentId: string, query: StudentGuardianListQuery): Promise<Page<StudentGuardianLink>> {
  assertScope(ctx.principal, 'roster', 'read');
  await assertStudentVisible(ctx, studentId);
  const limit = pageLimit(query);
  const rows = await listLinkRows(ctx.db, ctx.principal, studentId, query.status, decodeCursor(query.cursor), limit);
  const guardians = await withGuardians(ctx, ctx.principal, rows);
  const page = toPage(rows, limit, (r) => [r.cursorAt, r.id],
    (r) => linkRowToApi(r, guardians.get(r.guardianId)!, familyOnly(ctx.principal)));
  await audit(ctx, page.data.map((l) => ({ action: 'list', recordType: RECORD, recordId: l.id, studentId })));
  return page;
}

async function loadLink(ctx: ServiceContext, principal: Principal, studentId: string, guardianId: string, forUpdate = false) {
  const row = await findLink(ctx.db, principal, studentId, guardianId, forUpdate);
  const guardian = row ? (await withGuardians(ctx, principal, [row])).get(guardianId) : undefined;
  if (!row || !guardian) throw new NotFoundError('Guardian link', guardianId);
  return { row, guardian };
}

export async function getStudentGuardian(ctx: ServiceContext, studentId: string, guardianId: string): Promise<StudentGuardianLink> {
  assertScope(ctx.principal, 'roster', 'read');
  await assertStudentVisible(ctx, studentId);
  const { row, guardian } = await loadLink(ctx, ctx.principal, studentId, guardianId);
  await audit(ctx, [{ action: 'read', recordType: RECORD, recordId: row.id, studentId }]);
  return linkRowToApi(row, guardian, familyOnly(ctx.principal));
}

/** A caregiver the SIS does not know: a local guardian in the student's family, linked to the student, in one transaction. */
export async function addStudentGuardian(ctx: ServiceContext, studentId: string, input: StudentGuardianCreate): Promise<StudentGuardianLink> {
  return inTransaction(ctx, async (tx) => {
    const student = await assertMayEditStudent(tx, studentId);
    const { guardian, ...flags } = input;
    const guardianId = await insertGuardianRecord(tx, { ...guardian, familyId: student.familyId });
    await insertLink(tx.db, { studentId, guardianId, source: 'local', status: 'active', ...flags });
    const { row, guardian: created } = await loadLink(tx, tx.principal, studentId, guardianId);
    await audit(tx, [
      { action: 'create', recordType: 'guardian', recordId: guardianId, studentId },
      { action: 'create', recordType: RECORD, recordId: row.id, studentId },
    ]);
    return linkRowToApi(row, created, false);
  });
}

export async function updateStudentGuardian(ctx: ServiceContext, studentId: string, guardianId: string,
  patch: StudentGuardianPatch, ifMatch?: string): Promise<StudentGuardianLink> {
  return inTransaction(ctx, async (tx) => {
    await assertMayEditStudent(tx, studentId);
    const { row, guardian } = await loadLink(tx, tx.principal, studentId, guardianId, true);
    assertIfMatch(ifMatch, linkRowToApi(row, guardian, false));
    assertOnlyLocalFields(row.source, patch, LINK_LOCAL_FIELDS);
    await updateLinkRow(tx.db, row.id, patch);
    await audit(tx, [{ action: 'update', recordType: RECORD, recordId: row.id, studentId }]);
    // Read back as the district sees it: ending a link may take it out of the caller's own view.
    const updated = await loadLink(tx, { ...tx.principal, role: 'district_admin' }, studentId, guardianId);
    return linkRowToApi(updated.row, { ...updated.guardian, contactVisible: guardian.contactVisible }, false);
  });
}

/** Each student's guardian links with their guardians (two queries and one audit insert for all the students). */
export async function listGuardianLinksOfStudents(ctx: ServiceContext, studentIds: readonly string[]): Promise<StudentGuardianLink[][]> {
  assertScope(ctx.principal, 'roster', 'read');
  const rows = await listLinkRowsOfStudents(ctx.db, ctx.principal, [...new Set(studentIds)]);
  const guardians = await withGuardians(ctx, ctx.principal, rows);
  const visible = rows.filter((r) => guardians.has(r.guardianId));
  await audit(ctx, visible.map((r) => ({ action: 'list', recordType: RECORD, recordId: r.id, studentId: r.studentId })));
  return listsByParent(studentIds, visible, (r) => r.studentId, (r) => linkRowToApi(r, guardians.get(r.guardianId)!, familyOnly(ctx.principal)));
}

