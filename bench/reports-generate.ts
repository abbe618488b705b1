// Generates a school year for the reporting benchmark into its own database, set-based (INSERT … SELECT generate_series).
// Usage: node --import tsx bench/reports-generate.ts [postgres://…/kinship_bench_reports]
import pg from 'pg';
import { createDatabase } from '../src/db/database.ts';
import { migrateToLatest } from '../src/db/migrator.ts';

export const BENCH_DB_URL = process.argv[2] ?? process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/kinship_bench_reports';

export const SIZE = {
  schools: 20,
  teachers: 2_000,
  students: 50_000,
  contactLogs: 1_000_000,
  goals: 200_000,
  progressEvents: 2_000_000,
  resourceShares: 100_000,
};

/** Deterministic ids: a per-table prefix and the row number, so references are arithmetic. */
const id = (prefix: string, expr: string) => `('${prefix}-0000-4000-8000-' || lpad(to_hex(${expr}), 12, '0'))::uuid`;
export const ids = {
  school: (e: string) => id('00000001', e),
  staff: (e: string) => id('00000002', e),
  klass: (e: string) => id('00000003', e),
  student: (e: string) => id('00000004', e),
  guardian: (e: string) => id('00000005', e),
  goal: (e: string) => id('00000006', e),
};
const { school, staff, klass, student, guardian, goal } = ids;
const S = SIZE;
/** The school year: 2025-08-25 to 2026-06-12 (42 weeks). */
const YEAR_START = `'2025-08-25T07:00:00Z'::timestamptz`;
const YEAR_SECONDS = 42 * 7 * 86_400;
const pick = (list: string[], e: string) => `(array[${list.map((v) => `'${v}'`).join(',')}])[(1 + (${e}) % ${list.length})::int]`;

const statements: Array<[string, string]> = [
  ['district and schools', `
    insert into orgs (id, source, sourced_id, name, type) values ('00000000-0000-4000-8000-000000000000', 'sis', 'district', 'Bench District', 'district');
    insert into orgs (id, source, sourced_id, name, type, parent_id)
      select ${school('i')}, 'sis', 'school-' || i, 'School ' || i, 'school', '00000000-0000-4000-8000-000000000000' from generate_series(0::bigint, ${S.schools - 1}) i;`],
  ['staff and classes', `
    insert into staff (id, source, sourced_id, given_name, family_name, role)
      select ${staff('i')}, 'sis', 'staff-' || i, 'Teacher', 'Number ' || i, 'teacher' from generate_series(0::bigint, ${S.teachers - 1}) i;
    insert into staff_schools (staff_id, school_id, role, is_primary) select ${staff('i')}, ${school(`i % ${S.schools}`)}, 'teacher', true from generate_series(0::bigint, ${S.teachers - 1}) i;
    insert into classes (id, source, sourced_id, title, school_id) select ${klass('i')}, 'sis', 'class-' || i, 'Class ' || i, ${school(`i % ${S.schools}`)} from generate_series(0::bigint, ${S.teachers - 1}) i;
    insert into enrollments (source, sourced_id, class_id, school_id, role, staff_id)
      select 'sis', 'et-' || i, ${klass('i')}, ${school(`i % ${S.schools}`)}, 'teacher', ${staff('i')} from generate_series(0::bigint, ${S.teachers - 1}) i;`],
  ['students, guardians, links, enrollments', `
    insert into students (id, source, sourced_id, given_name, family_name, grade, school_id)
      select ${student('i')}, 'sis', 'st-' || i, 'Student', 'Number ' || i, lpad(((i / ${S.schools}) % 6 + 1)::text, 2, '0'), ${school(`i % ${S.schools}`)}
      from generate_series(0::bigint, ${S.students - 1}) i;
    insert into student_schools (student_id, school_id, is_primary) select ${student('i')}, ${school(`i % ${S.schools}`)}, true from generate_series(0::bigint, ${S.students - 1}) i;
    insert into guardians (id, source, sourced_id, given_name, family_name, preferred_language, preferred_channel, needs_interpreter)
      select ${guardian('i')}, 'sis', 'g-' || i, 'Parent', 'Number ' || i, ${pick(['en', 'en', 'en', 'es', 'vi', 'ko', 'ar'], 'i')},
        ${pick(['text', 'phone', 'email', 'app_message'], 'i')}, i % 9 = 0
      from generate_series(0::bigint, ${S.students - 1}) i;
    insert into student_guardians (student_id, guardian_id, relationship, is_primary) select ${student('i')}, ${guardian('i')}, 'parent', true from generate_series(0::bigint, ${S.students - 1}) i;
    insert into enrollments (source, sourced_id, class_id, school_id, role, student_id)
      select 'sis', 'es-' || i, ${klass(`i % ${S.teachers}`)}, ${school(`i % ${S.schools}`)}, 'student', ${student('i')} from generate_series(0::bigint, ${S.students - 1}) i;`],
  ['contact logs', `
    insert into contact_logs (id, student_id, author_id, occurred_at, channel, direction, purpose, summary, family_input, language,
        interpreter_used, follow_up_due, follow_up_done_at, visibility)
      select ${id('00000007', 'i')}, ${student('s')}, ${staff(`s % ${S.teachers}`)}, ${YEAR_START} + make_interval(secs => (i * 7919) % ${YEAR_SECONDS}),
        ${pick(['phone', 'email', 'text', 'in_person', 'video', 'note_home', 'app_message'], 'i / 7')}, case when i % 5 = 0 then 'inbound' else 'outbound' end,
        ${pick(['strength', 'strength', 'concern', 'update', 'input_request', 'plan', 'celebration', 'concern', 'update', 'other'], 'i / 3')},
        'Generated contact', case when i % 4 = 0 then 'Family shared a view' end,
        case when i % 3 = 0 then ${pick(['en', 'es', 'vi', 'ko', 'ar'], 'i / 11')} end, i % 13 = 0,
        case when i % 6 = 0 then '2025-09-01'::date + (i % 280)::int end, case when i % 12 = 0 then ${YEAR_START} + interval '200 days' end,
        case when i % 2 = 0 then 'family'::visibility else 'staff'::visibility end
      from (select i, (i * 31) % ${S.students} as s from generate_series(0::bigint, ${S.contactLogs - 1}) i) x;
    insert into contact_log_guardians (contact_log_id, student_id, guardian_id)
      select ${id('00000007', 'i')}, ${student('s')}, ${guardian('s')}
      from (select i, (i * 31) % ${S.students} as s from generate_series(0::bigint, ${S.contactLogs - 1}) i) x where i % 10 < 7;`],
  ['goals and participants', `
    insert into goals (id, student_id, title, domain, status, measure_type, baseline, target, created_by, created_at, status_changed_at)
      select ${goal('i')}, ${student(`i % ${S.students}`)}, 'Generated goal', ${pick(['behavior', 'social_emotional', 'academic', 'attendance', 'communication'], 'i / 3')},
        ${pick(['active', 'active', 'met', 'draft', 'paused', 'discontinued', 'active'], 'i / 5')}, 'count', 1, 10, ${staff(`(i % ${S.students}) % ${S.teachers}`)},
        ${YEAR_START} + make_interval(secs => (i * 104729) % ${YEAR_SECONDS}), ${YEAR_START} + make_interval(secs => (i * 104729) % ${YEAR_SECONDS} + 3000000)
      from generate_series(0::bigint, ${S.goals - 1}) i;
    insert into goal_participants (goal_id, participant_type, guardian_id, role)
      select ${goal('i')}, 'guardian', ${guardian(`i % ${S.students}`)}, 'partner' from generate_series(0::bigint, ${S.goals - 1}) i where i % 2 = 0;`],
  ['progress events', `
    insert into progress_events (student_id, goal_id, occurred_at, recorded_by_type, recorded_by_staff_id, recorded_by_guardian_id, setting, kind, value, visibility)
      select ${student('s')}, case when g then ${goal(`s + ${S.students} * (i % 4)`)} end, ${YEAR_START} + make_interval(secs => (i * 6151) % ${YEAR_SECONDS}),
        case when home then 'guardian' else 'staff' end, case when not home then ${staff(`s % ${S.teachers}`)} end, case when home then ${guardian('s')} end,
        case when home then 'home' else 'school' end,
        case when g then 'measurement' else ${pick(['observation', 'milestone', 'celebration', 'setback', 'observation'], 'i / 7')} end,
        case when g then (i % 11) end, case when i % 3 = 0 then 'staff'::visibility else 'family'::visibility end
      from (select i, (i * 37) % ${S.students} as s, i % 2 = 0 as g, i % 5 = 0 as home from generate_series(0::bigint, ${S.progressEvents - 1}) i) x;`],
  ['resources and shares', `
    insert into strategy_resources (id, title, kind, body, created_by)
      select ${id('00000008', 'i')}, 'Resource ' || i, 'visual_schedule', 'Steps', ${staff('i')} from generate_series(0::bigint, 99) i;
    insert into resource_shares (resource_id, student_id, guardian_id, shared_by, shared_at, acknowledged_at)
      select ${id('00000008', 'i % 100')}, ${student(`i % ${S.students}`)}, ${guardian(`i % ${S.students}`)}, ${staff(`(i % ${S.students}) % ${S.teachers}`)},
        ${YEAR_START} + make_interval(secs => (i * 7907) % ${YEAR_SECONDS}),
        case when i % 3 = 0 then ${YEAR_START} + make_interval(secs => (i * 7907) % ${YEAR_SECONDS} + 86400) end
      from generate_series(0::bigint, ${S.resourceShares - 1}) i;`],
];

async function recreateDatabase(url: string): Promise<void> {
  const target = new URL(url);
  const name = target.pathname.slice(1);
  if (!/^[a-z0-9_]+$/.test(name)) throw new Error(`Unexpected database name ${name}`);
  target.pathname = '/postgres';
  const admin = new pg.Client({ connectionString: target.toString() });
  await admin.connect();
  try {
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
}

export async function generate(url: string): Promise<void> {
  await recreateDatabase(url);
  const { db, pool } = createDatabase({ connectionString: url, poolMax: 1 });
  try {
    await migrateToLatest(db);
    const client = await pool.connect();
    try {
      // The rows are valid by construction; skipping per-row foreign key triggers makes the load several times faster.
      await client.query(`set session_replication_role = replica; set work_mem = '256MB'; set maintenance_work_mem = '512MB'`);
      for (const [label, text] of statements) {
        const started = performance.now();
        await client.query(text);
        process.stdout.write(`${label}: ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
      }
      await client.query('set session_replication_role = origin');
      // the load ran with triggers off: build the report summaries once from the loaded rows
      const rebuilt = performance.now();
      await client.query('select report_summaries_rebuild()');
      // keep each student's months together, as migration 20261126_0500 leaves a migrated database (a school reads by student)
      await client.query('cluster report_student_months using report_student_months_pkey');
      process.stdout.write(`report summaries: ${((performance.now() - rebuilt) / 1000).toFixed(1)} s\n`);
      const started = performance.now();
      await client.query('vacuum analyze');
      process.stdout.write(`vacuum analyze: ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
    } finally {
      client.release();
    }
  } finally {
    await db.destroy();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const started = performance.now();
  await generate(BENCH_DB_URL);
  process.stdout.write(`generated in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
}
