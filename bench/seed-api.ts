// Seeds a district for the API benchmark into its own database, set-based: 40 schools, 200 classes, 5,000 students, ….
import pg from 'pg';
import { createDatabase } from '../src/db/database.ts';
import { migrateToLatest } from '../src/db/migrator.ts';

export const SIZE = { schools: 40, classes: 200, students: 5_000, contactLogs: 50_000, goals: 10_000, progressEvents: 50_000 };

/** Deterministic ids: a per-table prefix and the row number, so references are arithmetic and workloads know them. */
const idSql = (prefix: string, expr: string) => `('${prefix}-0000-4000-8000-' || lpad(to_hex(${expr}), 12, '0'))::uuid`;
const idOf = (prefix: string, n: number) => `${prefix}-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
const P = { school: '00000011', staff: '00000012', klass: '00000013', student: '00000014', guardian: '00000015', goal: '00000016', family: '00000017', log: '00000018' };
export const benchIds = {
  school: (n: number) => idOf(P.school, n),
  teacher: (n: number) => idOf(P.staff, n),
  klass: (n: number) => idOf(P.klass, n),
  student: (n: number) => idOf(P.student, n),
};

const S = SIZE;
const YEAR_START = `'2025-08-25T07:00:00Z'::timestamptz`;
const YEAR_SECONDS = 42 * 7 * 86_400;
const pick = (list: string[], e: string) => `(array[${list.map((v) => `'${v}'`).join(',')}])[(1 + (${e}) % ${list.length})::int]`;
const sqlIds = (prefix: string) => (e: string) => idSql(prefix, e);
const [school, staff, klass, student, guardian, goal, family] = [sqlIds(P.school), sqlIds(P.staff), sqlIds(P.klass), sqlIds(P.student),
  sqlIds(P.guardian), sqlIds(P.goal), sqlIds(P.family)] as const;
const series = (n: number) => `generate_series(0::bigint, ${n - 1}) i`;

// Class c is in school c % 40 and taught by teacher c; student i is in school i % 40 and in classes i % 200 and (i + 40) % 200
// (both in the student's school), so every class holds 50 students. Each student has a family and two guardians.
const statements: Array<[string, string]> = [
  ['district, schools, teachers, classes', `
    insert into orgs (id, source, sourced_id, name, type) values ('00000010-0000-4000-8000-000000000000', 'sis', 'district', 'Bench District', 'district');
    insert into orgs (id, source, sourced_id, name, type, parent_id)
      select ${school('i')}, 'sis', 'school-' || i, 'School ' || i, 'school', '00000010-0000-4000-8000-000000000000' from ${series(S.schools)};
    insert into staff (id, source, sourced_id, given_name, family_name, role, email)
      select ${staff('i')}, 'sis', 'staff-' || i, 'Teacher', 'Number ' || i, 'teacher', 'teacher' || i || '@bench.example' from ${series(S.classes)};
    insert into staff_schools (staff_id, school_id, role, is_primary) select ${staff('i')}, ${school(`i % ${S.schools}`)}, 'teacher', true from ${series(S.classes)};
    insert into classes (id, source, sourced_id, title, school_id) select ${klass('i')}, 'sis', 'class-' || i, 'Class ' || i, ${school(`i % ${S.schools}`)} from ${series(S.classes)};
    insert into enrollments (source, sourced_id, class_id, school_id, role, staff_id, is_primary)
      select 'sis', 'et-' || i, ${klass('i')}, ${school(`i % ${S.schools}`)}, 'teacher', ${staff('i')}, true from ${series(S.classes)};`],
  ['families, students, guardians, enrollments', `
    insert into families (id, name) select ${family('i')}, 'Household ' || i from ${series(S.students)};
    insert into students (id, source, sourced_id, given_name, family_name, grade, school_id, family_id)
      select ${student('i')}, 'sis', 'st-' || i, ${pick(['Ana', 'Ben', 'Cleo', 'Dev', 'Eli', 'Fay', 'Gus'], 'i')}, 'Number ' || i,
        lpad(((i / ${S.schools}) % 6 + 1)::text, 2, '0'), ${school(`i % ${S.schools}`)}, ${family('i')} from ${series(S.students)};
    insert into student_schools (student_id, school_id, is_primary) select ${student('i')}, ${school(`i % ${S.schools}`)}, true from ${series(S.students)};
    insert into guardians (id, source, sourced_id, given_name, family_name, family_id, phone, email, preferred_language, preferred_channel)
      select ${guardian('i')}, 'sis', 'g-' || i, 'Parent', 'Number ' || i, ${family('i / 2')}, '+1555' || lpad(i::text, 7, '0'),
        'parent' || i || '@home.example', ${pick(['en', 'en', 'en', 'es', 'vi', 'ko', 'ar'], 'i')}, ${pick(['text', 'phone', 'email', 'app_message'], 'i')}
      from ${series(S.students * 2)};
    insert into student_guardians (student_id, guardian_id, relationship, is_primary)
      select ${student('i / 2')}, ${guardian('i')}, case when i % 2 = 0 then 'mother' else 'father' end, i % 2 = 0 from ${series(S.students * 2)};
    insert into enrollments (source, sourced_id, class_id, school_id, role, student_id)
      select 'sis', 'es-' || i, ${klass(`(i % ${S.students} + (i / ${S.students}) * ${S.schools}) % ${S.classes}`)}, ${school(`i % ${S.schools}`)}, 'student',
        ${student(`i % ${S.students}`)} from ${series(S.students * 2)};`],
  ['contact logs', `
    insert into contact_logs (id, student_id, author_id, occurred_at, channel, direction, purpose, summary, family_input, language, interpreter_used, visibility)
      select ${idSql(P.log, 'i')}, ${student('s')}, ${staff(`s % ${S.classes}`)}, ${YEAR_START} + make_interval(secs => (i * 7919) % ${YEAR_SECONDS}),
        ${pick(['phone', 'email', 'text', 'in_person', 'video', 'note_home', 'app_message'], 'i / 7')}, case when i % 5 = 0 then 'inbound' else 'outbound' end,
        ${pick(['strength', 'concern', 'update', 'input_request', 'plan', 'celebration'], 'i / 3')}, 'Talked about the week at school.',
        case when i % 4 = 0 then 'Family shared a view' end, case when i % 3 = 0 then 'es' end, i % 13 = 0,
        case when i % 2 = 0 then 'family'::visibility else 'staff'::visibility end
      from (select i, (i * 31) % ${S.students} as s from ${series(S.contactLogs)}) x;
    insert into contact_log_guardians (contact_log_id, student_id, guardian_id)
      select ${idSql(P.log, 'i')}, ${student('s')}, ${guardian('s * 2')} from (select i, (i * 31) % ${S.students} as s from ${series(S.contactLogs)}) x where i % 10 < 7;`],
  ['goals', `
    insert into goals (id, student_id, title, domain, status, measure_type, baseline, target, created_by, created_at, status_changed_at)
      select ${goal('i')}, ${student(`i % ${S.students}`)}, 'Reads 20 minutes a day', ${pick(['behavior', 'social_emotional', 'academic', 'attendance', 'communication'], 'i / 3')},
        ${pick(['active', 'active', 'met', 'draft', 'paused', 'active'], 'i / 5')}, 'count', 1, 10, ${staff(`(i % ${S.students}) % ${S.classes}`)},
        ${YEAR_START} + make_interval(secs => (i * 104729) % ${YEAR_SECONDS}), ${YEAR_START} + make_interval(secs => (i * 104729) % ${YEAR_SECONDS} + 3000000)
      from ${series(S.goals)};
    insert into goal_participants (goal_id, participant_type, guardian_id, role)
      select ${goal('i')}, 'guardian', ${guardian(`(i % ${S.students}) * 2`)}, 'partner' from ${series(S.goals)} where i % 2 = 0;`],
  ['progress events', `
    insert into progress_events (student_id, goal_id, occurred_at, recorded_by_type, recorded_by_staff_id, recorded_by_guardian_id, setting, kind, value, visibility)
      select ${student('s')}, case when g then ${goal(`s + ${S.students} * (i % 2)`)} end, ${YEAR_START} + make_interval(secs => (i * 6151) % ${YEAR_SECONDS}),
        case when home then 'guardian' else 'staff' end, case when not home then ${staff(`s % ${S.classes}`)} end, case when home then ${guardian('s * 2')} end,
        case when home then 'home' else 'school' end,
        case when g then 'measurement' else ${pick(['observation', 'milestone', 'celebration', 'setback'], 'i / 7')} end,
        case when g then (i % 11) end, case when i % 3 = 0 then 'staff'::visibility else 'family'::visibility end
      from (select i, (i * 37) % ${S.students} as s, i % 2 = 0 as g, i % 5 = 0 as home from ${series(S.progressEvents)}) x;`],
];

export async function recreateDatabase(url: string): Promise<void> {
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

/** Recreates the database at url, migrates it and loads the data set; logs each step's time. */
export async function seedApiBench(url: string, log: (line: string) => void = (line) => process.stdout.write(`${line}\n`)): Promise<void> {
  await recreateDatabase(url);
  const { db, pool } = createDatabase({ connectionString: url, poolMax: 1 });
  try {
    await migrateToLatest(db);
    const client = await pool.connect();
    try {
      // The rows are valid by construction; skipping per-row triggers (foreign keys, change feed) makes the load fast.
      await client.query(`set session_replication_role = replica`);
      for (const [label, text] of statements) {
        const started = performance.now();
        await client.query(text);
        log(`seed ${label}: ${((performance.now() - started) / 1000).toFixed(1)} s`);
      }
      await client.query('set session_replication_role = origin');
      const rebuild = await client.query(`select 1 from pg_proc where proname = 'report_summaries_rebuild'`);
      if (rebuild.rowCount) await client.query('select report_summaries_rebuild()');
      await client.query('vacuum analyze');
    } finally {
      client.release();
    }
  } finally {
    await db.destroy();
  }
}
