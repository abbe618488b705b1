// Webhook subscriptions with their own feed cursor and retry state, and the log of every delivery attempt.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table webhooks (
      id uuid primary key default gen_random_uuid(),
      url text not null check (url ~ '^https?://' and length(url) <= 2000),
      event_types text[] not null check (cardinality(event_types) > 0),
      description text check (length(description) <= 500),
      secret text not null,
      status text not null default 'active' check (status in ('active', 'paused')),
      paused_reason text,
      -- the last change event acknowledged by the receiver: (txid, id) in feed order
      cursor_txid xid8 not null,
      cursor_id bigint not null default 0,
      failure_count integer not null default 0,
      next_attempt_at timestamptz not null default now(),
      lease_until timestamptz,
      leased_by text,
      last_success_at timestamptz,
      last_failure_at timestamptz,
      created_by text not null,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );
    create index webhooks_due_idx on webhooks (next_attempt_at) where status = 'active';
    create index webhooks_created_idx on webhooks (created_at, id);

    create table webhook_deliveries (
      id bigint generated always as identity primary key,
      webhook_id uuid not null references webhooks (id) on delete cascade,
      event_id bigint not null,
      attempt integer not null,
      status_code integer,
      error text,
      duration_ms integer,
      next_attempt_at timestamptz,
      delivered_at timestamptz,
      created_at timestamptz not null default now()
    );
    create index webhook_deliveries_webhook_idx on webhook_deliveries (webhook_id, id desc);
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table webhook_deliveries, webhooks`.execute(db);
}
