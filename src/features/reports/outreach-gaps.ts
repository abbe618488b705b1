// The outreach-gaps report: active students with no family contact in N days, or whose last contacts were all concerns.
import { sql } from 'kysely';
import { audit } from '../../auth/audit.ts';
import type { Principal } from '../../auth/principal.ts';
import type { Executor } from '../../db/database.ts';
import type { ServiceContext } from '../../http/context.ts';
import { decodeCursor, pageLimit, toPage, type CursorKey, type Page } from '../../http/paging.ts';
import { allPages } from './csv.ts';
import { assertMayListStudents, reportStudents, type ReportSettings } from './access.ts';
import type { OutreachGap, OutreachGapsQuery } from './schemas.ts';

const DAY_MS = 86_400_000;

interface GapRow {
  id: string;
  studentName: string;
  schoolId: string | null;
  grade: string | null;
  lastAt: Date | null;
  streak: boolean;
  guardians: OutreachGap['guardians'];
}

async function outreachGapRows(db: Executor, principal: Principal, query: OutreachGapsQuery, asOf: Date,
  after: CursorKey | undefined, limit: number): Promise<GapRow[]> {
  const days = query.days ?? 30;
  const streakLength = query.concernStreak ?? 3;
  const since = new Date(asOf.getTime() - days * DAY_MS);
  const scope = reportStudents(db, principal, { schoolId: query.schoolId, classId: query.classId, activeOnly: true }, 'none');
  let keyset = sql`true`;
  if (after) {
    const [lastAt, id] = after;
    keyset = lastAt === null
      ? sql`(b.last_at is null and b.id > ${id}::uuid) or b.last_at is not null`
      : sql`b.last_at > ${new Date(String(lastAt))}::timestamptz or (b.last_at = ${new Date(String(lastAt))}::timestamptz and b.id > ${id}::uuid)`;
  }
  const result = await sql<GapRow>`
with sc as (${scope}),
b as (
  select s.id, coalesce(s.preferred_first_name, s.given_name) || ' ' || s.family_name as student_name, s.school_id, s.grade,
    lc.last_at, coalesce(st.streak, false) as streak
  from sc join students s on s.id = sc.student_id
  left join lateral (select max(x.occurred_at) as last_at from contact_logs x
    where x.student_id = s.id and x.occurred_at <= ${asOf}::timestamptz) lc on true
  left join lateral (select count(*) = ${streakLength} and bool_and(z.purpose = 'concern') as streak from (
    select x.purpose from contact_logs x where x.student_id = s.id and x.occurred_at <= ${asOf}::timestamptz
    order by x.occurred_at desc, x.id desc limit ${streakLength}) z) st on true
)
select b.*, coalesce((select json_agg(json_build_object('guardianId', g.id, 'name', g.given_name || ' ' || g.family_name,
    'relationship', sg.relationship, 'isPrimary', sg.is_primary, 'preferredChannel', g.preferred_channel,
    'preferredLanguage', g.preferred_language, 'needsInterpreter', g.needs_interpreter)
    order by sg.is_primary desc, g.family_name, g.given_name, g.id)
  from student_guardians sg join guardians g on g.id = sg.guardian_id
  where sg.student_id = b.id and sg.status = 'active' and sg.may_contact and g.status = 'active'), '[]') as guardians
from b
where (b.last_at is null or b.last_at < ${since}::timestamptz or b.streak) and (${keyset})
order by b.last_at asc nulls first, b.id
limit ${limit + 1}`.execute(db);
  return result.rows;
}

function gapRowToApi(row: GapRow, asOf: Date): OutreachGap {
  const since = row.lastAt === null ? null : Math.floor((asOf.getTime() - row.lastAt.getTime()) / DAY_MS);
  return {
    studentId: row.id,
    studentName: row.studentName,
    schoolId: row.schoolId,
    grade: row.grade,
    lastContactAt: row.lastAt?.toISOString() ?? null,
    daysSinceContact: since,
    reasons: [],
    guardians: row.guardians,
  };
}

/** One page of the call list, longest without contact first. */
export async function outreachGaps(ctx: ServiceContext, settings: ReportSettings, query: OutreachGapsQuery): Promise<Page<OutreachGap>> {
  assertMayListStudents(ctx.principal, settings);
  const asOf = query.asOf ? new Date(query.asOf) : new Date();
  const days = query.days ?? 30;
  const limit = pageLimit(query);
  const rows = await outreachGapRows(ctx.db, ctx.principal, query, asOf, decodeCursor(query.cursor), limit);
  const since = asOf.getTime() - days * DAY_MS;
  const page = toPage(rows, limit, (r) => [r.lastAt?.toISOString() ?? null, r.id], (r) => {
    const gap = gapRowToApi(r, asOf);
    if (r.lastAt === null || r.lastAt.getTime() < since) gap.reasons.push('no_recent_contact');
    if (r.streak) gap.reasons.push('concern_streak');
    return gap;
  });
  await audit(ctx, page.data.map((g) => ({ action: 'list', recordType: 'report:outreachGap', recordId: g.studentId, studentId: g.studentId })));
  return page;
}

/** Every row from the query's cursor on, for CSV: one instant (asOf) for all pages. */
export async function exportOutreachGaps(ctx: ServiceContext, settings: ReportSettings, query: OutreachGapsQuery): Promise<AsyncIterable<OutreachGap>> {
  const asOf = query.asOf ?? new Date().toISOString();
  return allPages((q) => outreachGaps(ctx, settings, q), { ...query, asOf });
}
