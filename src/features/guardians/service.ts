// Guardian rules: who sees which guardians and their contact details, local guardians, and local fields on SIS rows.
import { audit } from '../../auth/audit.ts';
import { assertScope, familyOnly } from '../../auth/policy.ts';
import { inTransaction, type ServiceContext } from '../../http/context.ts';
import { assertIfMatch } from '../../http/etag.ts';
import { ForbiddenError, NotFoundError, UnprocessableError } from '../../http/errors.ts';
import { decodeCursor, pageLimit, toPage, type Page } from '../../http/paging.ts';
import { isFamily } from '../families/service.ts';
import { assertOnlyLocalFields, assertRosterCreator, metadataToApi, personCursor, rosterFieldsToApi } from '../students/roster-common.ts';
import { byIds, distinct } from '../../db/batch.ts';
import { findGuardian, findGuardians, insertGuardian, listGuardianRows, updateGuardianRow, type GuardianRow } from './queries.ts';
import {
  GUARDIAN_LOCAL_FIELDS, GUARDIAN_SELF_FIELDS, type Guardian, type GuardianCreate, type GuardianListQuery, type GuardianPatch,
} from './schemas.ts';

const RECORD = 'guardian';


export function guardianRowToApi(row: GuardianRow, forFamily: boolean): Guardian {
  return Object.assign(rosterFieldsToApi(row), {
    givenName: row.givenName,
    familyName: row.familyName,
    familyId: row.familyId,
    preferredLanguage: row.preferredLanguage,
    preferredChannel: row.preferredChannel as Guardian['preferredChannel'],
    needsInterpreter: row.needsInterpreter,
    ...(forFamily ? {} : { contactNotes: row.contactNotes, metadata: metadataToApi(row.metadata) }),
    ...(row.contactVisible ? { email: row.email, phone: row.phone, smsPhone: row.smsPhone } : {}),
  });
}

export async function listGuardians(ctx: ServiceContext, query: GuardianListQuery): Promise<Page<Guardian>> {
  assertScope(ctx.principal, 'roster', 'read');
  const limit = pageLimit(query);
  const rows = await listGuardianRows(ctx.db, ctx.principal, query, decodeCursor(query.cursor), limit);
  const page = toPage(rows, limit, personCursor, (r) => guardianRowToApi(r, familyOnly(ctx.principal)));
  await audit(ctx, page.data.map((g) => ({ action: 'list', recordType: RECORD, recordId: g.id, studentId: query.studentId ?? null })));
  return page;
}

export async function getGuardian(ctx: ServiceContext, id: string): Promise<Guardian> {
  assertScope(ctx.principal, 'roster', 'read');
  const row = await findGuardian(ctx.db, ctx.principal, id);
  if (!row) throw new NotFoundError('Guardian', id);
  await audit(ctx, [{ action: 'read', recordType: RECORD, recordId: id, studentId: null }]);
  return guardianRowToApi(row, familyOnly(ctx.principal));
}

async function assertFamilyReference(ctx: ServiceContext, familyId: string | null | undefined): Promise<void> {
  if (familyId && !(await isFamily(ctx, familyId))) {
    throw new UnprocessableError('No such family', [{ path: '/body/familyId', message: 'is not a family' }]);
  }
}

export async function createGuardian(ctx: ServiceContext, input: GuardianCreate): Promise<Guardian> {
  assertRosterCreator(ctx.principal, 'guardians');
  return inTransaction(ctx, async (tx) => {
    await assertFamilyReference(tx, input.familyId);
    const id = await insertGuardianRecord(tx, input);
    await audit(tx, [{ action: 'create', recordType: RECORD, recordId: id, studentId: null }]);
    return guardianRowToApi((await findGuardian(tx.db, tx.principal, id))!, false);
  });
}

/** Inserts a local guardian (used here and when a student's caregiver is added); the caller audits. */
export async function insertGuardianRecord(ctx: ServiceContext, input: GuardianCreate): Promise<string> {
  const { metadata, ...fields } = input;
  return insertGuardian(ctx.db, { ...fields, source: 'local', metadata: JSON.stringify(metadata ?? {}) });
}

/** Who may change what: guardians only their own preferences; teachers not household or status; SIS rows only local fields. */
function assertMayPatch(ctx: ServiceContext, row: GuardianRow, patch: GuardianPatch): void {
  const { principal } = ctx;
  const fields = Object.keys(patch);
  if (principal.role === 'guardian') {
    if (row.id !== principal.sub) throw new ForbiddenError('Guardians change only their own details');
    const others = fields.filter((f) => !(GUARDIAN_SELF_FIELDS as readonly string[]).includes(f));
    if (others.length > 0) throw new ForbiddenError(`Guardians change only their language, channel and interpreter need, not ${others.join(', ')}`);
  }
  if (principal.role === 'teacher' && (patch.familyId !== undefined || patch.status !== undefined)) {
    throw new ForbiddenError('Only administrators change a guardian\'s household or status');
  }
  assertOnlyLocalFields(row.source, patch, GUARDIAN_LOCAL_FIELDS);
}

export async function updateGuardian(ctx: ServiceContext, id: string, patch: GuardianPatch, ifMatch?: string): Promise<Guardian> {
  assertScope(ctx.principal, 'roster', 'write');
  return inTransaction(ctx, async (tx) => {
    const row = await findGuardian(tx.db, tx.principal, id, true);
    if (!row) throw new NotFoundError('Guardian', id);
    assertIfMatch(ifMatch, guardianRowToApi(row, familyOnly(tx.principal)));
    assertMayPatch(tx, row, patch);
    await assertFamilyReference(tx, patch.familyId);
    const { metadata, ...fields } = patch;
    await updateGuardianRow(tx.db, id, { ...fields, ...(metadata === undefined ? {} : { metadata: JSON.stringify(metadata) }) });
    await audit(tx, [{ action: 'update', recordType: RECORD, recordId: id, studentId: null }]);
    const updated = await findGuardian(tx.db, { ...tx.principal, role: 'district_admin' }, id);
    return guardianRowToApi({ ...updated!, contactVisible: row.contactVisible }, familyOnly(tx.principal));
  });
}

/** Visible guardians by id, in the order of the ids (null where not visible); one audited read. */
export async function getGuardiansByIds(ctx: ServiceContext, ids: readonly string[]): Promise<Array<Guardian | null>> {
  assertScope(ctx.principal, 'roster', 'read');
  const rows = await findGuardians(ctx.db, ctx.principal, distinct(ids));
  await audit(ctx, rows.map((r) => ({ action: 'read', recordType: RECORD, recordId: r.id, studentId: null })));
  return byIds(ids, rows, (r) => guardianRowToApi(r, familyOnly(ctx.principal)));
}
