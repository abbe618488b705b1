// District-wide week totals for the engagement report grouped by week, refreshed on read from marks that writes leave.
import { sql, type Kysely } from 'kysely';

const PURPOSES = ['strength', 'concern', 'update', 'input_request', 'plan', 'celebration', 'other'];
const CHANNELS = ['phone', 'email', 'text', 'in_person', 'video', 'home_visit', 'note_home', 'app_message', 'other'];
const DIRECTIONS = ['outbound', 'inbound'];
const STATUSES = ['draft', 'active', 'met', 'paused', 'discontinued'];
const KINDS = ['observation', 'measurement', 'milestone', 'celebration', 'setback'];
const SETTINGS = ['school', 'home'];
const of = (prefix: string, values: string[]) => values.map((v) => `${prefix}_${v}`);

/** The summed columns of report_student_weeks, in table order. */
const COUNTS = [
  'contacts', ...of('purpose', PURPOSES), ...of('channel', CHANNELS), ...of('direction', DIRECTIONS),
  'family_input', 'with_interpreter', 'in_language', 'language_or_interpreter', 'follow_up_due', 'follow_up_done',
  'celebration_contacts', 'goals_created', ...of('status', STATUSES), 'goals_with_guardian', 'goals_met', 'goals_met_with_guardian',
  'events', ...of('kind', KINDS), ...of('setting', SETTINGS), 'celebration_events', 'shares_sent', 'shares_acknowledged',
];

/** Serialises refreshes of report_district_weeks (any constant distinct from the other advisory locks). */
const REFRESH_LOCK = 7_302_611;

export async function up(db: Kysely<any>): Promise<void> {
  await sql.raw(`
    -- One row per ISO week (Monday) over every student: distinct students, students contacted, and the sums.
    create table report_district_weeks (
      week date primary key,
      students integer not null,
      students_contacted integer not null,
      ${COUNTS.map((name) => `${name} integer not null`).join(',\n      ')}
    );
    -- Weeks whose student rows changed since their district row was computed. Append-only: a write never waits on another.
    create table report_week_marks (
      id bigint generated always as identity primary key,
      week date not null
    );
    create index report_week_marks_week_idx on report_week_marks (week);

    create function report_mark_weeks() returns trigger language plpgsql as $fn$
    begin
      if tg_op = 'TRUNCATE' then
        delete from report_district_weeks;
        delete from report_week_marks;
      elsif tg_op = 'INSERT' then
        insert into report_week_marks (week) select distinct week from new_rows;
      elsif tg_op = 'DELETE' then
        insert into report_week_marks (week) select distinct week from old_rows;
      else
        insert into report_week_marks (week) select week from old_rows union select week from new_rows;
      end if;
      return null;
    end $fn$;
    create trigger report_student_weeks_mark_insert after insert on report_student_weeks
      referencing new table as new_rows for each statement execute function report_mark_weeks();
    create trigger report_student_weeks_mark_update after update on report_student_weeks
      referencing old table as old_rows new table as new_rows for each statement execute function report_mark_weeks();
    create trigger report_student_weeks_mark_delete after delete on report_student_weeks
      referencing old table as old_rows for each statement execute function report_mark_weeks();
    create trigger report_student_weeks_mark_truncate after truncate on report_student_weeks
      for each statement execute function report_mark_weeks();

    -- Brings the district rows of the weeks in [p_from, p_to) up to date: those marked since, and those never computed
    -- (a week without student rows gets a row of zeros, so it is not recomputed on every read). Refreshers take a
    -- transaction lock and read the marks under it, so the marks they delete are exactly those whose changes their
    -- recompute saw; a mark left by a write still uncommitted is not visible to them and survives for the next read.
    create function report_district_weeks_refresh(p_from date, p_to date) returns void language plpgsql as $fn$
    declare
      seen bigint[];
      stale date[];
    begin
      if not exists (select 1 from report_week_marks m where m.week >= p_from and m.week < p_to)
        and (select count(*) from report_district_weeks d where d.week >= p_from and d.week < p_to) = (p_to - p_from) / 7 then
        return;
      end if;
      perform pg_advisory_xact_lock(${REFRESH_LOCK});
      select coalesce(array_agg(m.id), '{}') into seen from report_week_marks m where m.week >= p_from and m.week < p_to;
      select coalesce(array_agg(w.week), '{}') into stale from (
        select m.week from report_week_marks m where m.id = any(seen)
        union
        select g::date from generate_series(p_from, p_to - 7, interval '7 days') g
        where not exists (select 1 from report_district_weeks d where d.week = g::date)
      ) w;
      delete from report_district_weeks d where d.week = any(stale);
      insert into report_district_weeks
        select s.week, coalesce(count(distinct w.student_id), 0), coalesce(count(distinct w.student_id) filter (where w.contacts > 0), 0),
          ${COUNTS.map((name) => `coalesce(sum(w.${name}), 0)`).join(', ')}
        from unnest(stale) s(week) left join report_student_weeks w on w.week = s.week
        group by s.week;
      delete from report_week_marks m where m.id = any(seen);
    end $fn$;

    -- Run every few minutes by the app: refreshes the computed weeks that writes marked, so marks never pile up and
    -- reports find their weeks fresh. Marks of weeks never computed are dropped: their first read computes them whole.
    create function report_district_weeks_upkeep() returns integer language plpgsql as $fn$
    declare
      marked date;
      refreshed integer := 0;
    begin
      if not exists (select 1 from report_week_marks) then
        return 0;
      end if;
      perform pg_advisory_xact_lock(${REFRESH_LOCK});
      delete from report_week_marks m where not exists (select 1 from report_district_weeks d where d.week = m.week);
      for marked in select distinct m.week from report_week_marks m order by 1 loop
        perform report_district_weeks_refresh(marked, marked + 7);
        refreshed := refreshed + 1;
      end loop;
      return refreshed;
    end $fn$;
  `).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql.raw(`
    drop function report_district_weeks_upkeep();
    drop function report_district_weeks_refresh(date, date);
    drop trigger report_student_weeks_mark_truncate on report_student_weeks;
    drop trigger report_student_weeks_mark_delete on report_student_weeks;
    drop trigger report_student_weeks_mark_update on report_student_weeks;
    drop trigger report_student_weeks_mark_insert on report_student_weeks;
    drop function report_mark_weeks();
    drop table report_week_marks;
    drop table report_district_weeks;
  `).execute(db);
}
