// Contact log rules: who may log, read, change and delete contacts, and what guardians see.
import { assertScope, familyOnly, mayEditAuthored } from '../../auth/policy.ts';
import { audit } from '../../auth/audit.ts';
import { inTransaction, type ServiceContext } from '../../http/context.ts';
import { assertIfMatch } from '../../http/etag.ts';
import { ForbiddenError, NotFoundError } from '../../http/errors.ts';
import { decodeCursor, pageLimit, toPage, type Page } from '../../http/paging.ts';
import { distinct, pagesByParent, type RelationPage } from '../../db/batch.ts';
import { assertGuardiansLinked, assertStudentReference, resolveStaffAuthor } from '../students/references.ts';
import {
  deleteContactLogRow, findContactLog, insertContactLog, listContactLogRows, listContactLogRowsOfStudents, replaceContactLogGuardians,
  updateContactLogRow, type ContactLogRelationFilter, type ContactLogRow,
} from './queries.ts';
import type { ContactLog, ContactLogCreate, ContactLogListQuery, ContactLogPatch } from './schemas.ts';

const RECORD = 'contactLog';

export function contactLogRowToApi(row: ContactLogRow, forFamily: boolean): ContactLog {
  return {
    id: row.id,
    studentId: row.studentId,
    authorId: row.authorId,
    guardianIds: row.guardianIds,
    occurredAt: row.occurredAt.toISOString(),
    channel: row.channel as ContactLog['channel'],
    direction: row.direction as ContactLog['direction'],
    purpose: row.purpose as ContactLog['purpose'],
    summary: row.summary,
    familyInput: row.familyInput,
    ...(forFamily ? {} : { staffNote: row.staffNote }),
    language: row.language,
    interpreterUsed: row.interpreterUsed,
    durationMinutes: row.durationMinutes,
    followUpDue: row.followUpDue,
    followUpDoneAt: row.followUpDoneAt?.toISOString() ?? null,
    visibility: row.visibility,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export async function listContactLogs(ctx: ServiceContext, query: ContactLogListQuery): Promise<Page<ContactLog>> {
  assertScope(ctx.principal, 'partnership', 'read');
  const limit = pageLimit(query);
  const rows = await listContactLogRows(ctx.db, ctx.principal, query, decodeCursor(query.cursor), limit);
  const page = toPage(rows, limit, (r) => [r.cursorAt, r.id], (r) => contactLogRowToApi(r, familyOnly(ctx.principal)));
  await audit(ctx, page.data.map((r) => ({ action: 'list', recordType: RECORD, recordId: r.id, studentId: r.studentId })));
  return page;
}

export async function getContactLog(ctx: ServiceContext, id: string): Promise<ContactLog> {
  assertScope(ctx.principal, 'partnership', 'read');
  const row = await findContactLog(ctx.db, ctx.principal, id);
  if (!row) throw new NotFoundError('Contact log', id);
  await audit(ctx, [{ action: 'read', recordType: RECORD, recordId: id, studentId: row.studentId }]);
  return contactLogRowToApi(row, familyOnly(ctx.principal));
}

export async function createContactLog(ctx: ServiceContext, input: ContactLogCreate): Promise<ContactLog> {
  assertScope(ctx.principal, 'partnership', 'write');
  if (ctx.principal.role === 'guardian') throw new ForbiddenError('Guardians cannot log contacts');
  return inTransaction(ctx, async (tx) => {
    await assertStudentReference(tx, input.studentId);
    const authorId = await resolveStaffAuthor(tx, input.authorId);
    const guardianIds = input.guardianIds ?? [];
    await assertGuardiansLinked(tx, input.studentId, guardianIds);
    const id = await insertContactLog(tx.db, {
      studentId: input.studentId,
      authorId,
      occurredAt: input.occurredAt,
      channel: input.channel,
      direction: input.direction ?? 'outbound',
      purpose: input.purpose,
      summary: input.summary,
      familyInput: input.familyInput ?? null,
      staffNote: input.staffNote ?? null,
      language: input.language ?? null,
      interpreterUsed: input.interpreterUsed ?? false,
      durationMinutes: input.durationMinutes ?? null,
      followUpDue: input.followUpDue ?? null,
      followUpDoneAt: input.followUpDoneAt ?? null,
      visibility: input.visibility ?? 'staff',
    }, guardianIds);
    await audit(tx, [{ action: 'create', recordType: RECORD, recordId: id, studentId: input.studentId }]);
    tx.publish?.({ topic: 'contactLogged', studentId: input.studentId, recordId: id });
    const row = await findContactLog(tx.db, tx.principal, id);
    if (!row) throw new NotFoundError('Contact log', id);
    return contactLogRowToApi(row, false);
  });
}

/** Loads the log for a write, locked, checking visibility, authorship and If-Match. */
async function loadForWrite(tx: ServiceContext, id: string, ifMatch: string | undefined): Promise<ContactLogRow> {
  assertScope(tx.principal, 'partnership', 'write');
  const row = await findContactLog(tx.db, tx.principal, id, true);
  if (!row) throw new NotFoundError('Contact log', id);
  if (!mayEditAuthored(tx.principal, row.authorId)) throw new ForbiddenError('Only the author or an administrator may change this contact log');
  assertIfMatch(ifMatch, contactLogRowToApi(row, familyOnly(tx.principal)));
  return row;
}

export async function updateContactLog(ctx: ServiceContext, id: string, patch: ContactLogPatch, ifMatch?: string): Promise<ContactLog> {
  return inTransaction(ctx, async (tx) => {
    const row = await loadForWrite(tx, id, ifMatch);
    const { guardianIds, ...fields } = patch;
    if (guardianIds !== undefined) {
      await assertGuardiansLinked(tx, row.studentId, guardianIds);
      await replaceContactLogGuardians(tx.db, id, row.studentId, guardianIds);
    }
    await updateContactLogRow(tx.db, id, fields);
    await audit(tx, [{ action: 'update', recordType: RECORD, recordId: id, studentId: row.studentId }]);
    const updated = await findContactLog(tx.db, tx.principal, id);
    if (!updated) throw new NotFoundError('Contact log', id);
    return contactLogRowToApi(updated, familyOnly(tx.principal));
  });
}

export async function deleteContactLog(ctx: ServiceContext, id: string, ifMatch?: string): Promise<void> {
  await inTransaction(ctx, async (tx) => {
    const row = await loadForWrite(tx, id, ifMatch);
    await deleteContactLogRow(tx.db, id);
    await audit(tx, [{ action: 'delete', recordType: RECORD, recordId: id, studentId: row.studentId }]);
  });
}

/** Each student's visible contact logs, newest first, one page per student (one query, one audit insert). */
export async function listContactLogsOfStudents(ctx: ServiceContext, studentIds: readonly string[], filter: ContactLogRelationFilter,
  params: RelationPage): Promise<Array<Page<ContactLog>>> {
  assertScope(ctx.principal, 'partnership', 'read');
  const limit = pageLimit(params);
  const rows = await listContactLogRowsOfStudents(ctx.db, ctx.principal, distinct(studentIds), filter, decodeCursor(params.cursor), limit);
  const pages = pagesByParent(studentIds, rows, (r) => r.studentId, limit, (r) => [r.cursorAt, r.id], (r) => contactLogRowToApi(r, familyOnly(ctx.principal)));
  await audit(ctx, pages.flatMap((p) => p.data).map((r) => ({ action: 'list', recordType: RECORD, recordId: r.id, studentId: r.studentId })));
  return pages;
}

export { visibleContactLogs } from './queries.ts';
