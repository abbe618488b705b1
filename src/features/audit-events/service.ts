// Reading the audit trail: district admins answer "who accessed this student's records?".
import { ForbiddenError } from '../../http/errors.ts';
import type { ServiceContext } from '../../http/context.ts';
import { decodeCursor, pageLimit, toPage, type Page } from '../../http/paging.ts';
import type { AuditEvent, AuditEventListQuery } from './schemas.ts';

export async function listAuditEvents(ctx: ServiceContext, query: AuditEventListQuery): Promise<Page<AuditEvent>> {
  if (ctx.principal.role !== 'district_admin') throw new ForbiddenError('Only district administrators read the audit trail');
  const limit = pageLimit(query);
  const after = decodeCursor(query.cursor);
  const filtered = () => {
    let q = ctx.db.selectFrom('auditEvents').selectAll();
    if (query.studentId) q = q.where('studentId', '=', query.studentId);
    if (query.actorId) q = q.where('actorId', '=', query.actorId);
    if (query.recordType) q = q.where('recordType', '=', query.recordType);
    if (query.action) q = q.where('action', '=', query.action);
    if (query.from) q = q.where('at', '>=', new Date(query.from));
    if (query.to) q = q.where('at', '<', new Date(query.to));
    // Ids grow with time, so the id alone is a stable keyset (newest first).
    if (after) q = q.where('id', '<', Number(after[1]));
    return q.orderBy('id', 'desc').limit(limit + 1);
  };
  const recordId = query.recordId;
  let rows;
  if (recordId === undefined) {
    rows = await filtered().execute();
  } else {
    // The record index leaves out the rows whose record is the student itself (migration 0900): those come from the
    // student index, the others from the record index (keyed by the id alone, migration 1000, so a listing without a
    // record type seeks to the record too), each a page in id order, and the two pages are merged.
    const own = filtered().where('studentId', '=', recordId).where('recordId', '=', recordId);
    const other = filtered().where('recordId', '=', recordId).where((w) => w('recordId', 'is distinct from', w.ref('studentId')));
    rows = await ctx.db.selectFrom((eb) => eb.selectFrom(own.as('own')).selectAll().unionAll(eb.selectFrom(other.as('other')).selectAll()).as('pages'))
      .selectAll().orderBy('id', 'desc').limit(limit + 1).execute();
  }
  return toPage(rows, limit, (r) => [null, String(r.id)], (r) => ({
    id: r.id,
    at: r.at.toISOString(),
    actorId: r.actorId,
    actorRole: r.actorRole,
    action: r.action as AuditEvent['action'],
    recordType: r.recordType,
    recordId: r.recordId,
    studentId: r.studentId,
    requestId: r.requestId,
  }));
}
