// SQL for progress events: the visible-row base query, filters, keyset order (either way), and writes.
import { containsPattern, studentInClass, studentInSchool } from '../../db/filters.ts';
import { sql, type ExpressionBuilder, type Insertable, type Selectable, type Updateable } from 'kysely';
import type { Principal, Role } from '../../auth/principal.ts';
import { callerFromHoles, callerHoles, canSeeStudent, familyOnly, type CallerHoles } from '../../auth/policy.ts';
import type { Executor } from '../../db/database.ts';
import type { DB, ProgressEvents } from '../../db/types.ts';
import { frozenStatement } from '../../db/frozen-sql.ts';
import { afterCheckedTimeKey, afterTimeKey, assertTimeCursor, timeKey, type CursorKey } from '../../http/paging.ts';
import { anyId, rowsPerParent } from '../../db/batch.ts';
import type { ProgressEventFilter } from './schemas.ts';
import { visibleById, visibleByIds } from '../../auth/visible-by-id.ts';

/** An event row plus its occurrence time at full (microsecond) precision, the keyset sort key. */
export type ProgressEventRow = Selectable<ProgressEvents> & { occurredAtKey: string };

/** A guardian's goals are the ones they take part in (as the goals feature decides for the goals themselves). */
function guardianTakesPart(eb: ExpressionBuilder<DB, any>, principal: Principal) {
  return eb.exists(eb.selectFrom('goalParticipants as vgp').select(sql`1`.as('one'))
    .whereRef('vgp.goalId', '=', 'pe.goalId').where('vgp.guardianId', '=', principal.sub));
}

/**
 * Progress events the principal may see: events of visible students; guardians only family-visible ones,
 * and of those only events on no goal or on a goal they take part in.
 */
export function visibleProgressEvents(db: Executor, principal: Principal) {
  let query = db.selectFrom('progressEvents as pe').selectAll('pe')
    .select(timeKey('pe.occurredAt').as('occurredAtKey'))
    .where((eb) => canSeeStudent(eb, principal, 'pe.studentId'));
  if (familyOnly(principal)) {
    query = query.where('pe.visibility', '=', 'family')
      .where((eb) => eb.or([eb('pe.goalId', 'is', null), guardianTakesPart(eb, principal)]));
  }
  return query;
}

export const findProgressEvent = visibleById<ProgressEventRow>('pe', visibleProgressEvents);

export async function listProgressEventRows(db: Executor, principal: Principal, filter: ProgressEventFilter,
  after: CursorKey | undefined, limit: number): Promise<ProgressEventRow[]> {
  let query = visibleProgressEvents(db, principal);
  if (filter.studentId) query = query.where('pe.studentId', '=', filter.studentId);
  if (filter.goalId) query = query.where('pe.goalId', '=', filter.goalId);
  if (filter.kind) query = query.where('pe.kind', '=', filter.kind);
  if (filter.setting) query = query.where('pe.setting', '=', filter.setting);
  if (filter.visibility) query = query.where('pe.visibility', '=', filter.visibility);
  if (filter.recordedByType) query = query.where('pe.recordedByType', '=', filter.recordedByType);
  if (filter.recordedByStaffId) query = query.where('pe.recordedByStaffId', '=', filter.recordedByStaffId);
  if (filter.recordedByGuardianId) query = query.where('pe.recordedByGuardianId', '=', filter.recordedByGuardianId);
  if (filter.from) query = query.where('pe.occurredAt', '>=', new Date(filter.from));
  if (filter.to) query = query.where('pe.occurredAt', '<', new Date(filter.to));
  if (filter.updatedSince) query = query.where('pe.updatedAt', '>=', new Date(filter.updatedSince));
  const { schoolId, classId } = filter;
  if (schoolId) query = query.where((eb) => studentInSchool(eb, 'pe.studentId', schoolId));
  if (classId) query = query.where((eb) => studentInClass(eb, 'pe.studentId', classId));
  if (filter.q) {
    const pattern = containsPattern(filter.q);
    query = query.where('pe.note', 'ilike', pattern);
  }
  const ascending = filter.order === 'oldest';
  if (after) query = query.where(afterTimeKey('pe.occurredAt', 'pe.id', after, ascending ? 'asc' : 'desc'));
  const direction = ascending ? 'asc' : 'desc';
  return query.orderBy('pe.occurredAt', direction).orderBy('pe.id', direction).limit(limit + 1).execute();
}

export async function insertProgressEvent(db: Executor, values: Insertable<ProgressEvents>): Promise<string> {
  const { id } = await db.insertInto('progressEvents').values(values).returning('id').executeTakeFirstOrThrow();
  return id;
}

export async function updateProgressEventRow(db: Executor, id: string, values: Updateable<ProgressEvents>): Promise<void> {
  if (Object.keys(values).length === 0) return;
  await db.updateTable('progressEvents').set(values).where('id', '=', id).execute();
}

export async function deleteProgressEventRow(db: Executor, id: string): Promise<void> {
  await db.deleteFrom('progressEvents').where('id', '=', id).execute();
}

/** Visible progress events by id. */
export const findProgressEventRows = visibleByIds<ProgressEventRow>('pe', visibleProgressEvents);

/** Filters a relation (Student.progressEvents, Goal.progress) offers. */
export interface ProgressRelationFilter {
  kind?: string;
  visibility?: 'staff' | 'family';
  order?: 'newest' | 'oldest';
}

interface OfParentsHoles extends CallerHoles {
  parentIds: readonly string[];
  cut: string;
  kind?: string;
  visibility?: string;
  afterAt?: string;
  afterId?: string;
}

/**
 * The events of students or goals (a GraphQL page of each), built once per role, parent column and order (the key) and
 * set of filters.
 */
const ofParentsStatement = frozenStatement<string, OfParentsHoles, Executor, ProgressEventRow>((key, holes, db) => {
  const [role, parent, order] = key.split('|') as [Role, 'studentId' | 'goalId', 'asc' | 'desc'];
  let inner = visibleProgressEvents(db, callerFromHoles(role, holes)).where(`pe.${parent}`, '=', anyId(holes.parentIds));
  if (holes.kind !== undefined) inner = inner.where('pe.kind', '=', holes.kind);
  if (holes.visibility !== undefined) inner = inner.where('pe.visibility', '=', holes.visibility as ProgressEventRow['visibility']);
  if (holes.afterAt !== undefined) inner = inner.where(afterCheckedTimeKey('pe.occurredAt', 'pe.id', [holes.afterAt, holes.afterId!], order));
  const ordering = order === 'asc' ? sql`pe.occurred_at asc, pe.id asc` : sql`pe.occurred_at desc, pe.id desc`;
  return rowsPerParent(db, inner, `pe.${parent}`, ordering, parent, holes.cut);
});

/** Each student's or goal's visible events: the first limit+1 per parent in one windowed query. */
export async function listProgressEventRowsOfParents(db: Executor, principal: Principal, parent: 'studentId' | 'goalId', parentIds: string[],
  filter: ProgressRelationFilter, after: CursorKey | undefined, limit: number): Promise<ProgressEventRow[]> {
  if (parentIds.length === 0) return [];
  const holes: OfParentsHoles = { ...callerHoles(principal), parentIds, cut: String(limit + 1) };
  if (filter.kind) holes.kind = filter.kind;
  if (filter.visibility) holes.visibility = filter.visibility;
  if (after) [holes.afterAt, holes.afterId] = assertTimeCursor(after);
  const order = filter.order === 'oldest' ? 'asc' : 'desc';
  return (await ofParentsStatement(`${principal.role}|${parent}|${order}`, holes, db).execute(db)).rows;
}
