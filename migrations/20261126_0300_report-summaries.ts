// Engagement report summaries: per student, UTC day and staff author, and per student and month, kept by triggers.
import { sql, type Kysely } from 'kysely';

const PURPOSES = ['strength', 'concern', 'update', 'input_request', 'plan', 'celebration', 'other'];
const CHANNELS = ['phone', 'email', 'text', 'in_person', 'video', 'home_visit', 'note_home', 'app_message', 'other'];
const DIRECTIONS = ['outbound', 'inbound'];
const STATUSES = ['draft', 'active', 'met', 'paused', 'discontinued'];
const KINDS = ['observation', 'measurement', 'milestone', 'celebration', 'setback'];
const SETTINGS = ['school', 'home'];
const of = (prefix: string, values: string[]) => values.map((v) => `${prefix}_${v}`);

/** The summed columns, in table order (the report reads them by these names). */
const COUNTS = [
  'contacts', ...of('purpose', PURPOSES), ...of('channel', CHANNELS), ...of('direction', DIRECTIONS),
  'family_input', 'with_interpreter', 'in_language', 'language_or_interpreter', 'follow_up_due', 'follow_up_done',
  'celebration_contacts', 'goals_created', ...of('status', STATUSES), 'goals_with_guardian', 'goals_met', 'goals_met_with_guardian',
  'events', ...of('kind', KINDS), ...of('setting', SETTINGS), 'celebration_events', 'shares_sent', 'shares_acknowledged',
];

const day = (column: string) => `(${column} at time zone 'UTC')::date`;
const flag = (condition: string) => `(${condition})::int`;

/** One fact row per record: key, 0/1 per counted column (0 when not listed), first-contact times. */
function branch(from: string, key: [string, string, string], values: Record<string, string>, first: [string, string] = ['null::timestamptz', 'null::timestamptz']): string {
  const counts = COUNTS.map((name) => `${values[name] ?? '0'} as ${name}`).join(', ');
  return `select ${key[0]} as student_id, ${key[1]} as day, ${key[2]} as staff_id, ${counts}, ${first[0]} as first_contact_at, ${first[1]} as first_strength_at ${from}`;
}

/** The facts of every source; with `keyed`, only those on the (student_id, day, lo, hi) rows of `k`. */
function facts(keyed: boolean): string {
  const on = (student: string, at: string) => (keyed ? `join k on k.student_id = ${student} and ${at} >= k.lo and ${at} < k.hi` : '');
  const contact: Record<string, string> = {
    contacts: '1',
    ...Object.fromEntries(PURPOSES.map((v) => [`purpose_${v}`, flag(`x.purpose = '${v}'`)])),
    ...Object.fromEntries(CHANNELS.map((v) => [`channel_${v}`, flag(`x.channel = '${v}'`)])),
    ...Object.fromEntries(DIRECTIONS.map((v) => [`direction_${v}`, flag(`x.direction = '${v}'`)])),
    family_input: flag(`x.family_input is not null or x.purpose = 'input_request'`),
    with_interpreter: flag('x.interpreter_used'),
    in_language: flag('lm.matched'),
    language_or_interpreter: flag('lm.matched or x.interpreter_used'),
    follow_up_due: flag('x.follow_up_due is not null'),
    follow_up_done: flag('x.follow_up_due is not null and x.follow_up_done_at is not null'),
    celebration_contacts: flag(`x.purpose = 'celebration' and x.visibility = 'family'`),
  };
  const withGuardian = `exists (select 1 from goal_participants gp where gp.goal_id = x.id and gp.participant_type = 'guardian')`;
  const created: Record<string, string> = {
    goals_created: '1', goals_with_guardian: flag(withGuardian),
    ...Object.fromEntries(STATUSES.map((v) => [`status_${v}`, flag(`x.status = '${v}'`)])),
  };
  const progress: Record<string, string> = {
    events: '1',
    ...Object.fromEntries(KINDS.map((v) => [`kind_${v}`, flag(`x.kind = '${v}'`)])),
    ...Object.fromEntries(SETTINGS.map((v) => [`setting_${v}`, flag(`x.setting = '${v}'`)])),
    celebration_events: flag(`x.kind in ('celebration', 'milestone') and x.visibility = 'family'`),
  };
  return [
    branch(`from contact_logs x ${on('x.student_id', 'x.occurred_at')}
      cross join lateral (select x.language is not null and exists (
        select 1 from contact_log_guardians clg join guardians gd on gd.id = clg.guardian_id
        where clg.contact_log_id = x.id
          and split_part(lower(gd.preferred_language), '-', 1) = split_part(lower(x.language), '-', 1)) as matched) lm`,
    ['x.student_id', day('x.occurred_at'), 'x.author_id'], contact,
    ['x.occurred_at', `case when x.purpose in ('strength', 'celebration') then x.occurred_at end`]),
    branch(`from goals x ${on('x.student_id', 'x.created_at')}`, ['x.student_id', day('x.created_at'), 'x.created_by'], created),
    branch(`from goals x ${on('x.student_id', 'x.status_changed_at')} where x.status = 'met'`, ['x.student_id', day('x.status_changed_at'), 'x.created_by'],
      { goals_met: '1', goals_met_with_guardian: flag(withGuardian) }),
    branch(`from progress_events x ${on('x.student_id', 'x.occurred_at')}`, ['x.student_id', day('x.occurred_at'), 'x.recorded_by_staff_id'], progress),
    branch(`from resource_shares x ${on('x.student_id', 'x.shared_at')}`, ['x.student_id', day('x.shared_at'), 'x.shared_by'],
      { shares_sent: '1', shares_acknowledged: flag('x.acknowledged_at is not null') }),
  ].join('\nunion all\n');
}

const sums = COUNTS.map((name) => `sum(${name})`).join(', ');
const dayRows = (keyed: boolean) => `select student_id, day, staff_id, ${sums}, min(first_contact_at), min(first_strength_at)
  from (${facts(keyed)}) f group by student_id, day, staff_id`;
const monthRows = (where: string) => `select d.student_id, date_trunc('month', d.day)::date, ${COUNTS.map((name) => `sum(d.${name})`).join(', ')},
  min(d.first_contact_at), min(d.first_strength_at) from report_student_days d ${where} group by 1, 2`;

/** Tables whose writes change the summaries → the (student_id, day) keys a set of rows `r` touches. */
const TRACKED: Array<[string, string]> = [
  ['contact_logs', `select r.student_id, ${day('r.occurred_at')} from ROWS r`],
  ['progress_events', `select r.student_id, ${day('r.occurred_at')} from ROWS r`],
  ['resource_shares', `select r.student_id, ${day('r.shared_at')} from ROWS r`],
  ['goals', `select r.student_id, ${day('r.created_at')} from ROWS r union all select r.student_id, ${day('r.status_changed_at')} from ROWS r`],
  ['contact_log_guardians', `select cl.student_id, ${day('cl.occurred_at')} from ROWS r join contact_logs cl on cl.id = r.contact_log_id`],
  ['goal_participants', `select g.student_id, ${day('g.created_at')} from ROWS r join goals g on g.id = r.goal_id
    union all select g.student_id, ${day('g.status_changed_at')} from ROWS r join goals g on g.id = r.goal_id`],
];
const keysOf = (template: string, rows: string) => template.replaceAll('ROWS', rows);

export async function up(db: Kysely<any>): Promise<void> {
  const columns = (type: string) => COUNTS.map((name) => `${name} ${type} not null`).join(',\n      ');
  await sql.raw(`
    create table report_student_days (
      student_id uuid not null,
      day date not null,
      staff_id uuid,
      ${columns('smallint')},
      first_contact_at timestamptz,
      first_strength_at timestamptz
    );
    create table report_student_months (
      student_id uuid not null,
      month date not null,
      ${columns('integer')},
      first_contact_at timestamptz,
      first_strength_at timestamptz,
      primary key (student_id, month)
    );

    -- Recomputes the summary rows of the given (student, day) keys from the source tables. Writers of one
    -- student are serialized by an advisory lock, so a recompute (read committed) sees every committed row.
    create function report_summary_refresh(p_students uuid[], p_days date[]) returns void language plpgsql as $fn$
    declare ks uuid[]; kd date[];
    begin
      select array_agg(s order by s, d), array_agg(d order by s, d) into ks, kd
        from (select distinct s, d from unnest(p_students, p_days) u(s, d) where s is not null and d is not null) x;
      if ks is null then return; end if;
      perform pg_advisory_xact_lock(hashtext('report_summary:' || s::text)) from (select distinct s from unnest(ks) s order by 1) x;
      delete from report_student_days t using unnest(ks, kd) k(student_id, day) where t.student_id = k.student_id and t.day = k.day;
      insert into report_student_days
        with k as (select s as student_id, d as day, d::timestamp at time zone 'UTC' as lo, (d + 1)::timestamp at time zone 'UTC' as hi
          from unnest(ks, kd) u(s, d)) ${dayRows(true)};
      delete from report_student_months t using (select distinct s, date_trunc('month', d)::date from unnest(ks, kd) u(s, d)) m(student_id, month)
        where t.student_id = m.student_id and t.month = m.month;
      insert into report_student_months ${monthRows(`join (select distinct s, date_trunc('month', d)::date from unnest(ks, kd) u(s, d)) m(student_id, month)
        on m.student_id = d.student_id and d.day >= m.month and d.day < (m.month + interval '1 month')::date`)};
    end $fn$;

    -- Rebuilds both tables from the source tables (after a bulk load with triggers off).
    create function report_summaries_rebuild() returns void language plpgsql as $fn$
    begin
      perform set_config('work_mem', '256MB', true);
      truncate report_student_days, report_student_months;
      insert into report_student_days ${dayRows(false)} order by 2, 1;
      insert into report_student_months ${monthRows('')} order by 2, 1;
    end $fn$;
  `).execute(db);

  for (const [table, keys] of TRACKED) {
    await sql.raw(`
      create function report_track_${table}() returns trigger language plpgsql as $fn$
      declare s uuid[]; d date[];
      begin
        if tg_op = 'INSERT' then
          select array_agg(x.a), array_agg(x.b) into s, d from (${keysOf(keys, 'new_rows')}) x(a, b);
        elsif tg_op = 'DELETE' then
          select array_agg(x.a), array_agg(x.b) into s, d from (${keysOf(keys, 'old_rows')}) x(a, b);
        else
          select array_agg(x.a), array_agg(x.b) into s, d from (${keysOf(keys, 'new_rows')} union ${keysOf(keys, 'old_rows')}) x(a, b);
        end if;
        perform report_summary_refresh(s, d);
        return null;
      end $fn$;
      create trigger ${table}_report_insert after insert on ${table}
        referencing new table as new_rows for each statement execute function report_track_${table}();
      create trigger ${table}_report_update after update on ${table}
        referencing old table as old_rows new table as new_rows for each statement execute function report_track_${table}();
      create trigger ${table}_report_delete after delete on ${table}
        referencing old table as old_rows for each statement execute function report_track_${table}();
    `).execute(db);
  }
  // A guardian's preferred language decides whether past contacts reached them in it.
  await sql.raw(`
    create function report_track_guardians() returns trigger language plpgsql as $fn$
    declare s uuid[]; d date[];
    begin
      select array_agg(cl.student_id), array_agg(${day('cl.occurred_at')}) into s, d
      from new_rows n join old_rows o on o.id = n.id
        join contact_log_guardians clg on clg.guardian_id = n.id join contact_logs cl on cl.id = clg.contact_log_id
      where n.preferred_language is distinct from o.preferred_language;
      perform report_summary_refresh(s, d);
      return null;
    end $fn$;
    create trigger guardians_report_update after update on guardians
      referencing old table as old_rows new table as new_rows for each statement execute function report_track_guardians();

    select report_summaries_rebuild();
    create index report_student_days_student_idx on report_student_days (student_id, day);
    create index report_student_days_day_idx on report_student_days (day);
    create index report_student_months_month_idx on report_student_months (month);
    analyze report_student_days;
    analyze report_student_months;
  `).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql.raw('drop trigger guardians_report_update on guardians; drop function report_track_guardians();').execute(db);
  for (const [table] of TRACKED) {
    await sql.raw(`
      drop trigger ${table}_report_insert on ${table};
      drop trigger ${table}_report_update on ${table};
      drop trigger ${table}_report_delete on ${table};
      drop function report_track_${table}();
    `).execute(db);
  }
  await sql.raw(`
    drop function report_summaries_rebuild();
    drop function report_summary_refresh(uuid[], date[]);
    drop table report_student_months;
    drop table report_student_days;
  `).execute(db);
}
