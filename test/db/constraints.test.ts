// The database itself rejects rows that break a domain rule, and keeps updated_at still when nothing changed.
import { setTimeout as sleep } from 'node:timers/promises';
import t from 'tap';
import { sql } from 'kysely';
import { createDatabase } from '../../src/db/database.ts';
import type { Visibility } from '../../src/db/types.ts';
import { createTestDatabase } from '../helpers/databases.ts';

const testDb = await createTestDatabase();
const { db } = createDatabase({ connectionString: testDb.url, poolMax: 2 });
t.teardown(async () => {
  await db.destroy();
  await testDb.drop();
});

interface Rejection {
  code: string | undefined;
  constraint: string | undefined;
}

/** Runs a statement that must fail and returns the SQLSTATE and constraint PostgreSQL reported. */
async function rejection(run: () => Promise<unknown>): Promise<Rejection | 'accepted'> {
  try {
    await run();
    return 'accepted';
  } catch (error) {
    const { code, constraint } = error as { code?: string; constraint?: string };
    return { code, constraint };
  }
}

const fk = (constraint: string): Rejection => ({ code: '23503', constraint });
const check = (constraint: string): Rejection => ({ code: '23514', constraint });
const unique = (constraint: string): Rejection => ({ code: '23505', constraint });

// A small valid roster: one district, one school, a teacher, two siblings and their guardians.
// Ana (the mother) is linked to both children, Ben (a grandparent) only to Bea.
const district = await db.insertInto('orgs')
  .values({ source: 'sis', sourcedId: 'district-1', name: 'Riverside USD', type: 'district' })
  .returning('id').executeTakeFirstOrThrow();
const school = await db.insertInto('orgs')
  .values({ source: 'sis', sourcedId: 'school-1', name: 'Riverside Elementary', type: 'school', parentId: district.id })
  .returning('id').executeTakeFirstOrThrow();
const teacher = await db.insertInto('staff')
  .values({ source: 'sis', sourcedId: 'staff-1', givenName: 'Maya', familyName: 'Ortiz', email: 'maya@example.org' })
  .returning('id').executeTakeFirstOrThrow();
await db.insertInto('staffSchools').values({ staffId: teacher.id, schoolId: school.id, isPrimary: true }).execute();
const klass = await db.insertInto('classes')
  .values({ source: 'sis', sourcedId: 'class-1', title: 'Grade 2 Homeroom', classType: 'homeroom', schoolId: school.id })
  .returning('id').executeTakeFirstOrThrow();
const family = await db.insertInto('families').values({ name: 'Lopez household' }).returning('id').executeTakeFirstOrThrow();
const [alex, bea] = await db.insertInto('students')
  .values([
    { source: 'sis', sourcedId: 'stu-1', givenName: 'Alex', familyName: 'Lopez', grade: '02', schoolId: school.id, familyId: family.id },
    { source: 'sis', sourcedId: 'stu-2', givenName: 'Bea', familyName: 'Lopez', grade: '04', schoolId: school.id, familyId: family.id },
  ])
  .returning('id').execute();
const [ana, ben] = await db.insertInto('guardians')
  .values([
    { source: 'sis', sourcedId: 'par-1', givenName: 'Ana', familyName: 'Lopez', phone: '+15551234567',
      familyId: family.id, preferredLanguage: 'es-MX', preferredChannel: 'text', needsInterpreter: true },
    { source: 'sis', sourcedId: 'par-2', givenName: 'Ben', familyName: 'Lopez', email: 'ben@example.org', familyId: family.id },
  ])
  .returning('id').execute();
if (!alex || !bea || !ana || !ben) throw new Error('roster setup returned too few rows');
await db.insertInto('studentGuardians')
  .values([
    { studentId: alex.id, guardianId: ana.id, relationship: 'mother', isPrimary: true },
    { studentId: bea.id, guardianId: ana.id, relationship: 'mother', isPrimary: true },
    { studentId: bea.id, guardianId: ben.id, relationship: 'grandparent', livesWith: false },
  ]).execute();
await db.insertInto('enrollments')
  .values([
    { source: 'sis', sourcedId: 'enr-1', classId: klass.id, schoolId: school.id, role: 'teacher', staffId: teacher.id },
    { source: 'sis', sourcedId: 'enr-2', classId: klass.id, schoolId: school.id, role: 'student', studentId: alex.id },
  ]).execute();
const [alexGoal, beaGoal] = await db.insertInto('goals')
  .values([
    { studentId: alex.id, title: 'Use words when frustrated', domain: 'social_emotional', status: 'active',
      measureType: 'rating', ratingMin: 1, ratingMax: 5, createdBy: teacher.id },
    { studentId: bea.id, title: 'Read 20 minutes a day', domain: 'academic', measureType: 'count', createdBy: teacher.id },
  ])
  .returning('id').execute();
const resource = await db.insertInto('strategyResources')
  .values({ title: 'Calm-down corner', kind: 'coping_strategy', url: 'https://example.org/calm', createdBy: teacher.id })
  .returning('id').executeTakeFirstOrThrow();
const alexLog = await db.insertInto('contactLogs')
  .values({ studentId: alex.id, authorId: teacher.id, occurredAt: '2026-11-20T15:00:00Z', channel: 'phone',
    direction: 'outbound', purpose: 'strength', summary: 'Alex helped a classmate today.', language: 'es' })
  .returning('id').executeTakeFirstOrThrow();
if (!alexGoal || !beaGoal) throw new Error('goal setup returned too few rows');

const contactLog = { studentId: alex.id, authorId: teacher.id, occurredAt: '2026-11-21T15:00:00Z', channel: 'email',
  direction: 'outbound', purpose: 'update', summary: 'Weekly update.' };
const progressEvent = { studentId: alex.id, occurredAt: '2026-11-21T10:00:00Z', recordedByType: 'staff',
  recordedByStaffId: teacher.id, setting: 'school', kind: 'observation' };
const goal = { studentId: alex.id, title: 'Arrive on time', domain: 'attendance', createdBy: teacher.id };
const resourceRow = { title: 'Morning routine', kind: 'visual_schedule', body: '1. Wake up', createdBy: teacher.id };

t.test('the valid rows are accepted', async (t) => {
  await db.insertInto('contactLogGuardians').values({ contactLogId: alexLog.id, studentId: alex.id, guardianId: ana.id }).execute();
  await db.insertInto('resourceShares')
    .values({ resourceId: resource.id, studentId: bea.id, guardianId: ben.id, sharedBy: teacher.id }).execute();
  await db.insertInto('progressEvents').values({ ...progressEvent, goalId: alexGoal.id, kind: 'measurement', value: 3 }).execute();
  await db.insertInto('progressEvents').values({ ...progressEvent, recordedByType: 'guardian', recordedByStaffId: null,
    recordedByGuardianId: ana.id, setting: 'home', kind: 'celebration' }).execute();
  const counts = await db.selectFrom('progressEvents').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  t.equal(Number(counts.n), 2);
});

t.test('a progress event\'s goal belongs to the same student', async (t) => {
  t.same(await rejection(() => db.insertInto('progressEvents').values({ ...progressEvent, goalId: beaGoal.id }).execute()),
    fk('progress_events_goal_fk'));
  t.same(await rejection(() => db.updateTable('goals').set({ studentId: bea.id }).where('id', '=', alexGoal.id).execute()),
    fk('progress_events_goal_fk'), 'a goal with events cannot move to another student');
  t.same(await rejection(() => db.insertInto('progressEvents')
    .values({ ...progressEvent, kind: 'measurement', value: null }).execute()),
  check('progress_events_measurement_value'), 'a measurement carries a value');
  t.same(await rejection(() => db.insertInto('progressEvents')
    .values({ ...progressEvent, recordedByType: 'guardian' }).execute()),
  check('progress_events_recorder'), 'the recorder matches its type');
});

t.test('shares and contacts reach only guardians linked to the student', async (t) => {
  t.same(await rejection(() => db.insertInto('resourceShares')
    .values({ resourceId: resource.id, studentId: alex.id, guardianId: ben.id, sharedBy: teacher.id }).execute()),
  fk('resource_shares_link_fk'));
  t.same(await rejection(() => db.insertInto('contactLogGuardians')
    .values({ contactLogId: alexLog.id, studentId: alex.id, guardianId: ben.id }).execute()),
  fk('contact_log_guardians_link_fk'));
  t.same(await rejection(() => db.insertInto('contactLogGuardians')
    .values({ contactLogId: alexLog.id, studentId: bea.id, guardianId: ben.id }).execute()),
  fk('contact_log_guardians_log_fk'), 'the guardian row names the log\'s own student');
});

t.test('phones are E.164', async (t) => {
  for (const phone of ['5551234567', '+1 555 123 4567', '+05551234567', '+1555']) {
    t.same(await rejection(() => db.updateTable('guardians').set({ phone }).where('id', '=', ana.id).execute()),
      check('guardians_phone_check'), phone);
  }
  t.same(await rejection(() => db.updateTable('guardians').set({ smsPhone: '555-1234' }).where('id', '=', ana.id).execute()),
    check('guardians_sms_phone_check'));
  t.same(await rejection(() => db.updateTable('staff').set({ phone: '(555) 123-4567' }).where('id', '=', teacher.id).execute()),
    check('staff_phone_check'));
});

t.test('languages are BCP 47 tags', async (t) => {
  for (const language of ['en_US', 'e', 'en-', 'zh--Hant', 'español']) {
    t.same(await rejection(() => db.updateTable('guardians').set({ preferredLanguage: language }).where('id', '=', ana.id).execute()),
      check('guardians_preferred_language_check'), language);
  }
  t.same(await rejection(() => db.insertInto('contactLogs').values({ ...contactLog, language: 'en US' }).execute()),
    check('contact_logs_language_check'));
  await db.updateTable('guardians').set({ preferredLanguage: 'zh-Hant-TW' }).where('id', '=', ana.id).execute();
  t.pass('zh-Hant-TW is accepted');
});

t.test('unknown enum values are rejected', async (t) => {
  t.same(await rejection(() => db.insertInto('contactLogs').values({ ...contactLog, channel: 'carrier_pigeon' }).execute()),
    check('contact_logs_channel_check'));
  t.same(await rejection(() => db.insertInto('contactLogs').values({ ...contactLog, purpose: 'gossip' }).execute()),
    check('contact_logs_purpose_check'));
  t.same(await rejection(() => db.insertInto('contactLogs').values({ ...contactLog, direction: 'sideways' }).execute()),
    check('contact_logs_direction_check'));
  t.same(await rejection(() => db.insertInto('goals').values({ ...goal, status: 'done' }).execute()),
    check('goals_status_check'));
  t.same(await rejection(() => db.updateTable('guardians').set({ preferredChannel: 'fax' }).where('id', '=', ana.id).execute()),
    check('guardians_preferred_channel_check'));
  // visibility is a PostgreSQL enum type, so a stranger value fails to parse rather than a CHECK.
  const notAVisibility = 'public' as unknown as Visibility;
  t.same(await rejection(() => db.insertInto('contactLogs').values({ ...contactLog, visibility: notAVisibility }).execute()),
    { code: '22P02', constraint: undefined });
});

t.test('an enrollment names exactly one person, of the kind its role says', async (t) => {
  const enrollment = { classId: klass.id, schoolId: school.id };
  t.same(await rejection(() => db.insertInto('enrollments')
    .values({ ...enrollment, role: 'student', staffId: teacher.id }).execute()),
  check('enrollments_one_person'));
  t.same(await rejection(() => db.insertInto('enrollments')
    .values({ ...enrollment, role: 'teacher', studentId: bea.id }).execute()),
  check('enrollments_one_person'));
  t.same(await rejection(() => db.insertInto('enrollments')
    .values({ ...enrollment, role: 'student', studentId: bea.id, staffId: teacher.id }).execute()),
  check('enrollments_one_person'));
});

t.test('sourced ids are unique per source', async (t) => {
  t.same(await rejection(() => db.insertInto('students')
    .values({ source: 'sis', sourcedId: 'stu-1', givenName: 'Other', familyName: 'Child' }).execute()),
  unique('students_sourced_id_unique'));
  t.same(await rejection(() => db.insertInto('guardians')
    .values({ source: 'sis', sourcedId: 'par-2', givenName: 'Other', familyName: 'Adult' }).execute()),
  unique('guardians_sourced_id_unique'));
  await db.insertInto('students').values({ source: 'local', sourcedId: 'stu-1', givenName: 'Local', familyName: 'Child' }).execute();
  t.pass('the same sourced id under another source is accepted');
  t.same(await rejection(() => db.insertInto('students')
    .values({ source: 'sis', givenName: 'No', familyName: 'Id' }).execute()),
  check('students_sis_has_sourced_id'), 'a SIS row carries its sourced id');
});

t.test('goal measures and resources are well-formed', async (t) => {
  t.same(await rejection(() => db.insertInto('goals').values({ ...goal, measureType: 'rating' }).execute()),
    check('goals_rating_bounds'), 'a rating goal without bounds');
  t.same(await rejection(() => db.insertInto('goals').values({ ...goal, measureType: 'rating', ratingMin: 5, ratingMax: 1 }).execute()),
    check('goals_rating_bounds'), 'a rating goal with inverted bounds');
  t.same(await rejection(() => db.insertInto('goals').values({ ...goal, measureType: 'percent', target: 120 }).execute()),
    check('goals_percent_bounds'));
  t.same(await rejection(() => db.insertInto('strategyResources').values({ ...resourceRow, body: null }).execute()),
    check('strategy_resources_content'), 'a resource with neither body nor url');
  t.same(await rejection(() => db.insertInto('strategyResources').values({ ...resourceRow, scope: 'school' }).execute()),
    check('strategy_resources_scope'), 'a school-scoped resource without a school');
  t.same(await rejection(() => db.insertInto('strategyResources')
    .values({ ...resourceRow, scope: 'district', schoolId: school.id }).execute()),
  check('strategy_resources_scope'), 'a district-wide resource naming a school');
});

t.test('students and guardians that are referred to are deactivated, not deleted', async (t) => {
  t.match(await rejection(() => db.deleteFrom('students').where('id', '=', alex.id).execute()), { code: '23503' });
  t.match(await rejection(() => db.deleteFrom('guardians').where('id', '=', ana.id).execute()), { code: '23503' });
  await db.updateTable('students').set({ status: 'inactive' }).where('id', '=', alex.id).execute();
  t.pass('deactivating is allowed');
});

t.test('updated_at moves only when a row really changes', async (t) => {
  // Microseconds since the epoch: exact, where a JS Date would drop the last three digits.
  const micros = (column: 'created_at' | 'updated_at') =>
    sql<number>`(extract(epoch from ${sql.ref(column)}) * 1000000)::bigint`;
  const stamps = () => db.selectFrom('guardians')
    .select([micros('created_at').as('createdAt'), micros('updated_at').as('updatedAt')])
    .where('id', '=', ben.id).executeTakeFirstOrThrow();
  const before = await stamps();
  t.equal(before.updatedAt, before.createdAt, 'a new row starts with updated_at = created_at');

  await sleep(20);
  // What a re-sync does with an unchanged SIS record: write every synced field with the value it already has.
  const sameValues = await db.updateTable('guardians')
    .set({ givenName: 'Ben', familyName: 'Lopez', email: 'ben@example.org', phone: null, status: 'active', metadata: {} })
    .where('id', '=', ben.id).executeTakeFirstOrThrow();
  t.equal(Number(sameValues.numUpdatedRows), 1, 'the row was written');
  t.same(await stamps(), before, 'updated_at did not move');

  await sleep(20);
  await db.updateTable('guardians').set({ email: 'ben.lopez@example.org' }).where('id', '=', ben.id).execute();
  const after = await stamps();
  t.equal(after.createdAt, before.createdAt);
  t.ok(after.updatedAt > before.updatedAt, 'updated_at moved');

  await sleep(20);
  const manual = await db.updateTable('guardians').set({ updatedAt: '2000-01-01T00:00:00Z' }).where('id', '=', ben.id)
    .returning(micros('updated_at').as('updatedAt')).executeTakeFirstOrThrow();
  t.ok(manual.updatedAt > after.updatedAt, 'a hand-written updated_at is replaced by now()');
});
