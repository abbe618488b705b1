// Reads of one record by id run one statement per role and lock: each caller still gets only what their rule lets them see.
import t from 'tap';
import { sql } from 'kysely';
import type { Principal } from '../../src/auth/principal.ts';
import { createDatabase } from '../../src/db/database.ts';
import { findContactLog } from '../../src/features/contact-logs/queries.ts';
import { findGoal, findGoalRows } from '../../src/features/goals/queries.ts';
import { findStaff } from '../../src/features/staff/queries.ts';
import { createTestDatabase } from '../helpers/databases.ts';
import { seedDistrictAt } from '../helpers/seed.ts';

const testDb = await createTestDatabase();
const d = await seedDistrictAt(testDb.url);
const { db } = createDatabase({ connectionString: testDb.url, poolMax: 2, preparedStatements: 100 });
t.teardown(async () => {
  await db.destroy();
  await testDb.drop();
});

const as = (role: Principal['role'], sub: string, schoolIds: string[] = []): Principal => ({ role, sub, schoolIds, scopes: [] });
const teacherA = as('teacher', d.teacherA);
const teacherB = as('teacher', d.teacherB);
const guardianA = as('guardian', d.guardianA);
const guardianA2 = as('guardian', d.guardianA2);

const goal = await db.insertInto('goals').values({ studentId: d.studentA, title: 'Calm mornings', domain: 'behavior', status: 'active', createdBy: d.teacherA })
  .returning('id').executeTakeFirstOrThrow();
await db.insertInto('goalParticipants').values({ goalId: goal.id, participantType: 'guardian', guardianId: d.guardianA }).execute();
const log = await db.insertInto('contactLogs').values({
  studentId: d.studentA, authorId: d.teacherA, occurredAt: new Date('2026-09-05T15:00:00Z'), channel: 'phone', direction: 'outbound', purpose: 'concern', summary: 'Staff only', visibility: 'staff',
}).returning('id').executeTakeFirstOrThrow();

t.test('callers of one role, one after the other, each see only their own', async (t) => {
  t.equal((await findGoal(db, teacherA, goal.id))?.id, goal.id, 'the student\'s teacher');
  t.equal(await findGoal(db, teacherB, goal.id), undefined, 'a teacher of another school, through the same statement');
  t.equal((await findGoal(db, guardianA, goal.id))?.id, goal.id, 'a guardian who takes part');
  t.equal(await findGoal(db, guardianA2, goal.id), undefined, 'the other guardian of the family, who does not');
  // An admin known only by the token's schools (no staff membership): the schools are a parameter too.
  const tokenOnly = '00000000-0000-4000-8000-0000000000ad';
  t.equal((await findGoal(db, as('school_admin', tokenOnly, [d.schoolA]), goal.id))?.id, goal.id, 'a school admin of the school');
  t.equal(await findGoal(db, as('school_admin', tokenOnly, [d.schoolB]), goal.id), undefined, 'an admin whose token names another school');
  t.equal((await findGoal(db, as('district_admin', 'admin@maple'), goal.id))?.id, goal.id);

  t.equal((await findContactLog(db, teacherA, log.id))?.summary, 'Staff only');
  t.equal(await findContactLog(db, guardianA, log.id), undefined, 'a staff-only log, never to a guardian');
  t.equal(await findContactLog(db, teacherB, log.id), undefined);

  t.equal((await findStaff(db, teacherA, d.teacherA))?.id, d.teacherA);
  t.equal(await findStaff(db, teacherB, d.teacherA), undefined, 'staff of another school');
});

t.test('many records by id: one statement for any number of ids, each caller seeing their own', async (t) => {
  const missing = '00000000-0000-4000-8000-00000000dead';
  const ids = (rows: Array<{ id: string }>) => rows.map((r) => r.id);
  t.same(ids(await findGoalRows(db, teacherA, [goal.id, missing, goal.id])), [goal.id], 'unknown ids left out, repeated ones once');
  t.same(ids(await findGoalRows(db, teacherB, [goal.id])), [], 'a teacher of another school, through the same statement');
  t.same(ids(await findGoalRows(db, guardianA, [missing, goal.id])), [goal.id]);
  t.same(ids(await findGoalRows(db, guardianA2, [goal.id])), []);
  t.same(await findGoalRows(db, teacherA, []), []);
});

t.test('a write reads its record for update, with the same rule', async (t) => {
  await db.transaction().execute(async (trx) => {
    t.equal((await findGoal(trx, teacherA, goal.id))?.id, goal.id);
    t.equal((await sql<{ xid: string | null }>`select txid_current_if_assigned()::text as xid`.execute(trx)).rows[0]!.xid, null, 'a plain read locks nothing');
    t.equal((await findGoal(trx, teacherA, goal.id, true))?.id, goal.id);
    t.equal(await findGoal(trx, teacherB, goal.id, true), undefined);
    // Locking a row gives the transaction an id; a plain read does not.
    const { rows } = await sql<{ xid: string | null }>`select txid_current_if_assigned()::text as xid`.execute(trx);
    t.not(rows[0]!.xid, null, 'the row is locked');
  });
});
