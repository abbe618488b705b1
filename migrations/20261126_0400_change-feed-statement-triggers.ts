// The change feed's triggers per statement: one INSERT … SELECT over the statement's transition tables, not one insert per row.
import { sql, type Kysely } from 'kysely';

/** table → [API entity type, how to find the student id: a column, '@goal' (through goal_id) or '' (none)]; as in 0100. */
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

const lit = (text: string) => `'${text.replace(/'/g, "''")}'`;

/** The student id of row `r`: its own column, its goal's student, or none. */
function studentOf(source: string, r: string): string {
  if (source === '@goal') return `(select g.student_id from goals g where g.id = ${r}.goal_id)`;
  return source === '' ? 'null::uuid' : `${r}.${source}`;
}

/**
 * One trigger function per table, so every statement in it is static SQL with plain column access and a cached plan.
 * The plan is made for the first statement's transition tables and reused for every later one, whatever their size:
 * nested loops are off so that a plan made for one row cannot join 400,000 updated rows with each other (a hash join
 * is as cheap for one row). An update is a deactivation when status goes active → inactive or archived_at is set.
 */
function functionFor(table: string, type: string, source: string, columns: Set<string>): string {
  // the state after the change: the row, and for a contact log the guardians it reached
  const state = (r: string) => (table === 'contact_logs' ? `contact_log_state(${r}::contact_logs)` : `to_jsonb(${r})`);
  const deactivation = [
    ...(columns.has('status') ? [`(o.status::text = 'active' and n.status::text = 'inactive')`] : []),
    ...(columns.has('archived_at') ? ['(o.archived_at is null and n.archived_at is not null)'] : []),
  ];
  const operation = deactivation.length > 0 ? `case when ${deactivation.join(' or ')} then 'deactivate' else 'update' end` : `'update'`;
  return `
    create function record_${table}_changes() returns trigger language plpgsql
      set timezone = 'UTC' set enable_nestloop = off as $$
    begin
      if tg_op = 'INSERT' then
        insert into change_events (entity_type, entity_id, operation, data, student_id)
        select ${lit(type)}, n.id, 'create', ${state('n')}, ${studentOf(source, 'n')} from new_rows n;
      elsif tg_op = 'UPDATE' then
        -- updates that change nothing are skipped, as the row triggers' WHEN (old.* IS DISTINCT FROM new.*) did
        insert into change_events (entity_type, entity_id, operation, data, student_id)
        select ${lit(type)}, n.id, ${operation}, ${state('n')}, ${studentOf(source, 'n')}
        from new_rows n join old_rows o on o.id = n.id
        where row(o.*) is distinct from row(n.*);
      else
        insert into change_events (entity_type, entity_id, operation, data, student_id)
        select ${lit(type)}, o.id, 'delete', null, ${studentOf(source, 'o')} from old_rows o;
      end if;
      return null;
    end $$;
    create trigger ${table}_insert_changes after insert on ${table}
      referencing new table as new_rows for each statement execute function record_${table}_changes();
    create trigger ${table}_update_changes after update on ${table}
      referencing old table as old_rows new table as new_rows for each statement execute function record_${table}_changes();
    create trigger ${table}_delete_changes after delete on ${table}
      referencing old table as old_rows for each statement execute function record_${table}_changes();`;
}

export async function up(db: Kysely<any>): Promise<void> {
  const { rows } = await sql<{ table: string; column: string }>`
    select table_name as table, column_name as column from information_schema.columns
    where table_schema = current_schema() and column_name in ('status', 'archived_at')`.execute(db);
  for (const [table, type, source] of TRACKED) {
    const columns = new Set(rows.filter((r) => r.table === table).map((r) => r.column));
    await sql`
      drop trigger ${sql.raw(`${table}_write_changes`)} on ${sql.table(table)};
      drop trigger ${sql.raw(`${table}_update_changes`)} on ${sql.table(table)};
      ${sql.raw(functionFor(table, type, source, columns))}
    `.execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const [table, type, source] of TRACKED) {
    await sql`
      drop trigger ${sql.raw(`${table}_insert_changes`)} on ${sql.table(table)};
      drop trigger ${sql.raw(`${table}_update_changes`)} on ${sql.table(table)};
      drop trigger ${sql.raw(`${table}_delete_changes`)} on ${sql.table(table)};
      drop function ${sql.raw(`record_${table}_changes`)}();
      create trigger ${sql.raw(`${table}_write_changes`)} after insert or delete on ${sql.table(table)}
        for each row execute function record_change(${sql.lit(type)}, ${sql.lit(source)});
      create trigger ${sql.raw(`${table}_update_changes`)} after update on ${sql.table(table)}
        for each row when (old.* is distinct from new.*) execute function record_change(${sql.lit(type)}, ${sql.lit(source)});
    `.execute(db);
  }
}
