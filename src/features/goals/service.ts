// Goal rules: who may create, read, change, reopen and delete goals; status moves and measures on the merged goal.
import type { Updateable } from 'kysely';
import { assertScope } from '../../auth/policy.ts';
import { audit } from '../../auth/audit.ts';
import type { Goals } from '../../db/types.ts';
import { inTransaction, type ServiceContext } from '../../http/context.ts';
import { assertIfMatch } from '../../http/etag.ts';
import { ConflictError, ForbiddenError, NotFoundError } from '../../http/errors.ts';
import { decodeCursor, pageLimit, toPage, type Page } from '../../http/paging.ts';
import { assertStudentReference, resolveStaffAuthor } from '../students/references.ts';
import { loadGoalForRead, loadGoalForWrite } from './access.ts';
import { byIds, distinct, pagesByParent, type RelationPage } from '../../db/batch.ts';
import { deleteGoalRow, findGoal, findGoalRows, listGoalRowsOfStudents, type GoalRelationFilter, goalHasProgressEvents, insertGoal, listGoalRows, updateGoalRow, type GoalRow } from './queries.ts';
import { assertMeasure, assertStatusMove, REOPENABLE, type GoalMeasure } from './rules.ts';
import type { Goal, GoalCreate, GoalListQuery, GoalPatch, GoalStatus } from './schemas.ts';

const RECORD = 'goal';

const num = (value: number | string | null): number | null => (value === null ? null : Number(value));

export function goalRowToApi(row: GoalRow): Goal {
  return {
    id: row.id,
    studentId: row.studentId,
    title: row.title,
    description: row.description,
    domain: row.domain as Goal['domain'],
    status: row.status as Goal['status'],
    setting: row.setting as Goal['setting'],
    measureType: row.measureType as Goal['measureType'],
    baseline: num(row.baseline),
    target: num(row.target),
    ratingMin: num(row.ratingMin),
    ratingMax: num(row.ratingMax),
    startDate: row.startDate,
    targetDate: row.targetDate,
    createdBy: row.createdBy,
    statusChangedAt: row.statusChangedAt.toISOString(),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export async function listGoals(ctx: ServiceContext, query: GoalListQuery): Promise<Page<Goal>> {
  assertScope(ctx.principal, 'partnership', 'read');
  const limit = pageLimit(query);
  const rows = await listGoalRows(ctx.db, ctx.principal, query, decodeCursor(query.cursor), limit);
  const page = toPage(rows, limit, (r) => [r.createdAtKey, r.id], goalRowToApi);
  await audit(ctx, page.data.map((g) => ({ action: 'list', recordType: RECORD, recordId: g.id, studentId: g.studentId })));
  return page;
}

export async function getGoal(ctx: ServiceContext, id: string): Promise<Goal> {
  const row = await loadGoalForRead(ctx, id);
  await audit(ctx, [{ action: 'read', recordType: RECORD, recordId: id, studentId: row.studentId }]);
  return goalRowToApi(row);
}

async function reread(tx: ServiceContext, id: string): Promise<Goal> {
  const row = await findGoal(tx.db, tx.principal, id);
  if (!row) throw new NotFoundError('Goal', id);
  return goalRowToApi(row);
}

export async function createGoal(ctx: ServiceContext, input: GoalCreate): Promise<Goal> {
  assertScope(ctx.principal, 'partnership', 'write');
  if (ctx.principal.role === 'guardian') throw new ForbiddenError('Guardians take part in goals that staff create; they add their input');
  return inTransaction(ctx, async (tx) => {
    await assertStudentReference(tx, input.studentId);
    const createdBy = await resolveStaffAuthor(tx, input.createdBy, '/body/createdBy');
    const measure: GoalMeasure = {
      measureType: input.measureType ?? 'note_only',
      baseline: input.baseline ?? null,
      target: input.target ?? null,
      ratingMin: input.ratingMin ?? null,
      ratingMax: input.ratingMax ?? null,
      startDate: input.startDate ?? null,
      targetDate: input.targetDate ?? null,
    };
    assertMeasure(measure);
    const id = await insertGoal(tx.db, {
      studentId: input.studentId,
      title: input.title,
      description: input.description ?? null,
      domain: input.domain,
      status: input.status ?? 'draft',
      setting: input.setting ?? 'both',
      createdBy,
      ...measure,
    });
    await audit(tx, [{ action: 'create', recordType: RECORD, recordId: id, studentId: input.studentId }]);
    return reread(tx, id);
  });
}

export async function updateGoal(ctx: ServiceContext, id: string, patch: GoalPatch, ifMatch?: string): Promise<Goal> {
  return inTransaction(ctx, async (tx) => {
    const row = await loadGoalForWrite(tx, id);
    const current = goalRowToApi(row);
    assertIfMatch(ifMatch, current);
    if (patch.status !== undefined) assertStatusMove(current.status, patch.status);
    const merged = <K extends keyof GoalMeasure>(key: K): GoalMeasure[K] =>
      (patch[key] === undefined ? current[key] : patch[key]) as GoalMeasure[K];
    assertMeasure({
      measureType: merged('measureType'), baseline: merged('baseline'), target: merged('target'),
      ratingMin: merged('ratingMin'), ratingMax: merged('ratingMax'), startDate: merged('startDate'), targetDate: merged('targetDate'),
    });
    const statusChanged = patch.status !== undefined && patch.status !== current.status;
    await updateGoalRow(tx.db, id, patch as Updateable<Goals>, statusChanged);
    await audit(tx, [{ action: 'update', recordType: RECORD, recordId: id, studentId: row.studentId }]);
    if (statusChanged) tx.publish?.({ topic: 'goalStatusChanged', studentId: row.studentId, recordId: id });
    return reread(tx, id);
  });
}

/** The one way back to active from paused, met or discontinued. */
export async function reopenGoal(ctx: ServiceContext, id: string, ifMatch?: string): Promise<Goal> {
  return inTransaction(ctx, async (tx) => {
    const row = await loadGoalForWrite(tx, id);
    assertIfMatch(ifMatch, goalRowToApi(row));
    if (!REOPENABLE.includes(row.status as GoalStatus)) {
      throw new ConflictError(`A ${row.status} goal cannot be reopened; only paused, met or discontinued goals can`);
    }
    await updateGoalRow(tx.db, id, { status: 'active' }, true);
    await audit(tx, [{ action: 'update', recordType: RECORD, recordId: id, studentId: row.studentId }]);
    tx.publish?.({ topic: 'goalStatusChanged', studentId: row.studentId, recordId: id });
    return reread(tx, id);
  });
}

/** Only a draft without progress is deleted; anything with history is discontinued instead, so the history stays. */
export async function deleteGoal(ctx: ServiceContext, id: string, ifMatch?: string): Promise<void> {
  await inTransaction(ctx, async (tx) => {
    const row = await loadGoalForWrite(tx, id);
    assertIfMatch(ifMatch, goalRowToApi(row));
    if (row.status !== 'draft') {
      throw new ConflictError(`A ${row.status} goal cannot be deleted; set its status to discontinued instead so its history stays`);
    }
    if (await goalHasProgressEvents(tx.db, id)) {
      throw new ConflictError('This goal has progress events; set its status to discontinued instead so its history stays');
    }
    await deleteGoalRow(tx.db, id);
    await audit(tx, [{ action: 'delete', recordType: RECORD, recordId: id, studentId: row.studentId }]);
  });
}

/** Visible goals by id, in the order of the ids (null where not visible); one audited read. */
export async function getGoalsByIds(ctx: ServiceContext, ids: readonly string[]): Promise<Array<Goal | null>> {
  assertScope(ctx.principal, 'partnership', 'read');
  const rows = await findGoalRows(ctx.db, ctx.principal, distinct(ids));
  await audit(ctx, rows.map((r) => ({ action: 'read', recordType: RECORD, recordId: r.id, studentId: r.studentId })));
  return byIds(ids, rows, goalRowToApi);
}

/** Each student's visible goals, newest first, one page per student (one query, one audit insert). */
export async function listGoalsOfStudents(ctx: ServiceContext, studentIds: readonly string[], filter: GoalRelationFilter,
  params: RelationPage): Promise<Array<Page<Goal>>> {
  assertScope(ctx.principal, 'partnership', 'read');
  const limit = pageLimit(params);
  const rows = await listGoalRowsOfStudents(ctx.db, ctx.principal, distinct(studentIds), filter, decodeCursor(params.cursor), limit);
  const pages = pagesByParent(studentIds, rows, (r) => r.studentId, limit, (r) => [r.createdAtKey, r.id], goalRowToApi);
  await audit(ctx, pages.flatMap((p) => p.data).map((g) => ({ action: 'list', recordType: RECORD, recordId: g.id, studentId: g.studentId })));
  return pages;
}

export { visibleGoals } from './queries.ts';
