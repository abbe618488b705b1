// Family rules: households of visible students (and a guardian's own), members filtered by visibility, audited reads.
import { audit, type AuditRecord } from '../../auth/audit.ts';
import { assertScope, familyOnly } from '../../auth/policy.ts';
import { inTransaction, type ServiceContext } from '../../http/context.ts';
import { NotFoundError } from '../../http/errors.ts';
import { decodeCursor, pageLimit, toPage, type Page } from '../../http/paging.ts';
import { assertRosterCreator, rosterFieldsToApi } from '../students/roster-common.ts';
import { byIds, distinct } from '../../db/batch.ts';
import { familyExists, findFamily, findFamilyRows, insertFamily, listFamilyRows, type FamilyRow } from './queries.ts';
import type { Family, FamilyCreate, FamilyListQuery } from './schemas.ts';

const RECORD = 'family';

export function familyRowToApi(row: FamilyRow, forFamily: boolean): Family {
  return Object.assign(rosterFieldsToApi({ ...row, sisModifiedAt: row.sisModifiedAt }), {
    name: row.name,
    ...(forFamily ? {} : { notes: row.notes }),
    guardianIds: row.guardianIds,
    studentIds: row.studentIds,
  });
}

/** One audit row per family and student it shows (a family with no visible student: one row without a student). */
function auditRecords(action: 'read' | 'list', families: Family[]): AuditRecord[] {
  return families.flatMap((f) => (f.studentIds.length === 0 ? [null] : f.studentIds)
    .map((studentId) => ({ action, recordType: RECORD, recordId: f.id, studentId })));
}

export async function listFamilies(ctx: ServiceContext, query: FamilyListQuery): Promise<Page<Family>> {
  assertScope(ctx.principal, 'roster', 'read');
  const limit = pageLimit(query);
  const rows = await listFamilyRows(ctx.db, ctx.principal, query, decodeCursor(query.cursor), limit);
  const page = toPage(rows, limit, (r) => [r.name, r.id], (r) => familyRowToApi(r, familyOnly(ctx.principal)));
  await audit(ctx, auditRecords('list', page.data));
  return page;
}

export async function getFamily(ctx: ServiceContext, id: string): Promise<Family> {
  assertScope(ctx.principal, 'roster', 'read');
  const row = await findFamily(ctx.db, ctx.principal, id);
  if (!row) throw new NotFoundError('Family', id);
  const family = familyRowToApi(row, familyOnly(ctx.principal));
  await audit(ctx, auditRecords('read', [family]));
  return family;
}

export async function createFamily(ctx: ServiceContext, input: FamilyCreate): Promise<Family> {
  assertRosterCreator(ctx.principal, 'families');
  return inTransaction(ctx, async (tx) => {
    const id = await insertFamily(tx.db, { source: 'local', name: input.name, notes: input.notes ?? null, sourcedId: input.sourcedId ?? null });
    await audit(tx, [{ action: 'create', recordType: RECORD, recordId: id, studentId: null }]);
    return familyRowToApi((await findFamily(tx.db, tx.principal, id))!, false);
  });
}

/** For other roster features: does this id name a family? */
export async function isFamily(ctx: ServiceContext, id: string): Promise<boolean> {
  return familyExists(ctx.db, id);
}

/** Visible families by id, in the order of the ids (null where not visible); one audited read. */
export async function getFamiliesByIds(ctx: ServiceContext, ids: readonly string[]): Promise<Array<Family | null>> {
  assertScope(ctx.principal, 'roster', 'read');
  const rows = await findFamilyRows(ctx.db, ctx.principal, distinct(ids));
  const families = rows.map((r) => familyRowToApi(r, familyOnly(ctx.principal)));
  await audit(ctx, auditRecords('read', families));
  return byIds(ids, families, (f) => f);
}
