// Audit trail indexes in the order the trail is read: newest first by id, per student, actor or record.
// The listing pages by id (ids grow with time); the indexes ordered by `at` made every filtered page sort all of the
// student's, actor's or record's rows, and kept a btree on `at` that no page used. The time range filter is served by a
// BRIN index, which costs an audit insert almost nothing.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    drop index audit_events_student_idx, audit_events_actor_idx, audit_events_at_idx, audit_events_record_idx;
    create index audit_events_student_idx on audit_events (student_id, id desc) where student_id is not null;
    create index audit_events_actor_idx on audit_events (actor_id, id desc);
    create index audit_events_record_idx on audit_events (record_type, record_id, id desc);
    create index audit_events_at_brin on audit_events using brin (at);
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    drop index audit_events_student_idx, audit_events_actor_idx, audit_events_record_idx, audit_events_at_brin;
    create index audit_events_student_idx on audit_events (student_id, at desc) where student_id is not null;
    create index audit_events_actor_idx on audit_events (actor_id, at desc);
    create index audit_events_at_idx on audit_events (at desc, id desc);
    create index audit_events_record_idx on audit_events (record_type, record_id, at desc);
  `.execute(db);
}
