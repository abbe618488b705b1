// The app's Kysely writes the SQL Kysely's own CamelCasePlugin writes, and returns rows camelCased exactly as it does,
// from the compile-time identifier renaming and the faster row mapper.
import t from 'tap';
import { CamelCasePlugin, Kysely, PostgresDialect, sql, type Compilable } from 'kysely';
import { jsonArrayFrom, jsonObjectFrom } from 'kysely/helpers/postgres';
import { callerFromHoles, callerHoles, canSeeStudent, visibleStudentIds, type CallerHoles } from '../../src/auth/policy.ts';
import { ROLES, type Principal, type Role } from '../../src/auth/principal.ts';
import { createDatabase } from '../../src/db/database.ts';
import { frozenSql, frozenStatement } from '../../src/db/frozen-sql.ts';
import type { DB } from '../../src/db/types.ts';
import { visibleContactLogs } from '../../src/features/contact-logs/queries.ts';
import { visibleGoals } from '../../src/features/goals/queries.ts';
import { visibleGuardians } from '../../src/features/guardians/queries.ts';
import { visibleProgressEvents } from '../../src/features/progress-events/queries.ts';
import { visibleShares } from '../../src/features/strategy-resources/share-queries.ts';
import { visibleResources } from '../../src/features/strategy-resources/queries.ts';
import { createTestDatabase } from '../helpers/databases.ts';
import { seedDistrictAt } from '../helpers/seed.ts';

const testDb = await createTestDatabase();
await seedDistrictAt(testDb.url);
const { db, pool } = createDatabase({ connectionString: testDb.url, poolMax: 2 });
const reference = new Kysely<DB>({ dialect: new PostgresDialect({ pool }), plugins: [new CamelCasePlugin({ maintainNestedObjectKeys: true })] });
t.teardown(async () => {
  await db.destroy();
  await testDb.drop();
});

t.test('every row, column and value as the reference plugin maps them', async (t) => {
  await sql`update students set metadata = '{"sis_field": {"nested_key": [1, {"deep_key": true}]}}'::jsonb`.execute(db);
  const queries: Array<[string, (k: Kysely<DB>) => Promise<unknown[]>]> = [
    ['students, every column, JSON metadata with snake_case keys', (k) => k.selectFrom('students').selectAll().orderBy('id').execute()],
    ['a join with aliases', (k) => k.selectFrom('students as s').innerJoin('orgs as o', 'o.id', 's.schoolId')
      .select(['s.id', 's.givenName', 'o.name as school_name']).orderBy('s.id').execute()],
    ['arrays, nulls and odd names', async (k) => (await sql`select array['a_b', 'c_d'] as some_list, null as nothing_here, 1 as "already_camelCase",
      2 as "__proto__", 3 as x_1_y`.execute(k)).rows],
    ['a column named twice, and names that meet once camelCased', async (k) => (await sql`select 1 as twice_named, 2 as other, 3 as twice_named,
      4 as "twiceNamed"`.execute(k)).rows],
    ['the same with a column named __proto__', async (k) => (await sql`select 1 as twice_named, 2 as "__proto__", 3 as twice_named`.execute(k)).rows],
    ['no rows', (k) => k.selectFrom('students').selectAll().where('id', '=', '00000000-0000-4000-8000-000000000000').execute()],
  ];
  for (const [label, run] of queries) {
    const [ours, theirs] = [await run(db), await run(reference)];
    t.same(ours, theirs, label);
    t.same(ours.map((row) => Object.keys(row as object)), theirs.map((row) => Object.keys(row as object)), `${label}: same keys in the same order`);
  }
  const [student] = await db.selectFrom('students').selectAll().limit(1).execute();
  t.same(student!.metadata, { sis_field: { nested_key: [1, { deep_key: true }] } }, 'JSON keeps its own keys');
  t.equal(Object.getPrototypeOf(student), Object.prototype);
});

t.test('the same SQL and parameters as the reference plugin, for every statement kind and the rules of every role', async (t) => {
  const id = '00000000-0000-4000-8000-00000000000a';
  const queries: Array<[string, (k: Kysely<DB>) => Compilable<unknown>]> = [
    ['joins, aliases, subqueries, window functions and ordering', (k) => k.selectFrom('students as s')
      .innerJoin('enrollments as e', (join) => join.onRef('e.studentId', '=', 's.id').on('e.status', '=', 'active'))
      .leftJoin('orgs as o', 'o.id', 's.schoolId')
      .select(['s.id', 's.givenName as firstName', 'o.name as schoolName', sql<number>`row_number() over (partition by ${sql.ref('e.classId')} order by ${sql.ref('s.familyName')})`.as('rowNumber')])
      .where((eb) => eb.or([eb('s.caseManagerId', '=', id), eb.exists(eb.selectFrom('goalParticipants as gp').select('gp.goalId').whereRef('gp.staffId', '=', 's.caseManagerId'))]))
      .where('s.id', 'in', k.selectFrom('studentGuardians').select('studentId').where('guardianId', '=', id))
      .groupBy(['s.id', 'o.name', 'e.classId']).having(sql`count(*)`, '>', 0).orderBy('s.familyName desc').orderBy('s.id').limit(5).offset(2)],
    ['union all of selections, selectAll of an alias', (k) => k.selectFrom(k.selectFrom('contactLogs').select(['studentId', 'occurredAt as at'])
      .unionAll(k.selectFrom('progressEvents').select(['studentId', 'occurredAt as at'])).as('t')).selectAll('t').orderBy('t.at desc')],
    ['common table expressions', (k) => k.with('recentLogs', (w) => w.selectFrom('contactLogs').select(['studentId', 'followUpDue']).where('followUpDue', 'is not', null))
      .selectFrom('recentLogs as rl').innerJoin('students as s', 's.id', 'rl.studentId').select(['s.givenName', 'rl.followUpDue'])],
    ['JSON helpers', (k) => k.selectFrom('goals as g').select((eb) => [
      jsonArrayFrom(eb.selectFrom('progressEvents as pe').select(['pe.occurredAt', 'pe.recordedByStaffId']).whereRef('pe.goalId', '=', 'g.id')).as('recentProgress'),
      jsonObjectFrom(eb.selectFrom('students as s').select(['s.givenName', 's.familyName']).whereRef('s.id', '=', 'g.studentId')).as('student'),
    ])],
    ['insert with conflict handling and returning', (k) => k.insertInto('studentGuardians')
      .values({ studentId: id, guardianId: id, relationship: 'parent', status: 'active' })
      .onConflict((oc) => oc.columns(['studentId', 'guardianId']).doUpdateSet((eb) => ({ relationship: eb.ref('excluded.relationship'), updatedAt: sql`now()` })))
      .returning(['studentId', 'createdAt'])],
    ['update from another table', (k) => k.updateTable('goals as g').from('students as s').set({ updatedAt: sql`now()`, status: 'met' })
      .whereRef('s.id', '=', 'g.studentId').where('s.caseManagerId', '=', id).returningAll('g')],
    ['delete with a subquery', (k) => k.deleteFrom('contactLogGuardians').where('contactLogId', 'in', (eb) => eb.selectFrom('contactLogs').select('id').where('authorId', '=', id))],
    ['raw SQL with references, tables and identifiers', (k) => k.selectFrom('students')
      .select(sql<string>`${sql.ref('students.familyName')} || ${sql.id('students', 'givenName')} || (select count(*) from ${sql.table('contactLogs')})`.as('nameWithCount'))],
  ];
  for (const role of ROLES) {
    const principal: Principal = { role, sub: id, schoolIds: [id], scopes: ['roster:read', 'partnership:read'] };
    queries.push(
      [`contact logs ${role} sees`, (k) => visibleContactLogs(k, principal).where('cl.studentId', 'in', [id, id])],
      [`goals ${role} sees`, (k) => visibleGoals(k, principal)],
      [`guardians ${role} sees`, (k) => visibleGuardians(k, principal)],
      [`progress events ${role} sees`, (k) => visibleProgressEvents(k, principal)],
      [`resource shares ${role} sees`, (k) => visibleShares(k, principal)],
      [`strategy resources ${role} sees`, (k) => visibleResources(k, principal)],
    );
  }
  for (const [label, build] of queries) {
    const [ours, theirs] = [build(db).compile(), build(reference).compile()];
    t.equal(ours.sql, theirs.sql, label);
    t.same(ours.parameters, theirs.parameters, `${label}: parameters`);
  }
  t.match(queries[0]![1](db).compile().sql, /"s"\."case_manager_id" = \$\d/, 'identifiers are snake_cased, not left as written');
});

t.test('visibility rules kept as SQL text compile to the statement the rules build, with the values of each caller', async (t) => {
  const callers = ['00000000-0000-4000-8000-0000000000a1', '00000000-0000-4000-8000-0000000000b2'];
  for (const role of ROLES) {
    for (const sub of callers) {
      const principal: Principal = { role, sub, schoolIds: [sub, callers[0]!], scopes: ['partnership:read'] };
      const frozen = db.selectFrom('contactLogs as cl').select('cl.id').where('cl.purpose', '=', 'strength')
        .where((eb) => canSeeStudent(eb, principal, 'cl.studentId')).compile();
      const built = db.selectFrom('contactLogs as cl').select('cl.id').where('cl.purpose', '=', 'strength')
        .where((eb) => (role === 'district_admin' || role === 'integration' ? sql<boolean>`true` : eb(eb.ref('cl.studentId'), 'in', visibleStudentIds(eb, principal)))).compile();
      t.equal(frozen.sql, built.sql, `${role} ${sub.slice(-2)}: the same SQL`);
      t.same(frozen.parameters, built.parameters, `${role} ${sub.slice(-2)}: the same parameters, from this caller`);
    }
  }
  const inList = frozenSql((_key: string, holes: { ids: readonly string[] }) => db.selectFrom('students').select('id').where('id', 'in', holes.ids as string[]));
  t.throws(() => inList('k', { ids: ['00000000-0000-4000-8000-000000000001'] }), /hole ids is not passed through/, 'a hole spread into a list is refused');
  const unused = frozenSql((_key: string, _holes: { sub: string }) => db.selectFrom('students').select('id'));
  t.throws(() => unused('k', { sub: 'x' }), /hole sub is not passed through/, 'a hole the builder ignores is refused');
});

t.test('a frozen statement: the text the builder writes, each call with its own values, rows mapped as the builder maps them', async (t) => {
  let builds = 0;
  const byGrade = frozenStatement<string, { grade?: string; limit: string }, Kysely<DB>, { id: string; givenName: string }>((key, holes, creator) => {
    builds += 1;
    let q = creator.selectFrom('students').select(['id', 'givenName']);
    if (holes.grade !== undefined) q = q.where('grade', '=', holes.grade);
    return q.orderBy('id').limit(holes.limit as unknown as number);
  });
  const built = (grade: string | undefined, limit: number) => {
    let q = db.selectFrom('students').select(['id', 'givenName']);
    if (grade !== undefined) q = q.where('grade', '=', grade);
    return q.orderBy('id').limit(limit);
  };
  const grades = (await db.selectFrom('students').select('grade').distinct().execute()).map((r) => r.grade!).filter(Boolean);
  t.ok(grades.length >= 2, 'the seed has students in two grades or more');
  for (const grade of grades) {
    const frozen = byGrade('k', { grade, limit: '2' }, db);
    t.equal(frozen.compile(db).sql, built(grade, 2).compile().sql, 'the same text as built, not in parentheses');
    t.same((await frozen.execute(db)).rows, await built(grade, 2).execute(), `grade ${grade}: the rows the built statement gives, camelCased`);
  }
  t.same((await byGrade('k', { limit: '3' }, db).execute(db)).rows, await built(undefined, 3).execute(), 'a hole left out is no hole');
  t.same((await byGrade('k', { grade: undefined, limit: '3' }, db).execute(db)).rows, await built(undefined, 3).execute(), 'nor one left undefined');
  t.equal(builds, 2, 'built once per key and set of holes');

  const readsSub = frozenStatement<Role, CallerHoles, Kysely<DB>, { id: string }>((role, holes, creator) =>
    creator.selectFrom('staff').select('id').where('id', '=', callerFromHoles(role, holes).sub));
  t.throws(() => readsSub('district_admin', callerHoles({ role: 'district_admin', sub: 'admin@maple', schoolIds: [], scopes: [] }), db),
    /reads sub, which the call did not set as a hole/, 'a rule reading an id the role leaves unset fails to build, not keeps a constant');
});
