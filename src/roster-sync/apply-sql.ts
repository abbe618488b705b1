// Set-based upserts from staging into the roster tables: an UPDATE of changed rows and an INSERT of new ones.
import type pg from 'pg';

export interface EntityCounts { created: number; updated: number; deactivated: number; unchanged: number }
export const emptyCounts = (): EntityCounts => ({ created: 0, updated: 0, deactivated: 0, unchanged: 0 });

interface UpsertSpec {
  table: string;
  /** SELECT producing `columns`, in order, from staging; one row per key. */
  select: string;
  /** Target columns the select produces; the key columns come first. */
  columns: string[];
  /** Columns identifying a row; SIS tables also match `source = 'sis'` and insert with it. */
  key: string[];
  sis: boolean;
  /** Columns compared and overwritten when they differ (the SIS-owned ones). */
  update: string[];
  /** SQL whose row count is the number of staged rows (for the unchanged count). */
  staged: string;
  /** SQL counting staged rows that deactivate an active row (delta tobedeleted). */
  deactivating?: string;
}

/**
 * Resolves the staged rows once into a temp table that also notes which already exist, then UPDATEs only the rows
 * whose SIS-owned columns differ (an unchanged row is neither written nor locked, so `updated_at` stays) and INSERTs
 * the new ones. Neither statement reads the table it writes, so no plan rescans a table that grows under it.
 */
export async function upsert(client: pg.PoolClient, spec: UpsertSpec): Promise<EntityCounts> {
  const counts = emptyCounts();
  if (spec.deactivating) {
    const { rows } = await client.query<{ n: string }>(spec.deactivating);
    counts.deactivated = Number(rows[0]?.n ?? 0);
  }
  const tmp = `up_${spec.table}`;
  const match = [...(spec.sis ? [`t.source = 'sis'`] : []), ...spec.key.map((k) => `t.${k} = s.${k}`)].join(' and ');
  await client.query(`create temp table ${tmp} on commit drop as
    select s.*, t.${spec.key[0]} is not null as present from (${spec.select}) as s (${spec.columns.join(', ')})
    left join ${spec.table} t on ${match}`);
  const cols = spec.update;
  const updated = await client.query(`update ${spec.table} t set (${cols.join(', ')}) = row(${cols.map((c) => `s.${c}`).join(', ')})
    from ${tmp} s where s.present and ${match}
    and (${cols.map((c) => `t.${c}`).join(', ')}) is distinct from (${cols.map((c) => `s.${c}`).join(', ')})`);
  const inserted = await client.query(`insert into ${spec.table} (${spec.sis ? 'source, ' : ''}${spec.columns.join(', ')})
    select ${spec.sis ? `'sis'::record_source, ` : ''}${spec.columns.map((c) => `s.${c}`).join(', ')} from ${tmp} s where not s.present`);
  await client.query(`drop table ${tmp}`);
  // Fresh statistics after a large insert keep the later joins on hash plans (autovacuum may not have run yet).
  if ((inserted.rowCount ?? 0) > 0) await client.query(`analyze ${spec.table}`);
  const staged = await client.query<{ n: string }>(`select count(*) as n from (${spec.staged}) s`);
  counts.created = inserted.rowCount ?? 0;
  counts.updated = Math.max(0, (updated.rowCount ?? 0) - counts.deactivated);
  counts.unchanged = Math.max(0, Number(staged.rows[0]?.n ?? 0) - counts.created - counts.updated - counts.deactivated);
  return counts;
}

/** Statistics for every table the apply joins, so a first sync into empty tables is not planned as tiny. */
export async function analyzeRoster(client: pg.PoolClient): Promise<void> {
  await client.query(`analyze orgs, academic_sessions, courses, classes, class_academic_sessions, staff, staff_schools,
    students, student_schools, guardians, student_guardians, families, enrollments`);
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
