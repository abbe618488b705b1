// SQL of the engagement report: sums the trigger-kept summaries (days, weeks, months) per (row key, student), then per group.
import { sql, type RawBuilder } from 'kysely';
import type { Principal } from '../../auth/principal.ts';
import type { Executor } from '../../db/database.ts';
import { seesEveryStudent } from '../../auth/policy.ts';
import { reportStudents } from './access.ts';
import { periodSegments, type Segment } from './periods.ts';
import type { GroupBy } from './schemas.ts';

export interface EngagementSqlInput {
  fromTs: string;
  toTsExclusive: string;
  groupBy?: GroupBy;
  schoolId?: string;
  classId?: string;
  staffId?: string;
  grade?: string;
  /** false: compute a district week report from the student rows instead of report_district_weeks (tests compare both). */
  districtWeeks?: boolean;
}

/** One aggregated row per group, snake_case columns as written below (camelCased on the way out). */
export type EngagementSqlRow = Record<string, number | string | null>;

const PURPOSES = ['strength', 'concern', 'update', 'input_request', 'plan', 'celebration', 'other'];
const CHANNELS = ['phone', 'email', 'text', 'in_person', 'video', 'home_visit', 'note_home', 'app_message', 'other'];
const DIRECTIONS = ['outbound', 'inbound'];
const STATUSES = ['draft', 'active', 'met', 'paused', 'discontinued'];
const KINDS = ['observation', 'measurement', 'milestone', 'celebration', 'setback'];
const SETTINGS = ['school', 'home'];
const of = (prefix: string, values: string[]) => values.map((v) => `${prefix}_${v}`);

/** The summary tables' count columns (see migrations/20261126_0300_report-summaries.ts). */
const COUNTS = [
  'contacts', ...of('purpose', PURPOSES), ...of('channel', CHANNELS), ...of('direction', DIRECTIONS),
  'family_input', 'with_interpreter', 'in_language', 'language_or_interpreter', 'follow_up_due', 'follow_up_done',
  'celebration_contacts', 'goals_created', ...of('status', STATUSES), 'goals_with_guardian', 'goals_met', 'goals_met_with_guardian',
  'events', ...of('kind', KINDS), ...of('setting', SETTINGS), 'celebration_events', 'shares_sent', 'shares_acknowledged',
];

const TABLES: Record<Segment['unit'], [string, string]> = {
  day: ['report_student_days', 'day'], week: ['report_student_weeks', 'week'], month: ['report_student_months', 'month'],
};

/** The row key a summary row carries into the per-student step: its author (staff), its ISO week, or none. */
function rowKey(groupBy: GroupBy | undefined, unit: Segment['unit']): string {
  if (groupBy === 'staff') return 'r.staff_id';
  if (groupBy === 'week') return unit === 'day' ? '(r.day - (extract(isodow from r.day)::int - 1))' : 'r.week';
  return 'null::date';
}

/**
 * The summary rows of the period as (rk, student_id, columns…), one select per segment. `narrow`: driven by the
 * report's students (index lookups per student, for a teacher's or a school's few thousand); otherwise every row of
 * the period, the students joined after aggregation (an admin seeing most students).
 */
function periodRows(segments: Segment[], groupBy: GroupBy | undefined, staffId: string | undefined, narrow: boolean, columns: string): RawBuilder<unknown> {
  const parts = segments.map(({ unit, from, to }) => {
    const [table, column] = TABLES[unit];
    const select = sql.raw(`${rowKey(groupBy, unit)} as rk, r.student_id, ${columns}`);
    const where = sql`r.${sql.raw(column)} >= ${from}::date and r.${sql.raw(column)} < ${to}::date${staffId ? sql` and r.staff_id = ${staffId}::uuid` : sql``}`;
    return narrow
      ? sql`select x.* from ids cross join lateral (select ${select} from ${sql.raw(table)} r where r.student_id = ids.student_id and ${where} offset 0) x`
      : sql`select ${select} from ${sql.raw(table)} r where ${where}`;
  });
  return sql.join(parts, sql` union all `);
}

function studentKey(groupBy: GroupBy | undefined): 'school' | 'grade' | 'class' | 'none' {
  return groupBy === 'school' || groupBy === 'grade' || groupBy === 'class' ? groupBy : 'none';
}

function labelOf(groupBy: GroupBy | undefined): string {
  switch (groupBy) {
    case 'school': return '(select o.name from orgs o where o.id = t.g::uuid)';
    case 'class': return '(select c.title from classes c where c.id = t.g::uuid)';
    case 'staff': return "(select st.given_name || ' ' || st.family_name from staff st where st.id = t.g::uuid)";
    case 'grade': case 'week': return 't.g';
    default: return 'null::text';
  }
}

/**
 * Whether the report's students are few enough to drive the summary reads: anyone but a caller who sees every student
 * and filters on none of the student's keys. For that caller the scope is every student, so summary rows (which exist
 * only for existing students) need no visibility join before they are grouped by row key.
 */
export function isNarrow(principal: Principal, input: EngagementSqlInput): boolean {
  return !seesEveryStudent(principal) || Boolean(input.schoolId || input.classId || input.grade);
}

/** The report statement (exported for EXPLAIN in bench/reports-explain.ts). */
export function engagementQuery(db: Executor, principal: Principal, input: EngagementSqlInput): RawBuilder<EngagementSqlRow> {
  const { groupBy, fromTs, toTsExclusive: toTs, staffId } = input;
  const narrow = isNarrow(principal, input);
  const scope = reportStudents(db, principal, input, studentKey(groupBy));
  const byRow = groupBy === 'staff' || groupBy === 'week';
  const segments = periodSegments(fromTs.slice(0, 10), toTs.slice(0, 10), !byRow && staffId === undefined);
  const rows = (columns: string) => periodRows(segments, groupBy, staffId, narrow, columns);
  const overdue = periodOverdue(segments, groupBy, staffId, narrow);
  const t = usesDistrictWeeks(principal, input) ? districtGroups(groupBy, fromTs.slice(0, 10), toTs.slice(0, 10))
    : byRow ? rowKeyedGroups(groupBy, rows) : studentKeyedGroups(groupBy, rows);
  return sql<EngagementSqlRow>`
with sc as materialized (${scope}),
ids as materialized (select distinct student_id from sc),
t as (${t}),
od as (
  select ${sql.raw(byRow ? rowKeyText(groupBy, 'k') : 'k')} as g, n as follow_up_overdue
  from (select ${sql.raw(byRow ? 'o.rk' : 'sc.skey')} as k, sum(o.open)::int as n from (${overdue}) o join sc on sc.student_id = o.student_id group by 1) odk
)
select t.g as group_key, ${sql.raw(labelOf(groupBy))} as group_label, t.*, coalesce(od.follow_up_overdue, 0) as follow_up_overdue
from t left join od on od.g = t.g
order by group_label, t.g`;
}

const ALL_COLUMNS = `${COUNTS.map((c) => `r.${c}`).join(', ')}, r.first_contact_at, r.first_strength_at`;
const sums = (alias: string) => COUNTS.map((c) => `sum(${alias}.${c})::int as ${c}`).join(', ');

/**
 * Groups keyed by the student (none, school, grade, class): every count summed per student first (about one hash
 * entry per student), then joined to the scope for the key (a student in two classes counts in both) and summed per group.
 */
function studentKeyedGroups(groupBy: GroupBy | undefined, rows: (columns: string) => RawBuilder<unknown>): RawBuilder<unknown> {
  return sql`select sc.skey as g, count(*)::int as students, ${sql.raw(sums('p'))},
    count(*) filter (where p.contacts > 0)::int as students_contacted,
    count(*) filter (where p.first_strength_at = p.first_at)::int as first_contact_strength
  from (
    select r.student_id, ${sql.raw(sums('r'))}, min(r.first_contact_at) as first_at, min(r.first_strength_at) as first_strength_at
    from (${rows(ALL_COLUMNS)}) r
    group by r.student_id
  ) p join sc on sc.student_id = p.student_id
  where sc.skey is not null
  group by sc.skey`;
}

/** A row key (`rk`: staff uuid or Monday's date) as the group key text; applied after grouping, never per row. */
function rowKeyText(groupBy: GroupBy | undefined, expr: string): string {
  return groupBy === 'week' ? `to_char(${expr}, 'YYYY-MM-DD')` : `${expr}::text`;
}

/**
 * Groups keyed by the summary row (staff author, ISO week): counts summed straight per group; students, contacted and
 * first contacts from a narrow per-(group, student) step. Staff groups take the first contact by that staff member;
 * week groups count a student in the week of their first contact of the whole period. Everything groups on the raw
 * key (a uuid or a date); the key becomes text only on the few result rows.
 */
function rowKeyedGroups(groupBy: GroupBy | undefined, rows: (columns: string) => RawBuilder<unknown>): RawBuilder<unknown> {
  const firstContacts = groupBy === 'week'
    ? strengthFirstWeeks(sql`select student_id, min(first_at) as first_at, min(first_strength_at) as first_strength_at from ps group by student_id`)
    : sql`select ps.rk, count(*)::int as n from ps where ps.first_strength_at = ps.first_at group by 1`;
  return sql`with ps as materialized (
    select r.rk, r.student_id, sum(r.contacts) > 0 as contacted, min(r.first_contact_at) as first_at, min(r.first_strength_at) as first_strength_at
    from (${rows('r.contacts, r.first_contact_at, r.first_strength_at')}) r
    where r.rk is not null
    group by r.rk, r.student_id
  )
  select ${sql.raw(rowKeyText(groupBy, 'c.rk'))} as g, c.students, ${sql.raw(COUNTS.map((c) => `s.${c}`).join(', '))}, c.students_contacted, coalesce(fc.n, 0) as first_contact_strength
  from (select x.rk, count(*)::int as students, count(*) filter (where x.contacted)::int as students_contacted from ps x group by 1) c
  join (select x.rk, ${sql.raw(sums('x'))} from (${rows(ALL_COLUMNS)}) x where x.rk is not null group by 1) s on s.rk = c.rk
  left join (${firstContacts}) fc on fc.rk = c.rk`;
}

/** Open follow-ups of the period's contacts whose due day is before today (UTC), as (rk, student_id, open). */
function periodOverdue(segments: Segment[], groupBy: GroupBy | undefined, staffId: string | undefined, narrow: boolean): RawBuilder<unknown> {
  const from = segments[0]!.from;
  const to = segments[segments.length - 1]!.to;
  const select = sql`select ${sql.raw(rowKey(groupBy, 'day'))} as rk, r.student_id, r.open from report_open_follow_ups r
    where r.day >= ${from}::date and r.day < ${to}::date and r.due < (now() at time zone 'UTC')::date${staffId ? sql` and r.staff_id = ${staffId}::uuid` : sql``}`;
  return narrow ? sql`select x.* from ids cross join lateral (${select} and r.student_id = ids.student_id offset 0) x` : select;
}

/**
 * The district-wide report, by week or in one row (a caller who sees every student, no filter), reads
 * report_district_weeks for its whole weeks: one row per week over every student, kept by
 * migrations/20261126_0600_report-district-weeks.ts.
 */
function usesDistrictWeeks(principal: Principal, input: EngagementSqlInput): boolean {
  return (input.groupBy === 'week' || input.groupBy === undefined) && !isNarrow(principal, input) && input.staffId === undefined
    && input.districtWeeks !== false;
}

/** The district week or one-row report over [from, to): whole weeks from the district rows, the edges from day rows. */
function districtGroups(groupBy: GroupBy | undefined, from: string, to: string): RawBuilder<unknown> {
  const weeksAndDays = periodSegments(from, to, false);
  // Per student over the whole period (months allowed): who had records, was contacted, and how their first contact went.
  const perStudent = periodRows(periodSegments(from, to, true), undefined, undefined, false, 'r.contacts, r.first_contact_at, r.first_strength_at');
  return groupBy === 'week' ? districtWeekGroups(weeksAndDays, perStudent) : districtTotal(weeksAndDays, perStudent);
}

/**
 * The one-row district report: the sums from the district rows of the whole weeks and the day rows of the edges; the
 * students, students contacted and first contacts from a narrow per-student step (three aggregates, not ~45). No row
 * when no student has a record, as the per-student form gives.
 */
function districtTotal(segments: Segment[], studentRows: RawBuilder<unknown>): RawBuilder<unknown> {
  const columns = sql.raw(COUNTS.map((c) => `x.${c}`).join(', '));
  const parts = segments.map(({ unit, from, to }) => unit === 'week'
    ? sql`select ${columns} from report_district_weeks x where x.week >= ${from}::date and x.week < ${to}::date`
    : sql`select ${columns} from report_student_days x where x.day >= ${from}::date and x.day < ${to}::date`);
  return sql`select ''::text as g, p.students, ${sql.raw(COUNTS.map((c) => `s.${c}`).join(', '))}, p.students_contacted, p.first_contact_strength
  from (
    select count(*)::int as students, (count(*) filter (where x.contacts > 0))::int as students_contacted,
      (count(*) filter (where x.first_strength_at = x.first_at))::int as first_contact_strength
    from (select r.student_id, sum(r.contacts) as contacts, min(r.first_contact_at) as first_at, min(r.first_strength_at) as first_strength_at
      from (${studentRows}) r group by r.student_id) x
  ) p
  cross join (select ${sql.raw(COUNTS.map((c) => `coalesce(sum(y.${c}), 0)::int as ${c}`).join(', '))} from (${sql.join(parts, sql` union all `)}) y) s
  where p.students > 0`;
}

/**
 * Week groups over every student: whole weeks from the district rows (students, students contacted and the sums, as
 * the per-student steps would give them), the partial weeks at the period's edges from the day rows, and first contacts
 * from one narrow per-student step over the whole period (months allowed), counted in the week they fall in.
 */
function districtWeekGroups(segments: Segment[], firstContactRows: RawBuilder<unknown>): RawBuilder<unknown> {
  const weeks = segments.filter((segment) => segment.unit === 'week');
  const days = segments.filter((segment) => segment.unit === 'day');
  const counts = sql.raw(COUNTS.map((c) => `x.${c}`).join(', '));
  const parts = [
    ...weeks.map(({ from, to }) => sql`select x.week as rk, x.students, x.students_contacted, ${counts} from report_district_weeks x
      where x.week >= ${from}::date and x.week < ${to}::date and x.students > 0`),
    ...(days.length === 0 ? [] : [sql`select x.rk, count(distinct x.student_id)::int, (count(distinct x.student_id) filter (where x.contacts > 0))::int,
      ${sql.raw(COUNTS.map((c) => `sum(x.${c})::int`).join(', '))}
      from (${periodRows(days, 'week', undefined, false, ALL_COLUMNS)}) x group by x.rk`]),
  ];
  return sql`select ${sql.raw(rowKeyText('week', 'c.rk'))} as g, c.students, ${sql.raw(COUNTS.map((c) => `c.${c}`).join(', '))},
    c.students_contacted, coalesce(fc.n, 0) as first_contact_strength
  from (${sql.join(parts, sql` union all `)}) c
  left join (${strengthFirstWeeks(sql`select r.student_id, min(r.first_contact_at) as first_at, min(r.first_strength_at) as first_strength_at
    from (${firstContactRows}) r group by r.student_id`)}) fc on fc.rk = c.rk`;
}

/**
 * Students whose first contact of the whole period was a strength, counted in the week (its Monday, `rk`) of that
 * contact; `perStudent` yields one (student_id, first_at, first_strength_at) per student.
 */
function strengthFirstWeeks(perStudent: RawBuilder<unknown>): RawBuilder<unknown> {
  return sql`select (date_trunc('week', s.first_at at time zone 'UTC'))::date as rk, count(*)::int as n
    from (${perStudent}) s where s.first_strength_at = s.first_at group by 1`;
}

/**
 * Brings the district week rows a report will read up to date (nothing to do for other reports). Called before the
 * report's transaction, in a short one of its own, so the refresh's lock is not held while the report runs.
 */
export async function refreshDistrictWeeks(db: Executor, principal: Principal, input: EngagementSqlInput): Promise<void> {
  if (!usesDistrictWeeks(principal, input)) return;
  const segments = periodSegments(input.fromTs.slice(0, 10), input.toTsExclusive.slice(0, 10), false);
  for (const { from, to } of segments.filter((segment) => segment.unit === 'week')) {
    await sql`select report_district_weeks_refresh(${from}::date, ${to}::date)`.execute(db);
  }
}

export async function engagementRows(db: Executor, principal: Principal, input: EngagementSqlInput): Promise<EngagementSqlRow[]> {
  const result = await engagementQuery(db, principal, input).execute(db);
  return result.rows;
}
