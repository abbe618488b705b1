// Roster tables kept in step with the SIS: orgs, sessions, courses, classes, people, households, enrollments.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create extension if not exists pg_trgm;

    create function set_updated_at() returns trigger language plpgsql as $$
    begin
      if row(new.*) is distinct from row(old.*) then
        new.updated_at := now();
      end if;
      return new;
    end $$;

    create type record_source as enum ('sis', 'local');
    create type record_status as enum ('active', 'inactive');

    create table orgs (
      id uuid primary key default gen_random_uuid(),
      source record_source not null default 'local',
      sourced_id text,
      status record_status not null default 'active',
      sis_modified_at timestamptz,
      name text not null check (length(name) between 1 and 300),
      type text not null check (type in ('district', 'school', 'department', 'local', 'state', 'national')),
      identifier text,
      parent_id uuid references orgs (id),
      metadata jsonb not null default '{}',
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      constraint orgs_sourced_id_unique unique (source, sourced_id),
      constraint orgs_sis_has_sourced_id check (source = 'local' or sourced_id is not null)
    );
    create index orgs_parent_idx on orgs (parent_id);
    create index orgs_type_idx on orgs (type, status);

    create table academic_sessions (
      id uuid primary key default gen_random_uuid(),
      source record_source not null default 'local',
      sourced_id text,
      status record_status not null default 'active',
      sis_modified_at timestamptz,
      title text not null,
      type text not null check (type in ('gradingPeriod', 'semester', 'schoolYear', 'term')),
      start_date date not null,
      end_date date not null,
      school_year integer,
      parent_id uuid references academic_sessions (id),
      org_id uuid references orgs (id),
      metadata jsonb not null default '{}',
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      constraint academic_sessions_sourced_id_unique unique (source, sourced_id),
      constraint academic_sessions_sis_has_sourced_id check (source = 'local' or sourced_id is not null),
      constraint academic_sessions_dates check (end_date >= start_date)
    );

    create index academic_sessions_org_idx on academic_sessions (org_id);
    create index academic_sessions_parent_idx on academic_sessions (parent_id);

    create table courses (
      id uuid primary key default gen_random_uuid(),
      source record_source not null default 'local',
      sourced_id text,
      status record_status not null default 'active',
      sis_modified_at timestamptz,
      title text not null,
      course_code text,
      grades text[] not null default '{}',
      subjects text[] not null default '{}',
      org_id uuid references orgs (id),
      school_year_id uuid references academic_sessions (id),
      metadata jsonb not null default '{}',
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      constraint courses_sourced_id_unique unique (source, sourced_id),
      constraint courses_sis_has_sourced_id check (source = 'local' or sourced_id is not null)
    );
    create index courses_org_idx on courses (org_id);
    create index courses_school_year_idx on courses (school_year_id);

    create table classes (
      id uuid primary key default gen_random_uuid(),
      source record_source not null default 'local',
      sourced_id text,
      status record_status not null default 'active',
      sis_modified_at timestamptz,
      title text not null check (length(title) between 1 and 300),
      class_code text,
      class_type text not null default 'scheduled' check (class_type in ('homeroom', 'scheduled')),
      location text,
      course_id uuid references courses (id),
      school_id uuid not null references orgs (id),
      grades text[] not null default '{}',
      subjects text[] not null default '{}',
      periods text[] not null default '{}',
      metadata jsonb not null default '{}',
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      constraint classes_sourced_id_unique unique (source, sourced_id),
      constraint classes_sis_has_sourced_id check (source = 'local' or sourced_id is not null)
    );
    create index classes_school_idx on classes (school_id, status);
    create index classes_course_idx on classes (course_id);
    create index classes_title_trgm_idx on classes using gin (title gin_trgm_ops);

    create table class_academic_sessions (
      class_id uuid not null references classes (id) on delete cascade,
      academic_session_id uuid not null references academic_sessions (id) on delete cascade,
      primary key (class_id, academic_session_id)
    );
    create index class_academic_sessions_session_idx on class_academic_sessions (academic_session_id);

    create table families (
      id uuid primary key default gen_random_uuid(),
      source record_source not null default 'local',
      sourced_id text,
      status record_status not null default 'active',
      sis_modified_at timestamptz,
      name text not null check (length(name) between 1 and 300),
      notes text,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      constraint families_sourced_id_unique unique (source, sourced_id)
    );

    create table staff (
      id uuid primary key default gen_random_uuid(),
      source record_source not null default 'local',
      sourced_id text,
      status record_status not null default 'active',
      sis_modified_at timestamptz,
      role text not null default 'teacher' check (role in ('teacher', 'aide', 'administrator', 'proctor')),
      given_name text not null check (length(given_name) between 1 and 200),
      family_name text not null check (length(family_name) between 1 and 200),
      middle_name text,
      preferred_first_name text,
      identifier text,
      username text,
      email text check (email is null or email ~ '^[^@\\s]+@[^@\\s]+$'),
      phone text check (phone is null or phone ~ '^\\+[1-9][0-9]{6,14}$'),
      metadata jsonb not null default '{}',
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      constraint staff_sourced_id_unique unique (source, sourced_id),
      constraint staff_sis_has_sourced_id check (source = 'local' or sourced_id is not null)
    );
    create index staff_name_trgm_idx on staff using gin ((given_name || ' ' || family_name) gin_trgm_ops);
    create index staff_email_idx on staff (lower(email));
    create index staff_updated_idx on staff (updated_at, id);

    create table staff_schools (
      staff_id uuid not null references staff (id) on delete cascade,
      school_id uuid not null references orgs (id),
      role text not null default 'teacher' check (role in ('teacher', 'aide', 'administrator', 'proctor')),
      is_primary boolean not null default false,
      status record_status not null default 'active',
      primary key (staff_id, school_id)
    );
    create index staff_schools_school_idx on staff_schools (school_id, status);

    create table students (
      id uuid primary key default gen_random_uuid(),
      source record_source not null default 'local',
      sourced_id text,
      status record_status not null default 'active',
      sis_modified_at timestamptz,
      given_name text not null check (length(given_name) between 1 and 200),
      family_name text not null check (length(family_name) between 1 and 200),
      middle_name text,
      preferred_first_name text,
      identifier text,
      username text,
      email text check (email is null or email ~ '^[^@\\s]+@[^@\\s]+$'),
      grade text,
      birth_date date,
      school_id uuid references orgs (id),
      family_id uuid references families (id),
      case_manager_id uuid references staff (id),
      metadata jsonb not null default '{}',
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      constraint students_sourced_id_unique unique (source, sourced_id),
      constraint students_sis_has_sourced_id check (source = 'local' or sourced_id is not null)
    );
    create index students_school_idx on students (school_id, status, family_name, given_name, id);
    create index students_family_idx on students (family_id);
    create index students_case_manager_idx on students (case_manager_id);
    create index students_grade_idx on students (grade);
    create index students_updated_idx on students (updated_at, id);
    create index students_name_trgm_idx on students
      using gin ((given_name || ' ' || coalesce(preferred_first_name, '') || ' ' || family_name) gin_trgm_ops);

    create table student_schools (
      student_id uuid not null references students (id) on delete cascade,
      school_id uuid not null references orgs (id),
      is_primary boolean not null default false,
      status record_status not null default 'active',
      primary key (student_id, school_id)
    );
    create index student_schools_school_idx on student_schools (school_id, status);

    create table guardians (
      id uuid primary key default gen_random_uuid(),
      source record_source not null default 'local',
      sourced_id text,
      status record_status not null default 'active',
      sis_modified_at timestamptz,
      given_name text not null check (length(given_name) between 1 and 200),
      family_name text not null check (length(family_name) between 1 and 200),
      email text check (email is null or email ~ '^[^@\\s]+@[^@\\s]+$'),
      phone text check (phone is null or phone ~ '^\\+[1-9][0-9]{6,14}$'),
      sms_phone text check (sms_phone is null or sms_phone ~ '^\\+[1-9][0-9]{6,14}$'),
      family_id uuid references families (id),
      -- local fields: kept by the service, never overwritten by a roster sync
      preferred_language text check (preferred_language is null or preferred_language ~ '^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$'),
      preferred_channel text check (preferred_channel in ('phone', 'email', 'text', 'app_message', 'in_person', 'note_home', 'video')),
      needs_interpreter boolean not null default false,
      contact_notes text,
      metadata jsonb not null default '{}',
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      constraint guardians_sourced_id_unique unique (source, sourced_id),
      constraint guardians_sis_has_sourced_id check (source = 'local' or sourced_id is not null)
    );
    create index guardians_family_idx on guardians (family_id);
    create index guardians_email_idx on guardians (lower(email));
    create index guardians_updated_idx on guardians (updated_at, id);
    create index guardians_name_trgm_idx on guardians using gin ((given_name || ' ' || family_name) gin_trgm_ops);

    create table student_guardians (
      id uuid primary key default gen_random_uuid(),
      student_id uuid not null references students (id),
      guardian_id uuid not null references guardians (id),
      source record_source not null default 'local',
      status record_status not null default 'active',
      relationship text not null default 'guardian' check (relationship in
        ('mother', 'father', 'parent', 'stepparent', 'grandparent', 'foster_parent', 'guardian', 'sibling',
         'aunt_uncle', 'relative', 'other')),
      is_primary boolean not null default false,
      lives_with boolean not null default true,
      has_educational_rights boolean not null default true,
      may_contact boolean not null default true,
      is_emergency_contact boolean not null default false,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      constraint student_guardians_pair_unique unique (student_id, guardian_id)
    );
    create index student_guardians_guardian_idx on student_guardians (guardian_id, status);

    create table enrollments (
      id uuid primary key default gen_random_uuid(),
      source record_source not null default 'local',
      sourced_id text,
      status record_status not null default 'active',
      sis_modified_at timestamptz,
      class_id uuid not null references classes (id),
      school_id uuid not null references orgs (id),
      role text not null check (role in ('student', 'teacher', 'aide', 'administrator', 'proctor')),
      student_id uuid references students (id),
      staff_id uuid references staff (id),
      is_primary boolean not null default false,
      begin_date date,
      end_date date,
      metadata jsonb not null default '{}',
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      constraint enrollments_sourced_id_unique unique (source, sourced_id),
      constraint enrollments_sis_has_sourced_id check (source = 'local' or sourced_id is not null),
      constraint enrollments_one_person check (
        (role = 'student' and student_id is not null and staff_id is null) or
        (role <> 'student' and staff_id is not null and student_id is null)),
      constraint enrollments_dates check (end_date is null or begin_date is null or end_date >= begin_date)
    );
    create index enrollments_class_idx on enrollments (class_id, status, role);
    create index enrollments_student_idx on enrollments (student_id, status) where student_id is not null;
    create index enrollments_school_idx on enrollments (school_id);
    create index enrollments_staff_idx on enrollments (staff_id, status) where staff_id is not null;
  `.execute(db);

  for (const table of ['orgs', 'academic_sessions', 'courses', 'classes', 'families', 'staff', 'students',
    'guardians', 'student_guardians', 'enrollments']) {
    await sql`create trigger ${sql.raw(`${table}_updated_at`)} before update on ${sql.table(table)}
      for each row execute function set_updated_at()`.execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    drop table enrollments, student_guardians, guardians, student_schools, students, staff_schools, staff,
      families, class_academic_sessions, classes, courses, academic_sessions, orgs;
    drop type record_status;
    drop type record_source;
    drop function set_updated_at();
  `.execute(db);
}
