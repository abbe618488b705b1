// Migrations on an empty database: up from nothing, the latest down and up again, all the way down and up again.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { NO_MIGRATIONS, sql, type Kysely } from 'kysely';
import { createDatabase } from '../../src/db/database.ts';
import { MIGRATIONS_DIR, createMigrator, migrateToLatest, pendingMigrationCount } from '../../src/db/migrator.ts';
import { createTestDatabase } from '../helpers/databases.ts';

const MIGRATION_NAMES = readdirSync(MIGRATIONS_DIR)
  .filter((file) => /\.(ts|js)$/.test(file))
  .map((file) => path.basename(file, path.extname(file)))
  .sort();

// What each migration creates: dropping it must remove exactly these, and nothing of the ones before it.
const TABLES_BY_MIGRATION: Record<string, string[]> = {
  '20261125_0001_roster': ['academic_sessions', 'class_academic_sessions', 'classes', 'courses', 'enrollments',
    'families', 'guardians', 'orgs', 'staff', 'staff_schools', 'student_guardians', 'student_schools', 'students'],
  '20261125_0002_partnership': ['contact_log_guardians', 'contact_logs', 'goal_participants', 'goal_strategies',
    'goals', 'progress_events', 'resource_shares', 'strategy_resources'],
  '20261125_0003_operations': ['audit_events', 'idempotency_keys', 'sync_runs'],
  '20261126_0100_change-feed': ['change_events'],
  '20261126_0101_webhooks': ['webhook_deliveries', 'webhooks'],
  '20261126_0300_report-summaries': ['report_student_days', 'report_student_months'],
  '20261126_0400_change-feed-statement-triggers': [],
  '20261126_0500_report-rollups': ['report_open_follow_ups', 'report_student_weeks'],
  '20261126_0600_report-district-weeks': ['report_district_weeks', 'report_week_marks'],
  '20261126_0700_audit-event-indexes': [],
  '20261126_0800_change-feed-api-keys': [],
  '20261126_0900_audit-record-index-others': [],
  '20261126_1000_audit-record-index-by-id': [],
};
const ALL_TABLES = Object.values(TABLES_BY_MIGRATION).flat().sort();

const testDb = await createTestDatabase({ migrated: false });
const { db } = createDatabase({ connectionString: testDb.url, poolMax: 2 });
t.teardown(async () => {
  await db.destroy();
  await testDb.drop();
});

/** The application's tables in the public schema (Kysely's own bookkeeping tables left out). */
async function appTables(conn: Kysely<any>): Promise<string[]> {
  const { rows } = await sql<{ name: string }>`
    select table_name as name from information_schema.tables
    where table_schema = 'public' and table_type = 'BASE TABLE' and table_name not like 'kysely_migration%'
    order by table_name`.execute(conn);
  return rows.map((row) => row.name);
}

async function appTypes(conn: Kysely<any>): Promise<string[]> {
  const { rows } = await sql<{ name: string }>`
    select t.typname as name from pg_type t join pg_namespace n on n.oid = t.typnamespace
    where n.nspname = 'public' and t.typtype = 'e' order by t.typname`.execute(conn);
  return rows.map((row) => row.name);
}

async function hasUpdatedAtFunction(conn: Kysely<any>): Promise<boolean> {
  const { rows } = await sql<{ found: boolean }>`
    select exists (select 1 from pg_proc where proname = 'set_updated_at') as found`.execute(conn);
  return rows[0]?.found ?? false;
}

t.test('the migrations folder holds the migrations this test knows about', async (t) => {
  t.same(MIGRATION_NAMES, Object.keys(TABLES_BY_MIGRATION).sort(),
    'a new migration must be added to TABLES_BY_MIGRATION so its down is checked too');
});

t.test('up from an empty database applies every migration', async (t) => {
  t.same(await appTables(db), [], 'the database starts empty');
  t.equal(await pendingMigrationCount(db), MIGRATION_NAMES.length, 'every migration is pending');

  t.same(await migrateToLatest(db), MIGRATION_NAMES, 'all migrations applied, in order');
  t.equal(await pendingMigrationCount(db), 0);
  t.same(await appTables(db), ALL_TABLES);
  t.same(await appTypes(db), ['record_source', 'record_status', 'visibility']);

  t.same(await migrateToLatest(db), [], 'a second run applies nothing');
});

t.test('down the latest migration removes its tables; up restores them', async (t) => {
  const latest = MIGRATION_NAMES.at(-1)!;
  const down = await createMigrator(db).migrateDown();
  t.error(down.error);
  t.same(down.results?.map((r) => [r.migrationName, r.direction, r.status]), [[latest, 'Down', 'Success']]);
  t.equal(await pendingMigrationCount(db), 1);

  const remaining = await appTables(db);
  for (const table of TABLES_BY_MIGRATION[latest]!) t.notOk(remaining.includes(table), `${table} is gone`);
  const before = MIGRATION_NAMES.slice(0, -1).flatMap((name) => TABLES_BY_MIGRATION[name]!).sort();
  t.same(remaining, before, 'the earlier migrations\' tables are untouched');

  t.same(await migrateToLatest(db), [latest], 'only the latest is applied again');
  t.equal(await pendingMigrationCount(db), 0);
  t.same(await appTables(db), ALL_TABLES);
});

t.test('down all the way to empty, then up again', async (t) => {
  const down = await createMigrator(db).migrateTo(NO_MIGRATIONS);
  t.error(down.error);
  t.same(down.results?.map((r) => r.migrationName), [...MIGRATION_NAMES].reverse(), 'undone newest first');
  t.equal(await pendingMigrationCount(db), MIGRATION_NAMES.length);
  t.same(await appTables(db), [], 'no table left');
  t.same(await appTypes(db), [], 'no enum type left');
  t.notOk(await hasUpdatedAtFunction(db), 'the updated_at trigger function is gone');

  t.same(await migrateToLatest(db), MIGRATION_NAMES);
  t.equal(await pendingMigrationCount(db), 0);
  t.same(await appTables(db), ALL_TABLES);
  t.ok(await hasUpdatedAtFunction(db));
});
