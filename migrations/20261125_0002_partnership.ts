// Partnership records: contact logs, collaborative goals, strategy resources and shares, progress events.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create type visibility as enum ('staff', 'family');

    create table contact_logs (
      id uuid primary key default gen_random_uuid(),
      student_id uuid not null references students (id),
      author_id uuid not null references staff (id),
      occurred_at timestamptz not null,
      channel text not null check (channel in
        ('phone', 'email', 'text', 'in_person', 'video', 'home_visit', 'note_home', 'app_message', 'other')),
      direction text not null check (direction in ('outbound', 'inbound')),
      purpose text not null check (purpose in
        ('strength', 'concern', 'update', 'input_request', 'plan', 'celebration', 'other')),
      summary text not null check (length(summary) between 1 and 4000),
      family_input text check (length(family_input) <= 4000),
      staff_note text check (length(staff_note) <= 4000),
      language text check (language is null or language ~ '^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$'),
      interpreter_used boolean not null default false,
      duration_minutes integer check (duration_minutes between 0 and 1440),
      follow_up_due date,
      follow_up_done_at timestamptz,
      visibility visibility not null default 'staff',
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      constraint contact_logs_id_student_unique unique (id, student_id)
    );
    create index contact_logs_student_idx on contact_logs (student_id, occurred_at desc, id desc);
    create index contact_logs_author_idx on contact_logs (author_id, occurred_at desc);
    create index contact_logs_occurred_idx on contact_logs (occurred_at, id);
    create index contact_logs_follow_up_idx on contact_logs (follow_up_due) where follow_up_done_at is null;
    create index contact_logs_updated_idx on contact_logs (updated_at, id);

    -- the guardians a contact reached; each must be linked to the log's student
    create table contact_log_guardians (
      contact_log_id uuid not null,
      student_id uuid not null,
      guardian_id uuid not null references guardians (id),
      primary key (contact_log_id, guardian_id),
      constraint contact_log_guardians_log_fk foreign key (contact_log_id, student_id)
        references contact_logs (id, student_id) on delete cascade on update cascade,
      constraint contact_log_guardians_link_fk foreign key (student_id, guardian_id)
        references student_guardians (student_id, guardian_id)
    );
    create index contact_log_guardians_guardian_idx on contact_log_guardians (guardian_id);
    create index contact_log_guardians_link_idx on contact_log_guardians (student_id, guardian_id);

    create table goals (
      id uuid primary key default gen_random_uuid(),
      student_id uuid not null references students (id),
      title text not null check (length(title) between 1 and 300),
      description text check (length(description) <= 4000),
      domain text not null check (domain in
        ('behavior', 'social_emotional', 'academic', 'attendance', 'communication', 'other')),
      status text not null default 'draft' check (status in ('draft', 'active', 'met', 'paused', 'discontinued')),
      setting text not null default 'both' check (setting in ('school', 'home', 'both')),
      measure_type text not null default 'note_only' check (measure_type in
        ('count', 'percent', 'rating', 'yes_no', 'note_only')),
      baseline numeric,
      target numeric,
      rating_min numeric,
      rating_max numeric,
      start_date date,
      target_date date,
      status_changed_at timestamptz not null default now(),
      created_by uuid not null references staff (id),
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      constraint goals_id_student_unique unique (id, student_id),
      constraint goals_dates check (target_date is null or start_date is null or target_date >= start_date),
      constraint goals_rating_bounds check (
        measure_type <> 'rating' or (rating_min is not null and rating_max is not null and rating_max > rating_min)),
      constraint goals_percent_bounds check (
        measure_type <> 'percent' or ((baseline is null or baseline between 0 and 100) and (target is null or target between 0 and 100)))
    );
    create index goals_student_idx on goals (student_id, status);
    create index goals_created_by_idx on goals (created_by);
    create index goals_updated_idx on goals (updated_at, id);
    create index goals_title_trgm_idx on goals using gin (title gin_trgm_ops);

    create table goal_participants (
      id uuid primary key default gen_random_uuid(),
      goal_id uuid not null references goals (id) on delete cascade,
      participant_type text not null check (participant_type in ('guardian', 'staff', 'student')),
      guardian_id uuid references guardians (id),
      staff_id uuid references staff (id),
      student_id uuid references students (id),
      role text not null default 'partner' check (role in ('lead', 'partner', 'supporter', 'self')),
      input text check (length(input) <= 4000),
      input_at timestamptz,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      constraint goal_participants_one_person check (
        (participant_type = 'guardian' and guardian_id is not null and staff_id is null and student_id is null) or
        (participant_type = 'staff' and staff_id is not null and guardian_id is null and student_id is null) or
        (participant_type = 'student' and student_id is not null and guardian_id is null and staff_id is null))
    );
    create unique index goal_participants_person_unique
      on goal_participants (goal_id, coalesce(guardian_id, staff_id, student_id));
    create index goal_participants_guardian_idx on goal_participants (guardian_id) where guardian_id is not null;
    create index goal_participants_staff_idx on goal_participants (staff_id) where staff_id is not null;
    create index goal_participants_student_idx on goal_participants (student_id) where student_id is not null;

    create table strategy_resources (
      id uuid primary key default gen_random_uuid(),
      title text not null check (length(title) between 1 and 300),
      kind text not null check (kind in ('visual_schedule', 'behavior_chart', 'social_script', 'coping_strategy',
        'parent_letter', 'book_list', 'picture_book', 'video', 'article', 'activity', 'other')),
      summary text check (length(summary) <= 2000),
      body text check (length(body) <= 100000),
      url text check (url is null or url ~ '^https?://'),
      languages text[] not null default '{}',
      grade_band text,
      tags text[] not null default '{}',
      setting text not null default 'both' check (setting in ('school', 'home', 'both')),
      scope text not null default 'district' check (scope in ('district', 'school')),
      school_id uuid references orgs (id),
      created_by uuid not null references staff (id),
      archived_at timestamptz,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      constraint strategy_resources_content check (body is not null or url is not null),
      constraint strategy_resources_scope check ((scope = 'school') = (school_id is not null))
    );
    create index strategy_resources_kind_idx on strategy_resources (kind) where archived_at is null;
    create index strategy_resources_school_idx on strategy_resources (school_id);
    create index strategy_resources_tags_idx on strategy_resources using gin (tags);
    create index strategy_resources_title_trgm_idx on strategy_resources using gin (title gin_trgm_ops);
    create index strategy_resources_updated_idx on strategy_resources (updated_at, id);
    create index strategy_resources_created_by_idx on strategy_resources (created_by);

    create table goal_strategies (
      id uuid primary key default gen_random_uuid(),
      goal_id uuid not null references goals (id) on delete cascade,
      resource_id uuid not null references strategy_resources (id),
      used_at text not null default 'both' check (used_at in ('school', 'home', 'both')),
      notes text check (length(notes) <= 4000),
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      constraint goal_strategies_pair_unique unique (goal_id, resource_id)
    );
    create index goal_strategies_resource_idx on goal_strategies (resource_id);

    create table resource_shares (
      id uuid primary key default gen_random_uuid(),
      resource_id uuid not null references strategy_resources (id),
      student_id uuid not null references students (id),
      guardian_id uuid not null references guardians (id),
      shared_by uuid not null references staff (id),
      message text check (length(message) <= 4000),
      shared_at timestamptz not null default now(),
      acknowledged_at timestamptz,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      -- a share targets a guardian linked to that student
      constraint resource_shares_link_fk foreign key (student_id, guardian_id)
        references student_guardians (student_id, guardian_id)
    );
    create index resource_shares_student_idx on resource_shares (student_id, shared_at desc);
    create index resource_shares_guardian_idx on resource_shares (guardian_id, shared_at desc);
    create index resource_shares_shared_by_idx on resource_shares (shared_by);
    create index resource_shares_resource_idx on resource_shares (resource_id);

    create table progress_events (
      id uuid primary key default gen_random_uuid(),
      student_id uuid not null references students (id),
      goal_id uuid,
      occurred_at timestamptz not null,
      recorded_by_type text not null check (recorded_by_type in ('staff', 'guardian', 'student')),
      recorded_by_staff_id uuid references staff (id),
      recorded_by_guardian_id uuid references guardians (id),
      setting text not null check (setting in ('school', 'home')),
      kind text not null check (kind in ('observation', 'measurement', 'milestone', 'celebration', 'setback')),
      value numeric,
      note text check (length(note) <= 4000),
      visibility visibility not null default 'family',
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      -- a progress event's goal belongs to the same student
      constraint progress_events_goal_fk foreign key (goal_id, student_id) references goals (id, student_id),
      constraint progress_events_recorder check (
        (recorded_by_type = 'staff' and recorded_by_staff_id is not null and recorded_by_guardian_id is null) or
        (recorded_by_type = 'guardian' and recorded_by_guardian_id is not null and recorded_by_staff_id is null) or
        (recorded_by_type = 'student' and recorded_by_staff_id is null and recorded_by_guardian_id is null)),
      constraint progress_events_measurement_value check (kind <> 'measurement' or value is not null)
    );
    create index progress_events_student_idx on progress_events (student_id, occurred_at desc, id desc);
    create index progress_events_goal_idx on progress_events (goal_id, occurred_at desc, id desc) where goal_id is not null;
    create index progress_events_occurred_idx on progress_events (occurred_at, id);
    create index progress_events_updated_idx on progress_events (updated_at, id);
    create index progress_events_staff_idx on progress_events (recorded_by_staff_id) where recorded_by_staff_id is not null;
    create index progress_events_guardian_idx on progress_events (recorded_by_guardian_id) where recorded_by_guardian_id is not null;
  `.execute(db);

  for (const table of ['contact_logs', 'goals', 'goal_participants', 'strategy_resources', 'goal_strategies',
    'resource_shares', 'progress_events']) {
    await sql`create trigger ${sql.raw(`${table}_updated_at`)} before update on ${sql.table(table)}
      for each row execute function set_updated_at()`.execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    drop table progress_events, resource_shares, goal_strategies, strategy_resources, goal_participants, goals,
      contact_log_guardians, contact_logs;
    drop type visibility;
  `.execute(db);
}
