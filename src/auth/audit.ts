// The audit trail: who read or wrote which student's records, written in batches (and inside the write's transaction).
import { sql } from 'kysely';
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
}

/**
 * One INSERT for any number of records, with the per-record columns sent as four arrays (unnest): a page of
 * 1,000 records binds 6 parameters rather than 7,000, which keeps list reads fast.
 */
export async function audit(ctx: AuditContext, records: AuditRecord[]): Promise<void> {
  if (records.length === 0) return;
  await sql`insert into audit_events (actor_id, actor_role, action, record_type, record_id, student_id, request_id)
    select ${ctx.principal.sub}, ${ctx.principal.role}, r.action, r.record_type, r.record_id, r.student_id, ${ctx.requestId}
    from unnest(${records.map((r) => r.action)}::text[], ${records.map((r) => r.recordType)}::text[],
      ${records.map((r) => r.recordId)}::uuid[], ${records.map((r) => r.studentId)}::uuid[])
      as r(action, record_type, record_id, student_id)`.execute(ctx.db);
}
