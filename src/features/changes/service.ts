// Change feed rules: who may read which entity types, cursors over feed positions, and the API shape of an event.
import { assertScope } from '../../auth/policy.ts';
import type { Principal } from '../../auth/principal.ts';
import { audit, auditSelected, type AuditRecord } from '../../auth/audit.ts';
import type { ServiceContext } from '../../http/context.ts';
import { ForbiddenError, ValidationError } from '../../http/errors.ts';
import { decodeCursor, encodeCursor } from '../../http/paging.ts';
import type { Executor } from '../../db/database.ts';
import {
  findPageEnd, listChangeEventJson, listChangeEventRows, pageStudentRecords, type ChangeEventRow, type FeedPosition,
} from './queries.ts';
import {
  CHANGE_TYPES, DEFAULT_CHANGE_LIMIT, MAX_CHANGE_LIMIT, ROSTER_CHANGE_TYPES,
  type ChangeEvent, type ChangeListQuery, type ChangePage, type ChangeType,
} from './schemas.ts';

/** The entity types a principal may follow: district admins and partnership readers all, roster readers the roster. */
export function readableChangeTypes(principal: Principal): readonly ChangeType[] {
  if (principal.role === 'district_admin') return CHANGE_TYPES;
  if (principal.role !== 'integration') throw new ForbiddenError('Only district administrators and integrations read the change feed');
  if (principal.scopes.includes('partnership:read') || principal.scopes.includes('partnership:write')) return CHANGE_TYPES;
  assertScope(principal, 'roster', 'read');
  return ROSTER_CHANGE_TYPES;
}

/** Parses `types=a,b`; every name must be known and readable by the caller. */
export function parseChangeTypes(raw: string | undefined, readable: readonly ChangeType[], path = '/querystring/types'): readonly ChangeType[] {
  if (raw === undefined) return readable;
  const names = [...new Set(raw.split(','))];
  const unknown = names.filter((n) => !(CHANGE_TYPES as readonly string[]).includes(n));
  if (unknown.length > 0) {
    throw new ValidationError(`Unknown change types: ${unknown.join(', ')}`, unknown.map((n) => ({ path, message: `"${n}" is not one of ${CHANGE_TYPES.join(', ')}` })));
  }
  const denied = names.filter((n) => !(readable as readonly string[]).includes(n));
  if (denied.length > 0) throw new ForbiddenError(`This token may not read changes of type ${denied.join(', ')}`);
  return names as ChangeType[];
}

export function encodeFeedPosition(position: FeedPosition): string {
  return encodeCursor([position.txid, String(position.id)]);
}

export function decodeFeedPosition(cursor: string | undefined, path = '/querystring/after'): FeedPosition | undefined {
  if (cursor === undefined) return undefined;
  const invalid = () => new ValidationError('after is not a cursor this API issued', [{ path, message: 'is not a valid cursor' }]);
  let key;
  try {
    key = decodeCursor(cursor);
  } catch {
    throw invalid();
  }
  const [txid, id] = key ?? [];
  if (typeof txid !== 'string' || !/^\d{1,20}$/.test(txid) || typeof id !== 'string' || !/^\d{1,19}$/.test(id)) throw invalid();
  return { txid, id: Number(id) };
}

export function changeEventRowToApi(row: ChangeEventRow): ChangeEvent {
  return {
    id: row.id,
    type: row.entityType as ChangeType,
    entityId: row.entityId,
    operation: row.operation as ChangeEvent['operation'],
    studentId: row.studentId,
    occurredAt: row.occurredAt.toISOString(),
    data: row.data as ChangeEvent['data'],
  };
}

/** Reads a page of finished events after a position, as rows: what webhook delivery and `listChanges` build on. */
export async function readChangeEvents(db: Executor, after: FeedPosition | undefined, types: readonly string[],
  limit: number): Promise<{ rows: ChangeEventRow[]; hasMore: boolean; position: FeedPosition | undefined }> {
  const all = types.length === CHANGE_TYPES.length;
  const fetched = await listChangeEventRows(db, after, all ? undefined : types, limit + 1);
  const hasMore = fetched.length > limit;
  const rows = hasMore ? fetched.slice(0, limit) : fetched;
  const last = rows[rows.length - 1];
  return { rows, hasMore, position: last ? { txid: last.txid, id: last.id } : after };
}

/** The caller's request, checked: readable types (undefined: all), position and page size. */
function feedRequest(ctx: ServiceContext, query: ChangeListQuery) {
  const types = parseChangeTypes(query.types, readableChangeTypes(ctx.principal));
  const after = decodeFeedPosition(query.after);
  const limit = Math.min(Math.max(query.limit ?? DEFAULT_CHANGE_LIMIT, 1), MAX_CHANGE_LIMIT);
  return { types: types.length === CHANGE_TYPES.length ? undefined : types, after, limit };
}

/** The feed hands out student records: who received which student's records, once per record and page. */
function feedAuditRecords(rows: ReadonlyArray<Pick<ChangeEventRow, 'entityType' | 'entityId' | 'studentId'>>): AuditRecord[] {
  const seen = new Set<string>();
  const records: AuditRecord[] = [];
  for (const row of rows) {
    if (row.studentId === null || seen.has(row.entityId)) continue;
    seen.add(row.entityId);
    records.push({ action: 'list', recordType: row.entityType, recordId: row.entityId, studentId: row.studentId });
  }
  return records;
}

/** A page of the feed as API objects (for callers that need objects; REST sends `listChangesJson`). */
export async function listChanges(ctx: ServiceContext, query: ChangeListQuery): Promise<ChangePage> {
  const { types, after, limit } = feedRequest(ctx, query);
  const { rows, hasMore, position } = await readChangeEvents(ctx.db, after, types ?? CHANGE_TYPES, limit);
  await audit(ctx, feedAuditRecords(rows));
  return {
    data: rows.map(changeEventRowToApi),
    page: { nextCursor: position ? encodeFeedPosition(position) : null, hasMore },
  };
}

/**
 * The same page as `listChanges`, as the ChangePage JSON text: each event's JSON is built by PostgreSQL and the page
 * is joined around it, so no event is parsed or serialised in Node. Where the page ends is found first; then, on two
 * connections at once, its audit rows are inserted and its JSON is built, and the page leaves after both.
 */
export async function listChangesJson(ctx: ServiceContext, query: ChangeListQuery): Promise<string> {
  const { types, after, limit } = feedRequest(ctx, query);
  const { last, hasMore } = await findPageEnd(ctx.db, after, types, limit);
  const [events] = await Promise.all([
    last ? listChangeEventJson(ctx.db, after, last, types) : [],
    last ? auditSelected(ctx, 'list', pageStudentRecords(ctx.db, after, last, types)) : undefined,
  ]);
  const position = last ?? after;
  const page: ChangePage['page'] = { nextCursor: position ? encodeFeedPosition(position) : null, hasMore };
  return `{"data":[${events.join(',')}],"page":${JSON.stringify(page)}}`;
}
export { currentFeedHead, type FeedPosition } from './queries.ts';
