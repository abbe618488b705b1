// The audit trail's record index keyed by the record id alone. "Who accessed this record?" names a record by its id;
// with the type leading the index, a listing without `recordType` could not seek to the record and walked the whole
// trail newest first (3 s on 4.7 M rows, growing with the trail). A record id is a UUID: one id is one record, so the
// type is a filter on the few rows found. The narrower key also makes each audit insert cheaper (pgbench, 4 clients,
// 400-row inserts with 300 other records each, random ids, 15 M-row trail: 182–207 → 221–252 inserts/s).
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    drop index audit_events_record_idx;
    create index audit_events_record_idx on audit_events (record_id, id desc) where record_id is distinct from student_id;
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    drop index audit_events_record_idx;
    create index audit_events_record_idx on audit_events (record_type, record_id, id desc) where record_id is distinct from student_id;
  `.execute(db);
}
