// Prints EXPLAIN (ANALYZE, BUFFERS) of the engagement report statement on the bench data.
// Usage: node --import tsx bench/reports-explain.ts district|school_admin|teacher ['{"groupBy":"week"}']
import { sql } from 'kysely';
import { createDatabase } from '../src/db/database.ts';
import { engagementQuery } from '../src/features/reports/engagement-sql.ts';
const BENCH_DB_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/kinship_bench_reports';

const { db } = createDatabase({ connectionString: BENCH_DB_URL, poolMax: 1 });
const [role, extra] = [process.argv[2] ?? 'district', JSON.parse(process.argv[3] ?? '{}') as Record<string, string>];
const hex = (n: number) => n.toString(16).padStart(12, '0');
const teacher3 = `00000002-0000-4000-8000-${hex(3)}`;
const principal = (role === 'teacher' ? { role: 'teacher', sub: teacher3, scopes: [], schoolIds: [] }
  : role === 'school_admin' ? { role: 'school_admin', sub: teacher3, scopes: [], schoolIds: [`00000001-0000-4000-8000-${hex(3)}`] }
    : { role: 'district_admin', sub: 'bench', scopes: [], schoolIds: [] }) as never;
await db.transaction().execute(async (tx) => {
  await sql`select set_config('work_mem', '64MB', true), set_config('jit', 'off', true)`.execute(tx);
  const compiled = engagementQuery(tx, principal, { fromTs: '2025-08-25T00:00:00.000Z', toTsExclusive: '2026-06-13T00:00:00.000Z', ...extra }).compile(tx);
  const inline = compiled.sql.replace(/\$(\d+)/g, (_m, i: string) => {
    const value = compiled.parameters[Number(i) - 1];
    return Array.isArray(value) ? `'{${value.join(',')}}'` : `'${String(value)}'`;
  });
  const { rows } = await sql.raw<{ 'QUERY PLAN': string }>(`explain (analyze, buffers) ${inline}`).execute(tx);
  for (const row of rows) process.stdout.write(`${row['QUERY PLAN']}\n`);
});
await db.destroy();
