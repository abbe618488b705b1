// Change events store their row state as the feed sends it: json text with the API's camelCase keys.
// Renaming the keys of every event on every read (jsonb_each, a name per key, json_object_agg) was three quarters of a
// feed page's query, and printing a jsonb value as text was half of the rest; a json value is its text. Each tracked
// table gets `change_state(row)`, one json_build_object over its columns with their API names, which costs a write no
// more than to_jsonb(row) did. A migration that adds, renames or drops a column of a tracked table must create that
// table's change_state again (test/features/changes-state.test.ts fails until it does).
import { sql, type Kysely } from 'kysely';

/** table → [API entity type, how to find the student id: a column, '@goal' (through goal_id) or '' (none)]; as in 0400. */
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

/** The API name of a column, as the app's CamelCasePlugin makes it: `guardian_ids` → `guardianIds`. */
const apiName = (column: string) => column.replace(/_(.)/g, (_, next: string) => next.toUpperCase());

/** A stored key camelCased in SQL, for events written before this migration (the feed's former read-time renaming). */
const CAMEL_KEY = `case when strpos(k, '_') = 0 then k else lower(left(k, 1)) || substr(replace(initcap(k), '_', ''), 2) end`;
/** … and back, for the down migration. */
const SNAKE_KEY = `lower(regexp_replace(k, '([A-Z])', '_\\1', 'g'))`;

/** Rewrites every stored state with its keys renamed by `key` (an expression of k) and its type changed to `type`. */
const rewriteStates = (key: string, type: 'json' | 'jsonb') => `
  create function pg_temp.renamed_keys(data jsonb) returns ${type} language sql immutable strict as $$
    select coalesce(${type}_object_agg(${key}, v), '{}') from jsonb_each(data) as e(k, v)
  $$;
  alter table change_events alter column data type ${type} using pg_temp.renamed_keys(data::jsonb);
  drop function pg_temp.renamed_keys(jsonb);`;

/** The student id of row `r`: its own column, its goal's student, or none. */
function studentOf(source: string, r: string): string {
  if (source === '@goal') return `(select g.student_id from goals g where g.id = ${r}.goal_id)`;
  return source === '' ? 'null::uuid' : `${r}.${source}`;
}

/**
 * The row state of one table as the API names it. A function takes at most 100 arguments: a table of more than 50
 * columns is built as jsonb in parts and joined. A contact log's state also names the guardians it reached.
 */
function stateFunction(table: string, columns: string[]): string {
  const pairs = columns.map((column) => `${lit(apiName(column))}, r."${column}"`);
  if (table === 'contact_logs') {
    pairs.push(`'guardianIds', array(select g.guardian_id from contact_log_guardians g where g.contact_log_id = r.id order by g.guardian_id)`);
  }
  let state = `json_build_object(${pairs.join(', ')})`;
  if (pairs.length > 50) {
    const parts: string[] = [];
    for (let i = 0; i < pairs.length; i += 50) parts.push(`jsonb_build_object(${pairs.slice(i, i + 50).join(', ')})`);
    state = `(${parts.join(' || ')})::json`;
  }
  return `create function change_state(r ${table}) returns json language sql stable as $$ select ${state} $$;`;
}

/**
 * The statement trigger function of one table, as 0400 made it but with `state` giving the row state. Nested loops are
 * off so that a plan made for one row cannot join 400,000 updated rows with each other (a hash join is as cheap for one
 * row). An update is a deactivation when status goes active → inactive or archived_at is set.
 */
function triggerFunction(table: string, type: string, source: string, columns: string[], state: (r: string) => string): string {
  const deactivation = [
    ...(columns.includes('status') ? [`(o.status::text = 'active' and n.status::text = 'inactive')`] : []),
    ...(columns.includes('archived_at') ? ['(o.archived_at is null and n.archived_at is not null)'] : []),
  ];
  const operation = deactivation.length > 0 ? `case when ${deactivation.join(' or ')} then 'deactivate' else 'update' end` : `'update'`;
  return `
    create or replace function record_${table}_changes() returns trigger language plpgsql
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
    end $$;`;
}

/** contact_log_guardians rows change a contact log's guardianIds: one update event per log per statement. */
const guardiansTriggerFunction = (state: string) => `
  create or replace function record_contact_log_guardians_change() returns trigger language plpgsql set timezone = 'UTC' as $$
  begin
    insert into change_events (entity_type, entity_id, operation, data, student_id)
    select 'contactLog', cl.id, 'update', ${state}, cl.student_id
    from contact_logs cl
    where cl.id in (select c.contact_log_id from changed c)
    order by cl.id;
    return null;
  end $$;`;

async function columnsByTable(db: Kysely<any>): Promise<Map<string, string[]>> {
  const { rows } = await sql<{ table: string; column: string }>`
    select table_name as table, column_name as column from information_schema.columns
    where table_schema = current_schema() order by table_name, ordinal_position`.execute(db);
  const byTable = new Map<string, string[]>();
  for (const { table, column } of rows) byTable.set(table, [...(byTable.get(table) ?? []), column]);
  return byTable;
}

export async function up(db: Kysely<any>): Promise<void> {
  const columns = await columnsByTable(db);
  for (const [table, type, source] of TRACKED) {
    const own = columns.get(table)!;
    await sql.raw(`${stateFunction(table, own)}
      ${triggerFunction(table, type, source, own, (r) => `change_state(${r}::${table})`)}`).execute(db);
  }
  await sql.raw(`${guardiansTriggerFunction('change_state(cl)')}
    drop function contact_log_state(contact_logs);
    ${rewriteStates(CAMEL_KEY, 'json')}`).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  const columns = await columnsByTable(db);
  await sql.raw(`
    create function contact_log_state(log contact_logs) returns jsonb language sql stable as $$
      select to_jsonb(log) || jsonb_build_object('guardian_ids', array(
        select g.guardian_id from contact_log_guardians g where g.contact_log_id = log.id order by g.guardian_id))
    $$;
    ${guardiansTriggerFunction('contact_log_state(cl)')}`).execute(db);
  for (const [table, type, source] of TRACKED) {
    const state = (r: string) => (table === 'contact_logs' ? `contact_log_state(${r}::contact_logs)` : `to_jsonb(${r})`);
    await sql.raw(`${triggerFunction(table, type, source, columns.get(table)!, state)}
      drop function change_state(${table});`).execute(db);
  }
  await sql.raw(rewriteStates(SNAKE_KEY, 'jsonb')).execute(db);
}
