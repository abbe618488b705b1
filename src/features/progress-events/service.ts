// Progress event rules: who records, reads, changes and deletes progress, and which values a goal's measure takes.
import { assertScope, familyOnly, mayEditAuthored } from '../../auth/policy.ts';
import { isUuid, type Principal } from '../../auth/principal.ts';
import { audit } from '../../auth/audit.ts';
import { inTransaction, type ServiceContext } from '../../http/context.ts';
import { assertIfMatch } from '../../http/etag.ts';
import { ForbiddenError, NotFoundError, UnprocessableError, ValidationError, type FieldError } from '../../http/errors.ts';
import { decodeCursor, pageLimit, toPage, type CursorKey, type Page } from '../../http/paging.ts';
import { byIds, distinct, pagesByParent, type RelationPage } from '../../db/batch.ts';
import { loadGoalForRead } from '../goals/access.ts';
import { assertGoalOfStudent } from '../goals/references.ts';
import { assertStudentReference, resolveStaffAuthor } from '../students/references.ts';
import {
  deleteProgressEventRow, findProgressEvent, findProgressEventRows, insertProgressEvent, listProgressEventRows, listProgressEventRowsOfParents,
  updateProgressEventRow, type ProgressEventRow, type ProgressRelationFilter,
} from './queries.ts';
import type {
  GoalProgressQuery, ProgressEvent, ProgressEventCreate, ProgressEventFilter, ProgressEventListQuery, ProgressEventPatch,
} from './schemas.ts';

const RECORD = 'progressEvent';
const CLOSED_GOAL_STATUSES = new Set(['draft', 'discontinued']);

/** What the rules need of a goal. */
interface GoalMeasure {
  id: string;
  status: string;
  measureType: string;
  ratingMin: number | null;
  ratingMax: number | null;
}

export function progressEventRowToApi(row: ProgressEventRow): ProgressEvent {
  return {
    id: row.id,
    studentId: row.studentId,
    goalId: row.goalId,
    occurredAt: row.occurredAt.toISOString(),
    recordedByType: row.recordedByType as ProgressEvent['recordedByType'],
    recordedByStaffId: row.recordedByStaffId,
    recordedByGuardianId: row.recordedByGuardianId,
    setting: row.setting as ProgressEvent['setting'],
    kind: row.kind as ProgressEvent['kind'],
    value: row.value === null ? null : Number(row.value),
    note: row.note,
    visibility: row.visibility,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

function unprocessable(errors: FieldError[], detail = errors.map((e) => `${e.path.replace('/body/', '')} ${e.message}`).join('; ')): void {
  if (errors.length > 0) throw new UnprocessableError(detail, errors);
}

/** Errors for a value that does not fit the goal's measure, or a measurement without its goal and value. */
export function valueErrors(kind: string, value: number | null, goal: GoalMeasure | null): FieldError[] {
  const errors: FieldError[] = [];
  if (kind === 'measurement') {
    if (goal === null) errors.push({ path: '/body/goalId', message: 'is required for a measurement' });
    if (value === null) errors.push({ path: '/body/value', message: 'is required for a measurement' });
  }
  if (value === null) return errors;
  if (goal === null) {
    if (kind !== 'measurement') errors.push({ path: '/body/value', message: 'needs a goal whose measure it is on' });
    return errors;
  }
  const fits = (ok: boolean, message: string) => { if (!ok) errors.push({ path: '/body/value', message }); };
  switch (goal.measureType) {
    case 'percent': fits(value >= 0 && value <= 100, 'must be a percentage from 0 to 100'); break;
    case 'rating': fits(goal.ratingMin !== null && goal.ratingMax !== null && value >= Number(goal.ratingMin) && value <= Number(goal.ratingMax),
      `must be a rating from ${goal.ratingMin} to ${goal.ratingMax}`); break;
    case 'yes_no': fits(value === 0 || value === 1, 'must be 0 (no) or 1 (yes)'); break;
    case 'count': fits(Number.isInteger(value) && value >= 0, 'must be a whole number of 0 or more'); break;
    default: fits(false, 'is not taken by a goal measured by notes only');
  }
  return errors;
}

/** The goal a write names: one of the student's goals, visible to the caller, and (for new events) not draft or discontinued. */
async function goalForWrite(tx: ServiceContext, goalId: string, studentId: string, mustBeOpen: boolean): Promise<GoalMeasure> {
  await assertGoalOfStudent(tx, goalId, studentId);
  const goal = await loadGoalForRead(tx, goalId).catch((error: unknown) => {
    if (error instanceof NotFoundError) {
      throw new UnprocessableError('Guardians record progress on goals they take part in', [{ path: '/body/goalId', message: 'is not a goal you take part in' }]);
    }
    throw error;
  });
  if (mustBeOpen && CLOSED_GOAL_STATUSES.has(goal.status)) {
    throw new UnprocessableError(`A ${goal.status} goal takes no new progress events`, [{ path: '/body/goalId', message: `is ${goal.status}` }]);
  }
  return goal;
}

/** Guardians record home events that their family sees; anything else is refused with the field named. */
function guardianSettingErrors(setting: string | undefined, visibility: string | undefined): FieldError[] {
  const errors: FieldError[] = [];
  if (setting !== undefined && setting !== 'home') errors.push({ path: '/body/setting', message: 'must be home for an event a guardian records' });
  if (visibility !== undefined && visibility !== 'family') errors.push({ path: '/body/visibility', message: 'must be family for an event a guardian records' });
  return errors;
}

interface Recorder {
  recordedByType: 'staff' | 'guardian' | 'student';
  recordedByStaffId: string | null;
  recordedByGuardianId: string | null;
}

/** Who recorded the event, derived from the caller; staff may record on the student's behalf. */
async function resolveRecorder(tx: ServiceContext, input: ProgressEventCreate): Promise<Recorder> {
  const { principal } = tx;
  if (principal.role === 'guardian') {
    unprocessable([
      ...(input.recordedByType !== undefined && input.recordedByType !== 'guardian' ? [{ path: '/body/recordedByType', message: 'must be guardian for a guardian' }] : []),
      ...(input.recordedByStaffId !== undefined ? [{ path: '/body/recordedByStaffId', message: 'is not for guardians' }] : []),
      ...guardianSettingErrors(input.setting, input.visibility),
    ]);
    return { recordedByType: 'guardian', recordedByStaffId: null, recordedByGuardianId: principal.sub };
  }
  const type = input.recordedByType ?? 'staff';
  if (type === 'guardian') unprocessable([{ path: '/body/recordedByType', message: 'guardian is set only by a guardian recording it' }]);
  if (type === 'student') {
    if (input.recordedByStaffId !== undefined) unprocessable([{ path: '/body/recordedByStaffId', message: 'is not set when the student recorded it' }]);
    return { recordedByType: 'student', recordedByStaffId: null, recordedByGuardianId: null };
  }
  return { recordedByType: 'staff', recordedByStaffId: await resolveStaffAuthor(tx, input.recordedByStaffId, '/body/recordedByStaffId'), recordedByGuardianId: null };
}

function mayEditEvent(principal: Principal, row: ProgressEventRow): boolean {
  if (principal.role === 'guardian') return row.recordedByType === 'guardian' && row.recordedByGuardianId === principal.sub;
  return mayEditAuthored(principal, row.recordedByStaffId);
}

/** A cursor this API issued: [occurredAt with microseconds, id]. */
function cursorKey(cursor: string | undefined): CursorKey | undefined {
  const key = decodeCursor(cursor);
  if (key !== undefined && (typeof key[0] !== 'string' || Number.isNaN(Date.parse(key[0])) || !isUuid(key[1]))) {
    throw new ValidationError('cursor is not a cursor this API issued', [{ path: '/querystring/cursor', message: 'is not a valid cursor' }]);
  }
  return key;
}

async function listVisible(ctx: ServiceContext, filter: ProgressEventFilter): Promise<Page<ProgressEvent>> {
  const limit = pageLimit(filter);
  const rows = await listProgressEventRows(ctx.db, ctx.principal, filter, cursorKey(filter.cursor), limit);
  const page = toPage(rows, limit, (r) => [r.occurredAtKey, r.id], progressEventRowToApi);
  await audit(ctx, page.data.map((r) => ({ action: 'list', recordType: RECORD, recordId: r.id, studentId: r.studentId })));
  return page;
}

export async function listProgressEvents(ctx: ServiceContext, query: ProgressEventListQuery): Promise<Page<ProgressEvent>> {
  assertScope(ctx.principal, 'partnership', 'read');
  return listVisible(ctx, query);
}

/** A goal's progress, newest first by default or oldest first; 404 when the goal is not visible to the caller. */
export async function listGoalProgress(ctx: ServiceContext, goalId: string, query: GoalProgressQuery): Promise<Page<ProgressEvent>> {
  assertScope(ctx.principal, 'partnership', 'read');
  await loadGoalForRead(ctx, goalId);
  return listVisible(ctx, { ...query, goalId });
}

export async function getProgressEvent(ctx: ServiceContext, id: string): Promise<ProgressEvent> {
  assertScope(ctx.principal, 'partnership', 'read');
  const row = await findProgressEvent(ctx.db, ctx.principal, id);
  if (!row) throw new NotFoundError('Progress event', id);
  await audit(ctx, [{ action: 'read', recordType: RECORD, recordId: id, studentId: row.studentId }]);
  return progressEventRowToApi(row);
}

export async function createProgressEvent(ctx: ServiceContext, input: ProgressEventCreate): Promise<ProgressEvent> {
  assertScope(ctx.principal, 'partnership', 'write');
  return inTransaction(ctx, async (tx) => {
    await assertStudentReference(tx, input.studentId);
    const recorder = await resolveRecorder(tx, input);
    const goal = input.goalId ? await goalForWrite(tx, input.goalId, input.studentId, true) : null;
    const value = input.value ?? null;
    unprocessable(valueErrors(input.kind, value, goal));
    const forGuardian = recorder.recordedByType === 'guardian';
    const id = await insertProgressEvent(tx.db, {
      studentId: input.studentId,
      goalId: goal?.id ?? null,
      occurredAt: input.occurredAt,
      ...recorder,
      setting: forGuardian ? 'home' : input.setting ?? 'school',
      kind: input.kind,
      value,
      note: input.note ?? null,
      visibility: forGuardian ? 'family' : input.visibility ?? 'family',
    });
    await audit(tx, [{ action: 'create', recordType: RECORD, recordId: id, studentId: input.studentId }]);
    tx.publish?.({ topic: 'progressEventAdded', studentId: input.studentId, recordId: id });
    const row = await findProgressEvent(tx.db, tx.principal, id);
    if (!row) throw new NotFoundError('Progress event', id);
    return progressEventRowToApi(row);
  });
}

/** Loads the event for a write, locked, checking visibility, who recorded it and If-Match. */
async function loadForWrite(tx: ServiceContext, id: string, ifMatch: string | undefined): Promise<ProgressEventRow> {
  assertScope(tx.principal, 'partnership', 'write');
  const row = await findProgressEvent(tx.db, tx.principal, id, true);
  if (!row) throw new NotFoundError('Progress event', id);
  if (!mayEditEvent(tx.principal, row)) throw new ForbiddenError('Only whoever recorded this progress event or an administrator may change it');
  assertIfMatch(ifMatch, progressEventRowToApi(row));
  return row;
}

export async function updateProgressEvent(ctx: ServiceContext, id: string, patch: ProgressEventPatch, ifMatch?: string): Promise<ProgressEvent> {
  return inTransaction(ctx, async (tx) => {
    const row = await loadForWrite(tx, id, ifMatch);
    if (familyOnly(tx.principal)) unprocessable(guardianSettingErrors(patch.setting, patch.visibility));
    const goalId = patch.goalId === undefined ? row.goalId : patch.goalId;
    const goalChanged = patch.goalId !== undefined && patch.goalId !== row.goalId;
    const goal = goalId === null ? null : await goalForWrite(tx, goalId, row.studentId, goalChanged);
    if (patch.goalId !== undefined || patch.kind !== undefined || patch.value !== undefined) {
      const value = patch.value === undefined ? (row.value === null ? null : Number(row.value)) : patch.value;
      unprocessable(valueErrors(patch.kind ?? row.kind, value, goal));
    }
    await updateProgressEventRow(tx.db, id, patch);
    await audit(tx, [{ action: 'update', recordType: RECORD, recordId: id, studentId: row.studentId }]);
    const updated = await findProgressEvent(tx.db, tx.principal, id);
    if (!updated) throw new NotFoundError('Progress event', id);
    return progressEventRowToApi(updated);
  });
}

/** A hard delete: progress events are not referenced by anything. */
export async function deleteProgressEvent(ctx: ServiceContext, id: string, ifMatch?: string): Promise<void> {
  await inTransaction(ctx, async (tx) => {
    const row = await loadForWrite(tx, id, ifMatch);
    await deleteProgressEventRow(tx.db, id);
    await audit(tx, [{ action: 'delete', recordType: RECORD, recordId: id, studentId: row.studentId }]);
  });
}

/** Visible progress events by id, in the order of the ids (null where not visible); one audited read. */
export async function getProgressEventsByIds(ctx: ServiceContext, ids: readonly string[]): Promise<Array<ProgressEvent | null>> {
  assertScope(ctx.principal, 'partnership', 'read');
  const rows = await findProgressEventRows(ctx.db, ctx.principal, distinct(ids));
  await audit(ctx, rows.map((r) => ({ action: 'read', recordType: RECORD, recordId: r.id, studentId: r.studentId })));
  return byIds(ids, rows, progressEventRowToApi);
}

/** Each student's or goal's visible progress, one page per parent (one query, one audit insert). */
export async function listProgressOfParents(ctx: ServiceContext, parent: 'studentId' | 'goalId', parentIds: readonly string[],
  filter: ProgressRelationFilter, params: RelationPage): Promise<Array<Page<ProgressEvent>>> {
  assertScope(ctx.principal, 'partnership', 'read');
  const limit = pageLimit(params);
  const rows = await listProgressEventRowsOfParents(ctx.db, ctx.principal, parent, distinct(parentIds), filter, cursorKey(params.cursor), limit);
  const pages = pagesByParent(parentIds, rows, (r) => r[parent], limit, (r) => [r.occurredAtKey, r.id], progressEventRowToApi);
  await audit(ctx, pages.flatMap((p) => p.data).map((r) => ({ action: 'list', recordType: RECORD, recordId: r.id, studentId: r.studentId })));
  return pages;
}

export { visibleProgressEvents } from './queries.ts';
