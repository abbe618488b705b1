// The goal-progress report: per visible goal, its baseline, target, measurements in time order and the weekly trend.
import { sql } from 'kysely';
import { audit } from '../../auth/audit.ts';
import { canSeeStudent } from '../../auth/policy.ts';
import type { ServiceContext } from '../../http/context.ts';
import { decodeCursor, pageLimit, toPage, type Page } from '../../http/paging.ts';
import { allPages } from './csv.ts';
import { assertMayListStudents, type ReportSettings } from './access.ts';
import type { GoalProgress, GoalProgressQuery } from './schemas.ts';

interface Measurement {
  progressEventId: string;
  occurredAt: string;
  value: number;
  setting: 'school' | 'home';
}

interface GoalProgressRow {
  id: string;
  studentId: string;
  title: string;
  status: string;
  measureType: string;
  baseline: number | null;
  target: number | null;
  createdAt: Date;
  measurements: Measurement[];
  slope: number | null;
}

const SECONDS_PER_WEEK = 604_800;

/** Toward the target when the slope points from the reference (baseline, else first value) to the target. */
export function trendDirection(slope: number | null, reference: number | null, target: number | null): GoalProgress['trend']['direction'] {
  if (slope === null || target === null || reference === null) return null;
  if (Math.abs(slope) < 1e-9) return 'flat';
  if (target === reference) return 'away_from_target';
  return Math.sign(slope) === Math.sign(target - reference) ? 'toward_target' : 'away_from_target';
}

function goalProgressRowToApi(row: GoalProgressRow): GoalProgress {
  const measurements = row.measurements.map((m) => ({ ...m, occurredAt: new Date(m.occurredAt).toISOString(), value: Number(m.value) }));
  const slope = row.slope === null ? null : Math.round(row.slope * 10_000) / 10_000;
  const reference = row.baseline ?? measurements[0]?.value ?? null;
  return {
    goalId: row.id,
    studentId: row.studentId,
    title: row.title,
    status: row.status as GoalProgress['status'],
    measureType: row.measureType as GoalProgress['measureType'],
    baseline: row.baseline,
    target: row.target,
    measurements,
    trend: { slopePerWeek: slope, direction: trendDirection(row.slope, reference, row.target) },
  };
}

export async function goalProgress(ctx: ServiceContext, settings: ReportSettings, query: GoalProgressQuery): Promise<Page<GoalProgress>> {
  assertMayListStudents(ctx.principal, settings);
  const limit = pageLimit(query);
  const after = decodeCursor(query.cursor);
  let select = ctx.db.selectFrom('goals as g')
    .select(['g.id', 'g.studentId', 'g.title', 'g.status', 'g.measureType', 'g.baseline', 'g.target', 'g.createdAt'])
    .select(sql<Measurement[]>`coalesce((select json_agg(json_build_object('progressEventId', pe.id, 'occurredAt', pe.occurred_at,
        'value', pe.value, 'setting', pe.setting) order by pe.occurred_at, pe.id)
      from progress_events pe where pe.goal_id = g.id and pe.value is not null), '[]')`.as('measurements'))
    .select(sql<number | null>`(select regr_slope(pe.value, extract(epoch from pe.occurred_at) / ${SECONDS_PER_WEEK})
      from progress_events pe where pe.goal_id = g.id and pe.value is not null)`.as('slope'))
    .where((eb) => canSeeStudent(eb, ctx.principal, 'g.studentId'));
  if (query.studentId) select = select.where('g.studentId', '=', query.studentId);
  if (query.goalId) select = select.where('g.id', '=', query.goalId);
  if (query.status) select = select.where('g.status', '=', query.status);
  if (after) {
    select = select.where(sql<boolean>`(g.created_at, g.id) > (${new Date(String(after[0]))}, ${after[1]}::uuid)`);
  }
  const rows = await select.orderBy('g.createdAt').orderBy('g.id').limit(limit + 1).execute() as GoalProgressRow[];
  const page = toPage(rows, limit, (r) => [r.createdAt.toISOString(), r.id], goalProgressRowToApi);
  await audit(ctx, page.data.map((g) => ({ action: 'list', recordType: 'goal', recordId: g.goalId, studentId: g.studentId })));
  return page;
}

/** Every goal from the query's cursor on, for CSV. */
export async function exportGoalProgress(ctx: ServiceContext, settings: ReportSettings, query: GoalProgressQuery): Promise<AsyncIterable<GoalProgress>> {
  return allPages((q) => goalProgress(ctx, settings, q), query);
}
