// Times summary upkeep on writes to the bench data (rolled back): one contact log, and a 10,000-row INSERT … SELECT.
// Usage: node --import tsx bench/reports-write.ts
import pg from 'pg';

const url = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/kinship_bench_reports';
const client = new pg.Client({ connectionString: url });
await client.connect();
const { rows: [pick] } = await client.query(`select student_id, author_id from contact_logs order by student_id limit 1 offset 777`);
const one = `insert into contact_logs (student_id, author_id, occurred_at, purpose, channel, direction, summary, follow_up_due)
  values ($1, $2, '2026-03-11T10:00:00Z', 'strength', 'phone', 'outbound', 'bench', '2026-03-20')`;
const bulk = `insert into contact_logs (student_id, author_id, occurred_at, purpose, channel, direction, summary)
  select s.student_id, s.author_id, '2026-02-02T09:00:00Z'::timestamptz + (s.n % 90) * interval '1 day', 'update', 'email', 'outbound', 'bench bulk'
  from (select student_id, author_id, row_number() over () as n from contact_logs tablesample system (2) limit 10000) s`;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
async function time(text: string, values: unknown[], triggers: boolean): Promise<number> {
  await client.query('begin');
  if (!triggers) await client.query(`alter table contact_logs disable trigger contact_logs_report_insert`);
  const started = performance.now();
  await client.query(text, values);
  const elapsed = performance.now() - started;
  await client.query('rollback');
  return elapsed;
}
for (const triggers of [true, false]) {
  const singles: number[] = [];
  for (let i = 0; i < 15; i += 1) singles.push(await time(one, [pick.student_id, pick.author_id], triggers));
  const bulkMs = await time(bulk, [], triggers);
  process.stdout.write(`${triggers ? 'with summary trigger   ' : 'without summary trigger'}  one contact log ${median(singles).toFixed(2)} ms (median of 15)   10,000-row insert ${bulkMs.toFixed(0)} ms\n`);
}
await client.end();
