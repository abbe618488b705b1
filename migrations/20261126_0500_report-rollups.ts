// Engagement report rollups: per student, ISO week and staff author, and open follow-ups per due day, kept with the day summaries.
import { sql, type Kysely } from 'kysely';

const PURPOSES = ['strength', 'concern', 'update', 'input_request', 'plan', 'celebration', 'other'];
const CHANNELS = ['phone', 'email', 'text', 'in_person', 'video', 'home_visit', 'note_home', 'app_message', 'other'];
const DIRECTIONS = ['outbound', 'inbound'];
const STATUSES = ['draft', 'active', 'met', 'paused', 'discontinued'];
const KINDS = ['observation', 'measurement', 'milestone', 'celebration', 'setback'];
const SETTINGS = ['school', 'home'];
const of = (prefix: string, values: string[]) => values.map((v) => `${prefix}_${v}`);

/** The summed columns of report_student_days, in table order. */
const COUNTS = [
  'contacts', ...of('purpose', PURPOSES), ...of('channel', CHANNELS), ...of('direction', DIRECTIONS),
  'family_input', 'with_interpreter', 'in_language', 'language_or_interpreter', 'follow_up_due', 'follow_up_done',
  'celebration_contacts', 'goals_created', ...of('status', STATUSES), 'goals_with_guardian', 'goals_met', 'goals_met_with_guardian',
  'events', ...of('kind', KINDS), ...of('setting', SETTINGS), 'celebration_events', 'shares_sent', 'shares_acknowledged',
];

const monday = (day: string) => `(${day} - (extract(isodow from ${day})::int - 1))`;
/** Week rows (student, Monday, author) summed from the day rows; `join` narrows the day rows read. */
const weekRows = (join: string) => `select d.student_id, ${monday('d.day')}, d.staff_id, ${COUNTS.map((name) => `sum(d.${name})`).join(', ')},
  min(d.first_contact_at), min(d.first_strength_at) from report_student_days d ${join} group by 1, 2, 3`;
/** Open follow-ups of contact logs per (student, UTC day of the contact, author, due day); `join` narrows the logs read. */
const followUpRows = (join: string) => `select x.student_id, (x.occurred_at at time zone 'UTC')::date, x.author_id, x.follow_up_due, count(*)
  from contact_logs x ${join} where x.follow_up_due is not null and x.follow_up_done_at is null group by 1, 2, 3, 4`;

export async function up(db: Kysely<any>): Promise<void> {
  await sql.raw(`
    create table report_student_weeks (
      student_id uuid not null,
      week date not null,
      staff_id uuid,
      ${COUNTS.map((name) => `${name} smallint not null`).join(',\n      ')},
      first_contact_at timestamptz,
      first_strength_at timestamptz
    );
    create table report_open_follow_ups (
      student_id uuid not null,
      day date not null,
      staff_id uuid,
      due date not null,
      open integer not null
    );

    alter function report_summary_refresh(uuid[], date[]) rename to report_summary_refresh_days;
    alter function report_summaries_rebuild() rename to report_summaries_rebuild_days;

    -- The day and month rows (and the per-student lock), then the week and open follow-up rows of the same keys.
    create function report_summary_refresh(p_students uuid[], p_days date[]) returns void language plpgsql as $fn$
    begin
      perform report_summary_refresh_days(p_students, p_days);
      delete from report_student_weeks t using (select distinct s, ${monday('d')} from unnest(p_students, p_days) u(s, d)) k(student_id, week)
        where t.student_id = k.student_id and t.week = k.week;
      insert into report_student_weeks ${weekRows(`join (select distinct s, ${monday('d')} from unnest(p_students, p_days) u(s, d) where s is not null and d is not null) k(student_id, week)
        on k.student_id = d.student_id and d.day >= k.week and d.day < k.week + 7`)};
      delete from report_open_follow_ups t using unnest(p_students, p_days) k(student_id, day) where t.student_id = k.student_id and t.day = k.day;
      insert into report_open_follow_ups ${followUpRows(`join (select distinct s, d from unnest(p_students, p_days) u(s, d) where s is not null and d is not null) k(student_id, day)
        on k.student_id = x.student_id and x.occurred_at >= k.day::timestamp at time zone 'UTC' and x.occurred_at < (k.day + 1)::timestamp at time zone 'UTC'`)};
    end $fn$;

    create function report_summaries_rebuild() returns void language plpgsql as $fn$
    begin
      perform report_summaries_rebuild_days();
      perform report_rollups_rebuild();
    end $fn$;

    -- Rebuilds the week and open follow-up rows from the day rows and the contact logs.
    create function report_rollups_rebuild() returns void language plpgsql as $fn$
    begin
      perform set_config('work_mem', '256MB', true);
      truncate report_student_weeks, report_open_follow_ups;
      insert into report_student_weeks ${weekRows('')} order by 2, 1;
      insert into report_open_follow_ups ${followUpRows('')};
    end $fn$;

    select report_rollups_rebuild();
    create index report_student_weeks_student_idx on report_student_weeks (student_id, week);
    create index report_student_weeks_week_idx on report_student_weeks (week);
    create index report_open_follow_ups_student_idx on report_open_follow_ups (student_id, day);
    create index report_open_follow_ups_day_idx on report_open_follow_ups (day);
    -- A teacher's or a school's report reads its students' month rows by student: keep each student's months together.
    cluster report_student_months using report_student_months_pkey;
    analyze report_student_months;
    analyze report_student_weeks;
    analyze report_open_follow_ups;
  `).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql.raw(`
    drop function report_summaries_rebuild();
    drop function report_rollups_rebuild();
    drop function report_summary_refresh(uuid[], date[]);
    alter function report_summary_refresh_days(uuid[], date[]) rename to report_summary_refresh;
    alter function report_summaries_rebuild_days() rename to report_summaries_rebuild;
    drop table report_open_follow_ups;
    drop table report_student_weeks;
  `).execute(db);
}
