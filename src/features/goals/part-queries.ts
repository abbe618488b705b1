// SQL for a goal's parts: participants (with names and relationships, no contact details) and strategies.
import { sql, type Insertable, type Selectable, type Updateable } from 'kysely';
import type { Executor } from '../../db/database.ts';
import type { GoalParticipants, GoalStrategies } from '../../db/types.ts';
import { afterTimeKey, timeKey, type CursorKey } from '../../http/paging.ts';

export type ParticipantRow = Selectable<GoalParticipants> & { name: string; relationship: string | null; createdAtKey: string };
export type StrategyRow = Selectable<GoalStrategies> & { resourceTitle: string; resourceKind: string; createdAtKey: string };

/** A goal's participants with display names; a guardian's relationship is to the goal's student. */
function participantsOf(db: Executor, goalId: string, studentId: string) {
  return db.selectFrom('goalParticipants as p')
    .leftJoin('guardians as pg', 'pg.id', 'p.guardianId')
    .leftJoin('staff as ps', 'ps.id', 'p.staffId')
    .leftJoin('students as pst', 'pst.id', 'p.studentId')
    .leftJoin('studentGuardians as psg', (join) => join.onRef('psg.guardianId', '=', 'p.guardianId').on('psg.studentId', '=', studentId))
    .selectAll('p')
    .select([
      sql<string>`case p.participant_type
        when 'guardian' then pg.given_name || ' ' || pg.family_name
        when 'staff' then coalesce(ps.preferred_first_name, ps.given_name) || ' ' || ps.family_name
        else coalesce(pst.preferred_first_name, pst.given_name) || ' ' || pst.family_name end`.as('name'),
      'psg.relationship',
      timeKey('p.createdAt').as('createdAtKey'),
    ])
    .where('p.goalId', '=', goalId);
}

export async function listParticipantRows(db: Executor, goalId: string, studentId: string, after: CursorKey | undefined, limit: number): Promise<ParticipantRow[]> {
  let query = participantsOf(db, goalId, studentId);
  if (after) query = query.where(afterTimeKey('p.createdAt', 'p.id', after, 'asc'));
  return query.orderBy('p.createdAt', 'asc').orderBy('p.id', 'asc').limit(limit + 1).execute() as Promise<ParticipantRow[]>;
}

export async function findParticipant(db: Executor, goalId: string, studentId: string, participantId: string): Promise<ParticipantRow | undefined> {
  return participantsOf(db, goalId, studentId).where('p.id', '=', participantId).executeTakeFirst() as Promise<ParticipantRow | undefined>;
}

/** Is this person (guardian, staff member or student) already a participant? */
export async function participantExists(db: Executor, goalId: string, personId: string): Promise<boolean> {
  const row = await db.selectFrom('goalParticipants').select('id').where('goalId', '=', goalId)
    .where(sql<boolean>`coalesce(guardian_id, staff_id, student_id) = ${personId}::uuid`).executeTakeFirst();
  return row !== undefined;
}

export async function insertParticipant(db: Executor, values: Insertable<GoalParticipants>): Promise<string> {
  const { id } = await db.insertInto('goalParticipants').values(values).returning('id').executeTakeFirstOrThrow();
  return id;
}

export async function setParticipantInput(db: Executor, id: string, input: string | null): Promise<void> {
  await db.updateTable('goalParticipants')
    .set({ input, inputAt: input === null ? null : sql<Date>`now()` })
    .where('id', '=', id).execute();
}

export async function deleteParticipantRow(db: Executor, id: string): Promise<void> {
  await db.deleteFrom('goalParticipants').where('id', '=', id).execute();
}

/** A goal's strategies; archived resources stay listed where they are already used. */
function strategiesOf(db: Executor, goalId: string) {
  return db.selectFrom('goalStrategies as s')
    .innerJoin('strategyResources as r', 'r.id', 's.resourceId')
    .selectAll('s')
    .select(['r.title as resourceTitle', 'r.kind as resourceKind', timeKey('s.createdAt').as('createdAtKey')])
    .where('s.goalId', '=', goalId);
}

export async function listStrategyRows(db: Executor, goalId: string, after: CursorKey | undefined, limit: number): Promise<StrategyRow[]> {
  let query = strategiesOf(db, goalId);
  if (after) query = query.where(afterTimeKey('s.createdAt', 's.id', after, 'asc'));
  return query.orderBy('s.createdAt', 'asc').orderBy('s.id', 'asc').limit(limit + 1).execute();
}

export async function findStrategy(db: Executor, goalId: string, strategyId: string): Promise<StrategyRow | undefined> {
  return strategiesOf(db, goalId).where('s.id', '=', strategyId).executeTakeFirst();
}

export async function strategyExists(db: Executor, goalId: string, resourceId: string): Promise<boolean> {
  const row = await db.selectFrom('goalStrategies').select('id').where('goalId', '=', goalId).where('resourceId', '=', resourceId).executeTakeFirst();
  return row !== undefined;
}

export async function insertStrategy(db: Executor, values: Insertable<GoalStrategies>): Promise<string> {
  const { id } = await db.insertInto('goalStrategies').values(values).returning('id').executeTakeFirstOrThrow();
  return id;
}

export async function updateStrategyRow(db: Executor, id: string, values: Updateable<GoalStrategies>): Promise<void> {
  if (Object.keys(values).length === 0) return;
  await db.updateTable('goalStrategies').set(values).where('id', '=', id).execute();
}

export async function deleteStrategyRow(db: Executor, id: string): Promise<void> {
  await db.deleteFrom('goalStrategies').where('id', '=', id).execute();
}

/** The participants of many goals (names, and a guardian's relationship to each goal's student), oldest first. */
export async function listParticipantRowsOfGoals(db: Executor, goalIds: string[]): Promise<ParticipantRow[]> {
  if (goalIds.length === 0) return [];
  return db.selectFrom('goalParticipants as p')
    .innerJoin('goals as pgoal', 'pgoal.id', 'p.goalId')
    .leftJoin('guardians as pg', 'pg.id', 'p.guardianId')
    .leftJoin('staff as ps', 'ps.id', 'p.staffId')
    .leftJoin('students as pst', 'pst.id', 'p.studentId')
    .leftJoin('studentGuardians as psg', (join) => join.onRef('psg.guardianId', '=', 'p.guardianId').onRef('psg.studentId', '=', 'pgoal.studentId'))
    .selectAll('p')
    .select([
      sql<string>`case p.participant_type
        when 'guardian' then pg.given_name || ' ' || pg.family_name
        when 'staff' then coalesce(ps.preferred_first_name, ps.given_name) || ' ' || ps.family_name
        else coalesce(pst.preferred_first_name, pst.given_name) || ' ' || pst.family_name end`.as('name'),
      'psg.relationship',
      timeKey('p.createdAt').as('createdAtKey'),
    ])
    .where('p.goalId', 'in', goalIds)
    .orderBy('p.createdAt', 'asc').orderBy('p.id', 'asc').execute() as Promise<ParticipantRow[]>;
}

/** The strategies of many goals, oldest first. */
export async function listStrategyRowsOfGoals(db: Executor, goalIds: string[]): Promise<StrategyRow[]> {
  if (goalIds.length === 0) return [];
  return db.selectFrom('goalStrategies as s')
    .innerJoin('strategyResources as r', 'r.id', 's.resourceId')
    .selectAll('s')
    .select(['r.title as resourceTitle', 'r.kind as resourceKind', timeKey('s.createdAt').as('createdAtKey')])
    .where('s.goalId', 'in', goalIds)
    .orderBy('s.createdAt', 'asc').orderBy('s.id', 'asc').execute();
}
