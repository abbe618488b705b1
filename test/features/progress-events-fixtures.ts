// Goals and goal participants for the progress event tests, written straight to the test database (the goals API is another feature).
import { createDatabase } from '../../src/db/database.ts';
import type { District } from '../helpers/seed.ts';

export interface GoalFixtures {
  /** studentA, percent, active; guardianA takes part. */
  percentA: string;
  /** studentA, rating 1–5, met. */
  ratingA: string;
  /** studentA, yes_no, paused. */
  yesNoA: string;
  /** studentA, count, active. */
  countA: string;
  /** studentA, note_only, active; guardianA does not take part. */
  notesA: string;
  draftA: string;
  discontinuedA: string;
  /** studentA2 (sibling), percent, active. */
  percentA2: string;
  /** studentB, count, active; guardianB takes part. */
  countB: string;
}

/** Seeds the goals the tests record progress on. */
export async function seedGoals(url: string, d: District): Promise<GoalFixtures> {
  const { db } = createDatabase({ connectionString: url, poolMax: 1 });
  try {
    const goal = async (studentId: string, title: string, measureType: string, status: string, createdBy: string, extra: object = {}) =>
      (await db.insertInto('goals').values({ studentId, title, domain: 'behavior', measureType, status, createdBy, ...extra })
        .returning('id').executeTakeFirstOrThrow()).id;
    const goals: GoalFixtures = {
      percentA: await goal(d.studentA, 'Joins group work', 'percent', 'active', d.teacherA),
      ratingA: await goal(d.studentA, 'Calm transitions', 'rating', 'met', d.teacherA, { ratingMin: 1, ratingMax: 5 }),
      yesNoA: await goal(d.studentA, 'Brings homework folder', 'yes_no', 'paused', d.teacherA),
      countA: await goal(d.studentA, 'Books read', 'count', 'active', d.teacherA),
      notesA: await goal(d.studentA, 'Morning routine', 'note_only', 'active', d.teacherA),
      draftA: await goal(d.studentA, 'Draft idea', 'percent', 'draft', d.teacherA),
      discontinuedA: await goal(d.studentA, 'Old plan', 'percent', 'discontinued', d.teacherA),
      percentA2: await goal(d.studentA2, 'Reads aloud', 'percent', 'active', d.teacherA),
      countB: await goal(d.studentB, 'Asks for help', 'count', 'active', d.teacherB),
    };
    await db.insertInto('goalParticipants').values([
      { goalId: goals.percentA, participantType: 'guardian', guardianId: d.guardianA },
      { goalId: goals.countB, participantType: 'guardian', guardianId: d.guardianB },
    ]).execute();
    return goals;
  } finally {
    await db.destroy();
  }
}

/** Audit rows for a record, as "action" strings, oldest first. */
export async function auditActions(url: string, recordId: string): Promise<string[]> {
  const { db } = createDatabase({ connectionString: url, poolMax: 1 });
  try {
    const rows = await db.selectFrom('auditEvents').select(['action', 'recordType']).where('recordId', '=', recordId).orderBy('id').execute();
    return rows.map((r) => `${r.recordType}:${r.action}`);
  } finally {
    await db.destroy();
  }
}

/** Whether a progress event row is still in the table (DELETE is a hard delete). */
export async function progressEventExists(url: string, id: string): Promise<boolean> {
  const { db } = createDatabase({ connectionString: url, poolMax: 1 });
  try {
    return (await db.selectFrom('progressEvents').select('id').where('id', '=', id).executeTakeFirst()) !== undefined;
  } finally {
    await db.destroy();
  }
}

/** One more goal, for a test that changes it. */
export async function insertGoal(url: string, values: { studentId: string; title: string; measureType: string; status: string; createdBy: string }): Promise<string> {
  const { db } = createDatabase({ connectionString: url, poolMax: 1 });
  try {
    return (await db.insertInto('goals').values({ ...values, domain: 'other' }).returning('id').executeTakeFirstOrThrow()).id;
  } finally {
    await db.destroy();
  }
}

/** Moves a goal's status behind the API's back (the goals API is another feature). */
export async function setGoalStatus(url: string, goalId: string, status: string): Promise<void> {
  const { db } = createDatabase({ connectionString: url, poolMax: 1 });
  try {
    await db.updateTable('goals').set({ status }).where('id', '=', goalId).execute();
  } finally {
    await db.destroy();
  }
}
