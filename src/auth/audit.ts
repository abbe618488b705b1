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
    await insertReads(ctx.db as Kysely<DB>, [{ principal: ctx.principal, requestId: ctx.requestId, records }]);
  }
}

/** One request's read-audit rows. */
interface RequestReads {
  principal: Principal;
  requestId: string;
  records: AuditRecord[];
}

interface QueuedReads extends RequestReads {
  done: (error?: unknown) => void;
}

/** Rows per insert: unnest of seven arrays keeps one statement well under the protocol's parameter limits. */
const MAX_ROWS_PER_INSERT = 5_000;

/**
 * Group commit for read audits. Each request still waits for its own rows to be inserted before its response leaves
 * (a record is never handed out without its audit row, and a failed insert fails the request), but the requests that
 * finish while one insert is running share the next one: under load, one statement and one commit carry the rows of
 * tens of requests instead of one round trip each. The insert's transaction does not wait for the disk flush
 * (`set_config(…, true)` applies to the statement's implicit transaction): the rows reach the disk within a few hundred
 * milliseconds, and a crash in that window can lose read-audit rows, never data.
 */
export class ReadAuditWriter {
  private queue: QueuedReads[] = [];
  private running = false;

  constructor(private readonly db: Kysely<DB>) {}

  write(principal: Principal, requestId: string, records: AuditRecord[]): Promise<void> {
    if (records.length === 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ principal, requestId, records, done: (error) => (error === undefined ? resolve() : reject(error)) });
      if (!this.running) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.running = true;
    try {
      while (this.queue.length > 0) {
        const batch: QueuedReads[] = [];
        let rows = 0;
        while (this.queue.length > 0 && (batch.length === 0 || rows + this.queue[0]!.records.length <= MAX_ROWS_PER_INSERT)) {
          const next = this.queue.shift()!;
          batch.push(next);
          rows += next.records.length;
        }
        try {
          await insertReads(this.db, batch);
          for (const queued of batch) queued.done();
        } catch (error) {
          for (const queued of batch) queued.done(error ?? new Error('read audit insert failed'));
        }
      }
    } finally {
      this.running = false;
    }
  }
}

function insertReads(db: Kysely<DB>, batch: RequestReads[]) {
  const column = <T>(pick: (queued: RequestReads, record: AuditRecord) => T) => batch.flatMap((q) => q.records.map((r) => pick(q, r)));
  return sql`insert into audit_events (actor_id, actor_role, action, record_type, record_id, student_id, request_id)
    select r.actor_id, r.actor_role, r.action, r.record_type, r.record_id, r.student_id, r.request_id
    from unnest(${column((q) => q.principal.sub)}::text[], ${column((q) => q.principal.role)}::text[],
      ${column((_, r) => r.action)}::text[], ${column((_, r) => r.recordType)}::text[], ${column((_, r) => r.recordId)}::uuid[],
      ${column((_, r) => r.studentId)}::uuid[], ${column((q) => q.requestId)}::text[])
      as r(actor_id, actor_role, action, record_type, record_id, student_id, request_id)
    cross join (select set_config('synchronous_commit', 'off', true)) as async_commit`.execute(db);
}
