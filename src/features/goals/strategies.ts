// Goal strategy rules: resources from the library used for a goal at home, at school or both.
import { audit } from '../../auth/audit.ts';
import { inTransaction, type ServiceContext } from '../../http/context.ts';
import { assertIfMatch } from '../../http/etag.ts';
import { ConflictError, NotFoundError } from '../../http/errors.ts';
import { decodeCursor, pageLimit, toPage, type Page } from '../../http/paging.ts';
import { assertResourceUsable } from '../strategy-resources/references.ts';
import { loadGoalForRead, loadGoalForWrite } from './access.ts';
import {
  deleteStrategyRow, findStrategy, insertStrategy, listStrategyRows, listStrategyRowsOfGoals, strategyExists, updateStrategyRow, type StrategyRow,
} from './part-queries.ts';
import type { GoalPartListQuery, GoalStrategy, GoalStrategyCreate, GoalStrategyPatch } from './part-schemas.ts';
import { listsByParent } from '../../db/batch.ts';
import { assertScope } from '../../auth/policy.ts';
import { findGoalRows, type GoalRow } from './queries.ts';

const RECORD = 'goalStrategy';

export function strategyRowToApi(row: StrategyRow): GoalStrategy {
  return {
    id: row.id,
    goalId: row.goalId,
    resourceId: row.resourceId,
    resourceTitle: row.resourceTitle,
    resourceKind: row.resourceKind,
    usedAt: row.usedAt as GoalStrategy['usedAt'],
    notes: row.notes,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

async function strategyOf(ctx: ServiceContext, goal: GoalRow, strategyId: string): Promise<StrategyRow> {
  const row = await findStrategy(ctx.db, goal.id, strategyId);
  if (!row) throw new NotFoundError('Goal strategy', strategyId);
  return row;
}

export async function listGoalStrategies(ctx: ServiceContext, goalId: string, query: GoalPartListQuery): Promise<Page<GoalStrategy>> {
  const goal = await loadGoalForRead(ctx, goalId);
  const limit = pageLimit(query);
  const rows = await listStrategyRows(ctx.db, goalId, decodeCursor(query.cursor), limit);
  const page = toPage(rows, limit, (r) => [r.createdAtKey, r.id], strategyRowToApi);
  await audit(ctx, page.data.map((s) => ({ action: 'list', recordType: RECORD, recordId: s.id, studentId: goal.studentId })));
  return page;
}

export async function getGoalStrategy(ctx: ServiceContext, goalId: string, strategyId: string): Promise<GoalStrategy> {
  const goal = await loadGoalForRead(ctx, goalId);
  const row = await strategyOf(ctx, goal, strategyId);
  await audit(ctx, [{ action: 'read', recordType: RECORD, recordId: strategyId, studentId: goal.studentId }]);
  return strategyRowToApi(row);
}

export async function addGoalStrategy(ctx: ServiceContext, goalId: string, input: GoalStrategyCreate): Promise<GoalStrategy> {
  return inTransaction(ctx, async (tx) => {
    const goal = await loadGoalForWrite(tx, goalId);
    await assertResourceUsable(tx, input.resourceId);
    if (await strategyExists(tx.db, goalId, input.resourceId)) {
      throw new ConflictError('This resource is already a strategy of the goal', [{ path: '/body/resourceId', message: 'is already used for this goal' }]);
    }
    const id = await insertStrategy(tx.db, { goalId, resourceId: input.resourceId, usedAt: input.usedAt ?? 'both', notes: input.notes ?? null });
    await audit(tx, [{ action: 'create', recordType: RECORD, recordId: id, studentId: goal.studentId }]);
    return strategyRowToApi(await strategyOf(tx, goal, id));
  });
}

export async function updateGoalStrategy(ctx: ServiceContext, goalId: string, strategyId: string, patch: GoalStrategyPatch,
  ifMatch?: string): Promise<GoalStrategy> {
  return inTransaction(ctx, async (tx) => {
    const goal = await loadGoalForWrite(tx, goalId);
    const row = await strategyOf(tx, goal, strategyId);
    assertIfMatch(ifMatch, strategyRowToApi(row));
    await updateStrategyRow(tx.db, strategyId, patch);
    await audit(tx, [{ action: 'update', recordType: RECORD, recordId: strategyId, studentId: goal.studentId }]);
    return strategyRowToApi(await strategyOf(tx, goal, strategyId));
  });
}

export async function removeGoalStrategy(ctx: ServiceContext, goalId: string, strategyId: string, ifMatch?: string): Promise<void> {
  await inTransaction(ctx, async (tx) => {
    const goal = await loadGoalForWrite(tx, goalId);
    const row = await strategyOf(tx, goal, strategyId);
    assertIfMatch(ifMatch, strategyRowToApi(row));
    await deleteStrategyRow(tx.db, strategyId);
    await audit(tx, [{ action: 'delete', recordType: RECORD, recordId: strategyId, studentId: goal.studentId }]);
  });
}

/** The strategies of each goal the caller may see (two queries and one audit insert for all the goals). */
export async function listStrategiesOfGoals(ctx: ServiceContext, goalIds: readonly string[]): Promise<GoalStrategy[][]> {
  assertScope(ctx.principal, 'partnership', 'read');
  const goals = new Map((await findGoalRows(ctx.db, ctx.principal, [...new Set(goalIds)])).map((g) => [g.id, g]));
  const rows = await listStrategyRowsOfGoals(ctx.db, [...goals.keys()]);
  await audit(ctx, rows.map((s) => ({ action: 'list', recordType: RECORD, recordId: s.id, studentId: goals.get(s.goalId)!.studentId })));
  return listsByParent(goalIds, rows, (r) => r.goalId, strategyRowToApi);
}
