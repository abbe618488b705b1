// The audit trail: who read or wrote which student's records, written in batches (and inside the write's transaction).
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

/** One INSERT for any number of records. */
export async function audit(ctx: AuditContext, records: AuditRecord[]): Promise<void> {
  if (records.length === 0) return;
  await ctx.db.insertInto('auditEvents').values(records.map((r) => ({
    actorId: ctx.principal.sub,
    actorRole: ctx.principal.role,
    action: r.action,
    recordType: r.recordType,
    recordId: r.recordId,
    studentId: r.studentId,
    requestId: ctx.requestId,
  }))).execute();
}
