// SQL of the engagement report: sums the trigger-kept summaries (report_student_days / _months) per (group, student), then per group.
import { sql, type RawBuilder } from 'kysely';
import type { Principal } from '../../auth/principal.ts';
import type { Executor } from '../../db/database.ts';
import { reportStudents } from './access.ts';
import type { GroupBy } from './schemas.ts';

export interface EngagementSqlInput {
  fromTs: string;
  toTsExclusive: string;
  groupBy?: GroupBy;
  schoolId?: string;
  classId?: string;
  staffId?: string;
  grade?: string;
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
const SUMMARY_COLUMNS = [...COUNTS, 'first_contact_at', 'first_strength_at'].join(', ');

const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);
/** The first day of the month of `day`, or of the next month when `day` is not a first. */
function monthStart(day: string, roundUp: boolean): string {
  const first = `${day.slice(0, 8)}01`;
  if (!roundUp || first === day) return first;
  const d = new Date(`${first}T00:00:00Z`);
  d.setUTCMonth(d.getUTCMonth() + 1);
  return isoDay(d.getTime());
}

/**
 * The summary rows of the period joined to the report's students, as (g, student_id, counts…). Each part joins `sc`
 * itself, so a teacher's few students drive index lookups and an admin's thousands a hash join. Whole calendar months
 * come from the month table (no staff author: only when neither the group nor a filter needs the author or the day).
 */
function periodRows(fromDay: string, toDayExclusive: string, groupBy: GroupBy | undefined, staffId?: string): RawBuilder<unknown> {
  const columns = sql.raw(`${keyOf(groupBy)} as g, r.student_id, ${SUMMARY_COLUMNS.split(', ').map((c) => `r.${c}`).join(', ')}`);
  const days = (from: string, to: string) => sql`select ${columns} from report_student_days r join sc on sc.student_id = r.student_id
    where r.day >= ${from}::date and r.day < ${to}::date${staffId ? sql` and r.staff_id = ${staffId}::uuid` : sql``}`;
  const firstMonth = monthStart(fromDay, true);
  const endMonth = monthStart(toDayExclusive, false);
  if (groupBy === 'staff' || groupBy === 'week' || staffId || firstMonth >= endMonth) return days(fromDay, toDayExclusive);
  return sql`${days(fromDay, firstMonth)}
    union all select ${columns} from report_student_months r join sc on sc.student_id = r.student_id
      where r.month >= ${firstMonth}::date and r.month < ${endMonth}::date
    union all ${days(endMonth, toDayExclusive)}`;
}

/** The group key of a summary row: the student's key (school, grade, class), its staff author, or its ISO week. */
function keyOf(groupBy: GroupBy | undefined): string {
  if (groupBy === 'staff') return 'r.staff_id::text';
  if (groupBy === 'week') return `to_char(r.day - (extract(isodow from r.day)::int - 1), 'YYYY-MM-DD')`;
  return 'sc.skey';
}

/** The same key for a contact log row (follow-ups overdue are counted on the logs: "overdue" moves with today). */
function logKeyOf(groupBy: GroupBy | undefined): string {
  if (groupBy === 'staff') return 'x.author_id::text';
  if (groupBy === 'week') return `to_char(date_trunc('week', x.occurred_at at time zone 'UTC'), 'YYYY-MM-DD')`;
  return 'sc.skey';
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

/** The report statement (exported for EXPLAIN in bench/reports-explain.ts). */
export function engagementQuery(db: Executor, principal: Principal, input: EngagementSqlInput): RawBuilder<EngagementSqlRow> {
  const { groupBy, fromTs, toTsExclusive: toTs } = input;
  const scope = reportStudents(db, principal, input, studentKey(groupBy));
  const fromDay = fromTs.slice(0, 10);
  const toDayExclusive = toTs.slice(0, 10);
  const rows = periodRows(fromDay, toDayExclusive, groupBy, input.staffId);
  const firstPartition = groupBy === 'week' ? 'student_id' : 'g, student_id';
  const perStudent = COUNTS.map((c) => `sum(r.${c})::int as ${c}`).join(', ');
  const perGroup = COUNTS.map((c) => `sum(f.${c})::int as ${c}`).join(', ');

  return sql<EngagementSqlRow>`
with sc as materialized (${scope}),
t as (
  select g, count(*)::int as students, ${sql.raw(perGroup)},
    count(*) filter (where contacts > 0)::int as students_contacted,
    count(*) filter (where first_strength_at = first_at and first_at = period_first)::int as first_contact_strength
  from (
    select p.*, min(p.first_at) over (partition by ${sql.raw(firstPartition)}) as period_first
    from (
      select r.g, r.student_id, ${sql.raw(perStudent)},
        min(r.first_contact_at) as first_at, min(r.first_strength_at) as first_strength_at
      from (${rows}) r
      group by 1, 2
    ) p
  ) f
  where g is not null
  group by g
),
od as (
  select ${sql.raw(logKeyOf(groupBy))} as g, count(*)::int as follow_up_overdue
  from contact_logs x join sc on sc.student_id = x.student_id
  where x.follow_up_done_at is null and x.follow_up_due < (now() at time zone 'UTC')::date
    and x.occurred_at >= ${fromTs}::timestamptz and x.occurred_at < ${toTs}::timestamptz${input.staffId ? sql` and x.author_id = ${input.staffId}::uuid` : sql``}
  group by 1
)
select t.g as group_key, ${sql.raw(labelOf(groupBy))} as group_label, t.*, coalesce(od.follow_up_overdue, 0) as follow_up_overdue
from t left join od on od.g = t.g
order by group_label, t.g`;
}

export async function engagementRows(db: Executor, principal: Principal, input: EngagementSqlInput): Promise<EngagementSqlRow[]> {
  const result = await engagementQuery(db, principal, input).execute(db);
  return result.rows;
}
