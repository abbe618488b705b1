// SQL of the engagement report: per-source aggregates per (group, student), then per group, in one statement.
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

const countWhere = (column: string, values: string[], prefix: string) =>
  values.map((v) => `count(*) filter (where ${column} = '${v}')::int as ${prefix}_${v}`).join(',\n      ');
const sumOf = (names: string[]) => names.map((n) => `sum(${n})::int as ${n}`).join(', ');
const names = (values: string[], prefix: string) => values.map((v) => `${prefix}_${v}`);

/** The group key of a record: the student's key (school, grade, class), its staff author, or its week. */
function keyOf(groupBy: GroupBy | undefined, staffColumn: string, dateColumn: string): string {
  if (groupBy === 'staff') return `${staffColumn}::text`;
  if (groupBy === 'week') return `to_char(date_trunc('week', ${dateColumn} at time zone 'UTC'), 'YYYY-MM-DD')`;
  return 'sc.skey';
}

function studentKey(groupBy: GroupBy | undefined): 'school' | 'grade' | 'class' | 'none' {
  return groupBy === 'school' || groupBy === 'grade' || groupBy === 'class' ? groupBy : 'none';
}

function labelOf(groupBy: GroupBy | undefined): string {
  switch (groupBy) {
    case 'school': return '(select o.name from orgs o where o.id = k.g::uuid)';
    case 'class': return '(select c.title from classes c where c.id = k.g::uuid)';
    case 'staff': return "(select st.given_name || ' ' || st.family_name from staff st where st.id = k.g::uuid)";
    case 'grade': case 'week': return 'k.g';
    default: return 'null::text';
  }
}

export async function engagementRows(db: Executor, principal: Principal, input: EngagementSqlInput): Promise<EngagementSqlRow[]> {
  const { groupBy, fromTs, toTsExclusive: toTs } = input;
  const scope = reportStudents(db, principal, input, studentKey(groupBy));
  const staff = (column: string): RawBuilder<unknown> => (input.staffId ? sql` and ${sql.raw(column)} = ${input.staffId}::uuid` : sql``);
  const firstPartition = groupBy === 'week' ? 'student_id' : 'g, student_id';
  const k = (staffColumn: string, dateColumn: string) => sql.raw(keyOf(groupBy, staffColumn, dateColumn));

  const query = sql<EngagementSqlRow>`
with sc as materialized (${scope}),
c1 as (
  select ${k('cl.author_id', 'cl.occurred_at')} as g, cl.student_id,
      count(*)::int as contacts,
      ${sql.raw(countWhere('cl.purpose', PURPOSES, 'purpose'))},
      ${sql.raw(countWhere('cl.channel', CHANNELS, 'channel'))},
      ${sql.raw(countWhere('cl.direction', DIRECTIONS, 'direction'))},
      count(*) filter (where cl.family_input is not null or cl.purpose = 'input_request')::int as family_input,
      count(*) filter (where cl.interpreter_used)::int as with_interpreter,
      count(*) filter (where cl.lang_match)::int as in_language,
      count(*) filter (where cl.lang_match or cl.interpreter_used)::int as language_or_interpreter,
      count(*) filter (where cl.follow_up_due is not null)::int as follow_up_due,
      count(*) filter (where cl.follow_up_due is not null and cl.follow_up_done_at is not null)::int as follow_up_done,
      count(*) filter (where cl.follow_up_due < (now() at time zone 'UTC')::date and cl.follow_up_done_at is null)::int as follow_up_overdue,
      count(*) filter (where cl.purpose = 'celebration' and cl.visibility = 'family')::int as celebration_contacts,
      min(cl.occurred_at) as first_at,
      min(cl.occurred_at) filter (where cl.purpose in ('strength', 'celebration')) as first_strength_at
  from (
    select x.*, (x.language is not null and exists (
        select 1 from contact_log_guardians clg join guardians gd on gd.id = clg.guardian_id
        where clg.contact_log_id = x.id
          and split_part(lower(gd.preferred_language), '-', 1) = split_part(lower(x.language), '-', 1))) as lang_match
    from contact_logs x
    where x.occurred_at >= ${fromTs}::timestamptz and x.occurred_at < ${toTs}::timestamptz${staff('x.author_id')}
  ) cl join sc on sc.student_id = cl.student_id
  group by 1, 2
),
c2 as (
  select g, ${sql.raw(sumOf(['contacts', ...names(PURPOSES, 'purpose'), ...names(CHANNELS, 'channel'), ...names(DIRECTIONS, 'direction'),
    'family_input', 'with_interpreter', 'in_language', 'language_or_interpreter', 'follow_up_due', 'follow_up_done', 'follow_up_overdue',
    'celebration_contacts']))},
    count(*)::int as students_contacted,
    count(*) filter (where first_strength_at = first_at and first_at = period_first)::int as first_contact_strength
  from (select c1.*, min(first_at) over (partition by ${sql.raw(firstPartition)}) as period_first from c1) f
  group by g
),
gs as (
  select ${k('x.created_by', 'x.created_at')} as g, x.student_id, x.status, true as created, false as met,
    exists (select 1 from goal_participants gp where gp.goal_id = x.id and gp.participant_type = 'guardian') as with_guardian
  from goals x join sc on sc.student_id = x.student_id
  where x.created_at >= ${fromTs}::timestamptz and x.created_at < ${toTs}::timestamptz${staff('x.created_by')}
  union all
  select ${k('x.created_by', 'x.status_changed_at')}, x.student_id, x.status, false, true,
    exists (select 1 from goal_participants gp where gp.goal_id = x.id and gp.participant_type = 'guardian')
  from goals x join sc on sc.student_id = x.student_id
  where x.status = 'met' and x.status_changed_at >= ${fromTs}::timestamptz and x.status_changed_at < ${toTs}::timestamptz${staff('x.created_by')}
),
g2 as (
  select g, count(*) filter (where created)::int as goals_created,
    ${sql.raw(STATUSES.map((s) => `count(*) filter (where created and status = '${s}')::int as status_${s}`).join(', '))},
    count(*) filter (where created and with_guardian)::int as goals_with_guardian,
    count(*) filter (where met)::int as goals_met,
    count(*) filter (where met and with_guardian)::int as goals_met_with_guardian
  from gs group by g
),
p1 as (
  select ${k('x.recorded_by_staff_id', 'x.occurred_at')} as g, x.student_id, count(*)::int as events,
      ${sql.raw(countWhere('x.kind', KINDS, 'kind'))},
      ${sql.raw(countWhere('x.setting', SETTINGS, 'setting'))},
      count(*) filter (where x.kind in ('celebration', 'milestone') and x.visibility = 'family')::int as celebration_events
  from progress_events x join sc on sc.student_id = x.student_id
  where x.occurred_at >= ${fromTs}::timestamptz and x.occurred_at < ${toTs}::timestamptz${staff('x.recorded_by_staff_id')}
  group by 1, 2
),
p2 as (
  select g, ${sql.raw(sumOf(['events', ...names(KINDS, 'kind'), ...names(SETTINGS, 'setting'), 'celebration_events']))}
  from p1 group by g
),
r1 as (
  select ${k('x.shared_by', 'x.shared_at')} as g, x.student_id, count(*)::int as shares_sent,
    count(*) filter (where x.acknowledged_at is not null)::int as shares_acknowledged
  from resource_shares x join sc on sc.student_id = x.student_id
  where x.shared_at >= ${fromTs}::timestamptz and x.shared_at < ${toTs}::timestamptz${staff('x.shared_by')}
  group by 1, 2
),
r2 as (select g, ${sql.raw(sumOf(['shares_sent', 'shares_acknowledged']))} from r1 group by g),
k as (
  select g, count(*)::int as students from (
    select g, student_id from c1 union select g, student_id from gs
    union select g, student_id from p1 union select g, student_id from r1
  ) u where g is not null group by g
)
select k.g as group_key, ${sql.raw(labelOf(groupBy))} as group_label, k.students, c2.*, g2.*, p2.*, r2.*
from k left join c2 on c2.g = k.g left join g2 on g2.g = k.g left join p2 on p2.g = k.g left join r2 on r2.g = k.g
order by group_label, k.g`;
  const result = await query.execute(db);
  return result.rows;
}
