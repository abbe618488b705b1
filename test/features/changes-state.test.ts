// The row state a change event stores: every column of its table under the API's name, so the feed sends it as stored.
import t from 'tap';
import { sql } from 'kysely';
import { createDatabase } from '../../src/db/database.ts';
import { createMigrator, migrateToLatest } from '../../src/db/migrator.ts';
import { createTestDatabase } from '../helpers/databases.ts';

const testDb = await createTestDatabase({ migrated: false });
const { db } = createDatabase({ connectionString: testDb.url, poolMax: 2 });
t.teardown(async () => {
  await db.destroy();
  await testDb.drop();
});

const API_KEYS = '20261126_0800_change-feed-api-keys';
const BEFORE_API_KEYS = '20261126_0700_audit-event-indexes';

/** The tables whose writes record change events of their own: those whose insert trigger runs record_<table>_changes. */
async function trackedTables(): Promise<string[]> {
  const { rows } = await sql<{ table: string }>`select c.relname as table
    from pg_trigger g join pg_class c on c.oid = g.tgrelid join pg_proc p on p.oid = g.tgfoid
    where g.tgname = c.relname || '_insert_changes' and p.proname = 'record_' || c.relname || '_changes' order by 1`.execute(db);
  return rows.map((r) => r.table);
}

t.test('each tracked table\'s state names every column as the API does', async (t) => {
  await migrateToLatest(db);
  const tables = await trackedTables();
  t.ok(tables.length === 17, `${tables.length} tracked tables`);
  for (const table of tables) {
    // The app's own camelCasing: a row of nulls selected through Kysely comes back with the API's names.
    const { rows: [apiRow] } = await sql<Record<string, unknown>>`select (null::${sql.table(table)}).*`.execute(db);
    const expected = Object.keys(apiRow!);
    if (table === 'contact_logs') expected.push('guardianIds');
    const { rows: [state] } = await sql<{ keys: string[] }>`
      select array(select json_object_keys(change_state(null::${sql.table(table)})) order by 1) as keys`.execute(db);
    t.same(state!.keys, expected.sort(), `${table}: a column added, renamed or dropped needs change_state created again`);
  }
});

t.test('the migration renames the keys of events already stored, and its down renames them back', async (t) => {
  const migrator = createMigrator(db);
  t.error((await migrator.migrateTo(BEFORE_API_KEYS)).error);
  const { rows: [family] } = await sql<{ id: string }>`insert into families (name, notes) values ('Okafor', 'Before') returning id`.execute(db);
  const { rows: [student] } = await sql<{ id: string }>`insert into students (sourced_id, given_name, family_name, grade)
    values ('s-1', 'Ada', 'Okafor', '03') returning id`.execute(db);
  const stored = async () => (await sql<{ type: string; data: Record<string, unknown> | null }>`
    select entity_type as type, data from change_events order by id`.execute(db)).rows;

  const before = await stored();
  t.match(before[0]!.data, { name: 'Okafor', notes: 'Before', created_at: String }, 'snake_case before the migration');
  t.match(before[1]!.data, { given_name: 'Ada', family_name: 'Okafor', sourced_id: 's-1' });

  const up = await migrator.migrateTo(API_KEYS);
  t.error(up.error);
  t.same(up.results?.map((r) => r.migrationName), [API_KEYS]);
  const after = await stored();
  t.same(after.map((e) => e.type), ['family', 'student']);
  t.same(after[0]!.data, Object.fromEntries(Object.entries(before[0]!.data!).map(([k, v]) => [k.replace(/_(.)/g, (_, c: string) => c.toUpperCase()), v])),
    'the same values under the API\'s names');
  t.match(after[1]!.data, { givenName: 'Ada', familyName: 'Okafor', sourcedId: 's-1' });
  t.notOk(Object.keys(after[1]!.data!).some((k) => k.includes('_')), 'no snake_case key is left');

  await sql`delete from families where id = ${family!.id}`.execute(db);
  await sql`update students set given_name = 'Adaeze' where id = ${student!.id}`.execute(db);
  const [tombstone, updated] = (await stored()).slice(2);
  t.equal(tombstone!.data, null, 'a delete stores no state');
  t.match(updated!.data, { givenName: 'Adaeze', familyName: 'Okafor' }, 'new events are stored with the API\'s names');

  t.error((await migrator.migrateTo(BEFORE_API_KEYS)).error);
  const down = await stored();
  t.same(down[0]!.data, before[0]!.data, 'down restores the former keys');
  t.match(down[3]!.data, { given_name: 'Adaeze' });
  t.equal(down[2]!.data, null);
  t.ok((await migrateToLatest(db)).includes(API_KEYS));
});
