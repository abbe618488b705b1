// Result rows come back camelCased exactly as Kysely's own CamelCasePlugin would return them, from the faster mapper.
import t from 'tap';
import { CamelCasePlugin, Kysely, PostgresDialect, sql } from 'kysely';
import { createDatabase } from '../../src/db/database.ts';
import type { DB } from '../../src/db/types.ts';
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
