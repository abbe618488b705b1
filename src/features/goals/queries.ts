// SQL for goals: the visible-row base query, filters, keyset order, and writes.
import { containsPattern, studentInClass, studentInSchool } from '../../db/filters.ts';
import { sql, type Insertable, type Selectable, type Updateable } from 'kysely';
import type { Principal, Role } from '../../auth/principal.ts';
import { callerFromHoles, callerHoles, canSeeStudent, familyOnly, type CallerHoles } from '../../auth/policy.ts';
import type { Executor } from '../../db/database.ts';
import type { Goals } from '../../db/types.ts';
import { frozenStatement } from '../../db/frozen-sql.ts';
import { afterCheckedTimeKey, afterTimeKey, assertTimeCursor, timeKey, type CursorKey } from '../../http/paging.ts';
import { anyId, rowsPerParent } from '../../db/batch.ts';
import type { GoalListQuery } from './schemas.ts';
import { visibleById, visibleByIds } from '../../auth/visible-by-id.ts';

/** A goal row plus its creation time at full (microsecond) precision, the keyset sort key. */
export type GoalRow = Selectable<Goals> & { createdAtKey: string };

/** Goals the principal may see: goals of visible students; guardians only goals they take part in. */
export function visibleGoals(db: Executor, principal: Principal) {
  let query = db.selectFrom('goals as g')
    .selectAll('g')
    .select(timeKey('g.createdAt').as('createdAtKey'))
    .where((eb) => canSeeStudent(eb, principal, 'g.studentId'));
  if (familyOnly(principal)) {
    query = query.where((eb) => eb.exists(eb.selectFrom('goalParticipants as vp').select('vp.id')
      .whereRef('vp.goalId', '=', 'g.id').where('vp.guardianId', '=', principal.sub)));
  }
  return query;
}

export const findGoal = visibleById<GoalRow>('g', visibleGoals);

export async function listGoalRows(db: Executor, principal: Principal, filter: GoalListQuery,
  after: CursorKey | undefined, limit: number): Promise<GoalRow[]> {
  let query = visibleGoals(db, principal);
  if (filter.studentId) query = query.where('g.studentId', '=', filter.studentId);
  if (filter.status) query = query.where('g.status', '=', filter.status);
  if (filter.domain) query = query.where('g.domain', '=', filter.domain);
  if (filter.setting) query = query.where('g.setting', '=', filter.setting);
  if (filter.measureType) query = query.where('g.measureType', '=', filter.measureType);
  if (filter.createdBy) query = query.where('g.createdBy', '=', filter.createdBy);
  if (filter.from) query = query.where('g.createdAt', '>=', new Date(filter.from));
  if (filter.to) query = query.where('g.createdAt', '<', new Date(filter.to));
  if (filter.updatedSince) query = query.where('g.updatedAt', '>=', new Date(filter.updatedSince));
  if (filter.guardianId) {
    const guardianId = filter.guardianId;
    query = query.where((eb) => eb.exists(eb.selectFrom('goalParticipants as fp').select('fp.id')
      .whereRef('fp.goalId', '=', 'g.id').where('fp.guardianId', '=', guardianId)));
  }
  if (filter.staffId) {
    const staffId = filter.staffId;
    query = query.where((eb) => eb.exists(eb.selectFrom('goalParticipants as fsp').select('fsp.id')
      .whereRef('fsp.goalId', '=', 'g.id').where('fsp.staffId', '=', staffId)));
  }
  const { schoolId, classId } = filter;
  if (schoolId) query = query.where((eb) => studentInSchool(eb, 'g.studentId', schoolId));
  if (classId) query = query.where((eb) => studentInClass(eb, 'g.studentId', classId));
  if (filter.q) {
    const pattern = containsPattern(filter.q);
    query = query.where('g.title', 'ilike', pattern);
  }
  if (after) query = query.where(afterTimeKey('g.createdAt', 'g.id', after, 'desc'));
  return query.orderBy('g.createdAt', 'desc').orderBy('g.id', 'desc').limit(limit + 1).execute();
}

export async function insertGoal(db: Executor, values: Insertable<Goals>): Promise<string> {
  const { id } = await db.insertInto('goals').values(values).returning('id').executeTakeFirstOrThrow();
  return id;
}

/** Applies the changes; a status change also moves status_changed_at. */
export async function updateGoalRow(db: Executor, id: string, values: Updateable<Goals>, statusChanged: boolean): Promise<void> {
  const set = statusChanged ? { ...values, statusChangedAt: sql<Date>`now()` } : values;
  if (Object.keys(set).length === 0) return;
  await db.updateTable('goals').set(set).where('id', '=', id).execute();
}

export async function deleteGoalRow(db: Executor, id: string): Promise<void> {
  await db.deleteFrom('goals').where('id', '=', id).execute();
}

export async function goalHasProgressEvents(db: Executor, id: string): Promise<boolean> {
  const row = await db.selectFrom('progressEvents').select('id').where('goalId', '=', id).limit(1).executeTakeFirst();
  return row !== undefined;
}

export async function isStaffParticipant(db: Executor, goalId: string, staffId: string): Promise<boolean> {
  const row = await db.selectFrom('goalParticipants').select('id').where('goalId', '=', goalId).where('staffId', '=', staffId).executeTakeFirst();
  return row !== undefined;
}

/** Visible goals by id. */
export const findGoalRows = visibleByIds<GoalRow>('g', visibleGoals);

/** Filters a relation (Student.goals) offers. */
export interface GoalRelationFilter {
  status?: string;
  domain?: string;
}

interface OfStudentsHoles extends CallerHoles {
  studentIds: readonly string[];
  cut: string;
  status?: string;
  domain?: string;
  afterAt?: string;
  afterId?: string;
}

/** The goals of students (a GraphQL page of each student), built once per role and set of filters. */
const ofStudentsStatement = frozenStatement<Role, OfStudentsHoles, Executor, GoalRow>((role, holes, db) => {
  let inner = visibleGoals(db, callerFromHoles(role, holes)).where('g.studentId', '=', anyId(holes.studentIds));
  if (holes.status !== undefined) inner = inner.where('g.status', '=', holes.status as GoalRow['status']);
  if (holes.domain !== undefined) inner = inner.where('g.domain', '=', holes.domain);
  if (holes.afterAt !== undefined) inner = inner.where(afterCheckedTimeKey('g.createdAt', 'g.id', [holes.afterAt, holes.afterId!], 'desc'));
  return rowsPerParent(db, inner, 'g.studentId', sql`g.created_at desc, g.id desc`, 'studentId', holes.cut);
});

/** Each student's visible goals, newest first: the first limit+1 per student in one windowed query. */
export async function listGoalRowsOfStudents(db: Executor, principal: Principal, studentIds: string[], filter: GoalRelationFilter,
  after: CursorKey | undefined, limit: number): Promise<GoalRow[]> {
  if (studentIds.length === 0) return [];
  const holes: OfStudentsHoles = { ...callerHoles(principal), studentIds, cut: String(limit + 1) };
  if (filter.status) holes.status = filter.status;
  if (filter.domain) holes.domain = filter.domain;
  if (after) [holes.afterAt, holes.afterId] = assertTimeCursor(after);
  return (await ofStudentsStatement(principal.role, holes, db).execute(db)).rows;
}
