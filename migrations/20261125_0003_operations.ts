// Operational tables: the audit trail, roster sync runs and idempotency keys for POST replays.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table audit_events (
      id bigint generated always as identity primary key,
      at timestamptz not null default now(),
      actor_id text not null,
      actor_role text not null,
      action text not null check (action in ('read', 'list', 'create', 'update', 'delete', 'sync')),
      record_type text not null,
      record_id uuid,
      student_id uuid,
      request_id text
    );
    create index audit_events_student_idx on audit_events (student_id, at desc) where student_id is not null;
    create index audit_events_actor_idx on audit_events (actor_id, at desc);
    create index audit_events_at_idx on audit_events (at desc, id desc);
    create index audit_events_record_idx on audit_events (record_type, record_id, at desc);

    create table sync_runs (
      id uuid primary key default gen_random_uuid(),
      status text not null default 'queued' check (status in ('queued', 'running', 'succeeded', 'rejected', 'failed')),
      format text not null default 'oneroster-csv',
      version text,
      dry_run boolean not null default false,
      options jsonb not null default '{}',
      source_name text,
      requested_by text,
      counts jsonb not null default '{}',
      errors jsonb not null default '[]',
      warnings jsonb not null default '[]',
      timings jsonb not null default '{}',
      created_at timestamptz not null default now(),
      started_at timestamptz,
      finished_at timestamptz,
      updated_at timestamptz not null default now()
    );
    create index sync_runs_created_idx on sync_runs (created_at desc, id desc);
    create trigger sync_runs_updated_at before update on sync_runs
      for each row execute function set_updated_at();

    create table idempotency_keys (
      principal text not null,
      key text not null,
      method text not null,
      path text not null,
      request_hash text not null,
      status_code integer,
      response_headers jsonb,
      response_body text,
      created_at timestamptz not null default now(),
      primary key (principal, key)
    );
    create index idempotency_keys_created_idx on idempotency_keys (created_at);
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table idempotency_keys, sync_runs, audit_events`.execute(db);
}
