// Set-based upserts from staging into the roster tables: only rows whose values change are written.
import type pg from 'pg';

export interface EntityCounts { created: number; updated: number; deactivated: number; unchanged: number }
export const emptyCounts = (): EntityCounts => ({ created: 0, updated: 0, deactivated: 0, unchanged: 0 });

interface UpsertSpec {
  table: string;
  /** SELECT producing the target columns, in order (first: sourced_id), from staging. */
  select: string;
  columns: string[];
  /** Columns compared and overwritten on conflict (the SIS-owned ones). */
  update: string[];
  conflict: string;
  /** Extra condition on the existing row for updates (e.g. only SIS rows). */
  staged: string;
  /** SQL counting staged rows that deactivate an active row (delta tobedeleted). */
  deactivating?: string;
}

/** INSERT … ON CONFLICT … DO UPDATE … WHERE (cols) IS DISTINCT FROM (excluded cols): unchanged rows are not written. */
export async function upsert(client: pg.PoolClient, spec: UpsertSpec): Promise<EntityCounts> {
  const counts = emptyCounts();
  if (spec.deactivating) {
    const { rows } = await client.query<{ n: number }>(spec.deactivating);
    counts.deactivated = Number(rows[0]?.n ?? 0);
  }
  const cols = spec.update.map((c) => `${spec.table}.${c}`).join(', ');
  const excluded = spec.update.map((c) => `excluded.${c}`).join(', ');
  const { rows } = await client.query<{ created: string; updated: string }>(`
    with up as (
      insert into ${spec.table} (${spec.columns.join(', ')})
      ${spec.select}
      on conflict ${spec.conflict} do update set ${spec.update.map((c) => `${c} = excluded.${c}`).join(', ')}
      where (${cols}) is distinct from (${excluded})
      returning (xmax = 0) as inserted)
    select count(*) filter (where inserted) as created, count(*) filter (where not inserted) as updated from up`);
  counts.created = Number(rows[0]?.created ?? 0);
  counts.updated = Number(rows[0]?.updated ?? 0) - counts.deactivated;
  const staged = await client.query<{ n: string }>(`select count(*) as n from (${spec.staged}) s`);
  counts.unchanged = Math.max(0, Number(staged.rows[0]?.n ?? 0) - counts.created - counts.updated - counts.deactivated);
  return counts;
}

/** Bulk: active SIS rows of `table` missing from staging (and not skipped) become inactive; never deleted. */
export async function deactivateMissing(client: pg.PoolClient, table: string, stagingIds: string, skippedEntity: string,
  dryCount = false): Promise<number> {
  const where = `${table}.source = 'sis' and ${table}.status = 'active'
    and not exists (select 1 from (${stagingIds}) s where s.sourced_id = ${table}.sourced_id)
    and not exists (select 1 from stg_skipped k where k.entity = '${skippedEntity}' and k.sourced_id = ${table}.sourced_id)`;
  if (dryCount) {
    const { rows } = await client.query<{ n: string }>(`select count(*) as n from ${table} where ${where}`);
    return Number(rows[0]?.n ?? 0);
  }
  const r = await client.query(`update ${table} set status = 'inactive' where ${where}`);
  return r.rowCount ?? 0;
}
