// The audit trail: who read or wrote which student's records, written in batches (and inside the write's transaction).
import { sql, type Expression, type Kysely } from 'kysely';
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

/**
 * Records who read or changed which records. A write's rows are inserted in the write's own transaction and commit
 * with it. A read's rows join the request's buffer (one insert per request, however many loaders ran) or, outside a
 * request, are inserted at once.
 */
export async function audit(ctx: AuditContext, records: AuditRecord[]): Promise<void> {
  if (records.length === 0) return;
  if (ctx.db.isTransaction) {
    await insertAudit(ctx.db, [{ principal: ctx.principal, requestId: ctx.requestId, records }], { asyncCommit: false });
  } else if (ctx.auditBuffer) {
    ctx.auditBuffer.push(...records);
  } else {
    await insertAudit(ctx.db, [{ principal: ctx.principal, requestId: ctx.requestId, records }], { asyncCommit: true });
  }
}

/**
 * Records that the caller received the records a query selects, as (record type, record id, student id) in that order,
 * in one INSERT … SELECT: for a page of many records whose ids PostgreSQL already holds (the change feed), so they need
 * not travel to Node and back. The caller awaits it before replying, and may read the page meanwhile. Inside a
 * transaction the rows share it, as `audit`'s do; otherwise the insert commits without waiting for the disk flush, as
 * read audits do.
 */
export async function auditSelected(ctx: AuditContext, action: AuditAction, records: Expression<unknown>): Promise<void> {
  const asyncCommit = ctx.db.isTransaction ? sql`` : sql`cross join (select set_config('synchronous_commit', 'off', true)) as async_commit`;
  await sql`insert into audit_events (actor_id, actor_role, action, record_type, record_id, student_id, request_id)
    select ${ctx.principal.sub}, ${ctx.principal.role}, ${action}, r.record_type, r.record_id, r.student_id, ${ctx.requestId}
    from (${records}) as r(record_type, record_id, student_id)
    ${asyncCommit}`.execute(ctx.db);
}

/** One request's audit rows. */
interface RequestAudit {
  principal: Principal;
  requestId: string;
  records: AuditRecord[];
}

interface QueuedReads extends RequestAudit {
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
          await insertAudit(this.db, batch, { asyncCommit: true });
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

const NULL_ID = '-';
const ID_TEXT = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function idText(id: string | null): string {
  if (id === null) return NULL_ID;
  if (!ID_TEXT.test(id)) throw new Error(`audit record id is not a UUID: ${JSON.stringify(id)}`);
  return id;
}

/**
 * One insert for the audit rows of one or more requests. What repeats travels once: the actor and request id once per
 * request, the action and record type once per run of consecutive records sharing them. The ids of each row travel as
 * one comma-separated text that PostgreSQL splits: less than half the bytes of seven uuid/text arrays, and none of their
 * per-element quoting (a GraphQL page of a class audits hundreds of rows).
 *
 * `asyncCommit` lets a read's insert commit without waiting for the disk flush (`set_config(…, true)` applies to the
 * statement's implicit transaction only). Never for a write's rows: those share the write's transaction.
 */
function insertAudit(db: Executor, batch: RequestAudit[], options: { asyncCommit: boolean }) {
  const actors: string[] = [];
  const roles: string[] = [];
  const requestIds: string[] = [];
  const runRequest: number[] = [];
  const runAction: string[] = [];
  const runType: string[] = [];
  const rowRun: number[] = [];
  const recordIds: string[] = [];
  const studentIds: string[] = [];
  for (const queued of batch) {
    actors.push(queued.principal.sub);
    roles.push(queued.principal.role);
    requestIds.push(queued.requestId);
    let previous: AuditRecord | undefined;
    for (const record of queued.records) {
      if (previous?.action !== record.action || previous.recordType !== record.recordType) {
        runRequest.push(actors.length);
        runAction.push(record.action);
        runType.push(record.recordType);
      }
      previous = record;
      rowRun.push(runRequest.length);
      recordIds.push(idText(record.recordId));
      studentIds.push(idText(record.studentId));
    }
  }
  const asyncCommit = options.asyncCommit
    ? sql`cross join (select set_config('synchronous_commit', 'off', true)) as async_commit`
    : sql``;
  return sql`insert into audit_events (actor_id, actor_role, action, record_type, record_id, student_id, request_id)
    select q.actor_id, q.actor_role, g.action, g.record_type, r.record_id, r.student_id, q.request_id
    from unnest(string_to_array(${rowRun.join(',')}, ',')::int[], string_to_array(${recordIds.join(',')}, ',', ${NULL_ID})::uuid[],
        string_to_array(${studentIds.join(',')}, ',', ${NULL_ID})::uuid[]) with ordinality as r(run, record_id, student_id, i)
      join unnest(${runRequest}::int[], ${runAction}::text[], ${runType}::text[]) with ordinality as g(request, action, record_type, run)
        on g.run = r.run
      join unnest(${actors}::text[], ${roles}::text[], ${requestIds}::text[]) with ordinality as q(actor_id, actor_role, request_id, n)
        on q.n = g.request
    ${asyncCommit}
    order by r.i`.execute(db);
}
