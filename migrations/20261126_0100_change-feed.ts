// The change feed: every write to an entity table records an event in the same transaction, through one trigger function.
import { sql, type Kysely } from 'kysely';

/** table → [API entity type, how to find the student id: a column, '@goal' (through goal_id) or '' (none)]. */
const TRACKED: Array<[string, string, string]> = [
  ['orgs', 'org', ''],
  ['academic_sessions', 'academicSession', ''],
  ['courses', 'course', ''],
  ['classes', 'class', ''],
  ['families', 'family', ''],
  ['staff', 'staff', ''],
  ['students', 'student', 'id'],
  ['guardians', 'guardian', ''],
  ['student_guardians', 'studentGuardian', 'student_id'],
  ['enrollments', 'enrollment', 'student_id'],
  ['contact_logs', 'contactLog', 'student_id'],
  ['goals', 'goal', 'student_id'],
  ['goal_participants', 'goalParticipant', '@goal'],
  ['goal_strategies', 'goalStrategy', '@goal'],
  ['strategy_resources', 'strategyResource', ''],
  ['resource_shares', 'resourceShare', 'student_id'],
  ['progress_events', 'progressEvent', 'student_id'],
];

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table change_events (
      id bigint generated always as identity primary key,
      txid xid8 not null default pg_current_xact_id(),
      entity_type text not null,
      entity_id uuid not null,
      operation text not null check (operation in ('create', 'update', 'deactivate', 'delete')),
      data jsonb,
      student_id uuid,
      occurred_at timestamptz not null default now()
    );
    -- the feed reads in (txid, id) order from a cursor: one range scan
    create index change_events_position_idx on change_events (txid, id);

    -- a contact log's state includes the guardians it reached
    create function contact_log_state(log contact_logs) returns jsonb language sql stable as $$
      select to_jsonb(log) || jsonb_build_object('guardian_ids', array(
        select g.guardian_id from contact_log_guardians g where g.contact_log_id = log.id order by g.guardian_id))
    $$;

    -- One row-level trigger function for every entity table. TG_ARGV: API entity type, student id source.
    -- Times inside the stored rows are rendered in UTC whatever the session time zone is.
    create function record_change() returns trigger language plpgsql set timezone = 'UTC' as $$
    declare
      doc jsonb;
      old_doc jsonb;
      op text;
      sid uuid;
      source text := tg_argv[1];
    begin
      if tg_op = 'DELETE' then
        old_doc := to_jsonb(old);
        op := 'delete';
      else
        if tg_table_name = 'contact_logs' then
          doc := contact_log_state(new);
        else
          doc := to_jsonb(new);
        end if;
        if tg_op = 'INSERT' then
          op := 'create';
        else
          old_doc := to_jsonb(old);
          if (old_doc->>'status' = 'active' and doc->>'status' = 'inactive')
             or (jsonb_typeof(old_doc->'archived_at') = 'null' and jsonb_typeof(doc->'archived_at') = 'string') then
            op := 'deactivate';
          else
            op := 'update';
          end if;
        end if;
      end if;
      if source = '@goal' then
        select g.student_id into sid from goals g where g.id = (coalesce(doc, old_doc)->>'goal_id')::uuid;
      elsif source <> '' then
        sid := (coalesce(doc, old_doc)->>source)::uuid;
      end if;
      insert into change_events (entity_type, entity_id, operation, data, student_id)
      values (tg_argv[0], (coalesce(doc, old_doc)->>'id')::uuid, op, doc, sid);
      return null;
    end $$;

    -- contact_log_guardians rows have no identity of their own: a change to them is an update of the
    -- contact log (its guardianIds), one event per log per statement; none when the log itself is gone.
    create function record_contact_log_guardians_change() returns trigger language plpgsql set timezone = 'UTC' as $$
    begin
      insert into change_events (entity_type, entity_id, operation, data, student_id)
      select 'contactLog', cl.id, 'update', contact_log_state(cl), cl.student_id
      from contact_logs cl
      where cl.id in (select c.contact_log_id from changed c)
      order by cl.id;
      return null;
    end $$;
    create trigger contact_log_guardians_insert_changes after insert on contact_log_guardians
      referencing new table as changed for each statement execute function record_contact_log_guardians_change();
    create trigger contact_log_guardians_update_changes after update on contact_log_guardians
      referencing new table as changed for each statement execute function record_contact_log_guardians_change();
    create trigger contact_log_guardians_delete_changes after delete on contact_log_guardians
      referencing old table as changed for each statement execute function record_contact_log_guardians_change();
  `.execute(db);

  for (const [table, type, student] of TRACKED) {
    // Two triggers: an INSERT trigger's WHEN cannot name OLD, and no-op updates are skipped before the function runs.
    await sql`
      create trigger ${sql.raw(`${table}_write_changes`)} after insert or delete on ${sql.table(table)}
        for each row execute function record_change(${sql.lit(type)}, ${sql.lit(student)});
      create trigger ${sql.raw(`${table}_update_changes`)} after update on ${sql.table(table)}
        for each row when (old.* is distinct from new.*) execute function record_change(${sql.lit(type)}, ${sql.lit(student)});
    `.execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const [table] of TRACKED) {
    await sql`
      drop trigger ${sql.raw(`${table}_write_changes`)} on ${sql.table(table)};
      drop trigger ${sql.raw(`${table}_update_changes`)} on ${sql.table(table)};
    `.execute(db);
  }
  await sql`
    drop trigger contact_log_guardians_insert_changes on contact_log_guardians;
    drop trigger contact_log_guardians_update_changes on contact_log_guardians;
    drop trigger contact_log_guardians_delete_changes on contact_log_guardians;
    drop function record_contact_log_guardians_change();
    drop function record_change();
    drop function contact_log_state(contact_logs);
    drop table change_events;
  `.execute(db);
}
