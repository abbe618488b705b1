// The audit trail: who read or wrote which student's records, written in batches (and inside the write's transaction).
import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/types.ts';
import type { Executor } from '../db/database.ts';
import type { Principal } from './principal.ts';

export type AuditAction = 'read' | 'list' | 'create' | 'update' | 'delete' | 'sync';

export interface AuditRecord {
  action: AuditAction;
  recordType: string;
  recordId: string | null;
  studentId: string | null;
}

export interface AuditContext {
  db: Executor;
  principal: Principal;
  requestId: string;
  /** Read audits of one request, flushed in one insert before the response leaves (see auditPlugin). */
  auditBuffer?: AuditRecord[];
}

function insertAudit(db: Executor, principal: Principal, requestId: string, records: AuditRecord[]) {
  return sql`insert into audit_events (actor_id, actor_role, action, record_type, record_id, student_id, request_id)
    select ${principal.sub}, ${principal.role}, r.action, r.record_type, r.record_id, r.student_id, ${requestId}
    from unnest(${records.map((r) => r.action)}::text[], ${records.map((r) => r.recordType)}::text[],
      ${records.map((r) => r.recordId)}::uuid[], ${records.map((r) => r.studentId)}::uuid[])
      as r(action, record_type, record_id, student_id)`.execute(db);
}

/**
 * Records who read or changed which records. A write's rows are inserted in the write's own transaction and commit
 * with it. A read's rows join the request's buffer (one insert per request, however many loaders ran) or, outside a
 * request, are inserted at once.
 */
export async function audit(ctx: AuditContext, records: AuditRecord[]): Promise<void> {
  if (records.length === 0) return;
  if (ctx.db.isTransaction) {
    await insertAudit(ctx.db, ctx.principal, ctx.requestId, records);
  } else if (ctx.auditBuffer) {
    ctx.auditBuffer.push(...records);
  } else {
    await flushReadAudit(ctx.db as Kysely<DB>, ctx.principal, ctx.requestId, records);
  }
}

/**
 * Inserts read-audit rows in one statement whose own transaction does not wait for the disk flush
 * (`set_config(…, true)` applies to the statement's implicit transaction): a read never waits on an fsync, and the
 * rows reach the disk within a few hundred milliseconds (a crash in that window can lose read-audit rows, never data).
 */
export async function flushReadAudit(db: Kysely<DB>, principal: Principal, requestId: string, records: AuditRecord[]): Promise<void> {
  if (records.length === 0) return;
  await sql`insert into audit_events (actor_id, actor_role, action, record_type, record_id, student_id, request_id)
    select ${principal.sub}, ${principal.role}, r.action, r.record_type, r.record_id, r.student_id, ${requestId}
    from unnest(${records.map((r) => r.action)}::text[], ${records.map((r) => r.recordType)}::text[],
      ${records.map((r) => r.recordId)}::uuid[], ${records.map((r) => r.studentId)}::uuid[])
      as r(action, record_type, record_id, student_id)
    cross join (select set_config('synchronous_commit', 'off', true)) as async_commit`.execute(db);
}
