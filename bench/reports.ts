// Times the engagement report through the app (inject) on the generated school year; prints figures, asserts nothing.
// Usage: node --import tsx bench/reports-generate.ts && node --import tsx bench/reports.ts
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { BENCH_DB_URL } from './reports-generate.ts';

const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const config = { ...loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'bench-secret-bench-secret-bench-secret-0123', DATABASE_URL: BENCH_DB_URL }), logLevel: 'silent' as const };
const app = await buildApp(config);
await app.ready();

const hex = (n: number) => n.toString(16).padStart(12, '0');
const school3 = `00000001-0000-4000-8000-${hex(3)}`;
const teacher3 = `00000002-0000-4000-8000-${hex(3)}`;
const token = (claims: Record<string, unknown>) => ({ authorization: `Bearer ${app.jwt.sign(claims, { expiresIn: '1h' })}` });
const district = token({ role: 'district_admin', sub: 'bench' });
const schoolAdmin = token({ role: 'school_admin', sub: teacher3, schoolIds: [school3] });
const teacher = token({ role: 'teacher', sub: teacher3 });
const integration = token({ role: 'integration', sub: 'warehouse', scope: 'reports:read' });

const year = 'from=2025-08-25&to=2026-06-12';
const month = 'from=2026-01-05&to=2026-02-01';
const cases: Array<[string, Record<string, string>, string]> = [
  ['district, school year, one row', district, year],
  ['district, school year, by school', district, `${year}&groupBy=school`],
  ['district, school year, by week', district, `${year}&groupBy=week`],
  ['district, one month, by school', district, `${month}&groupBy=school`],
  ['integration (suppressed), school year, by grade', integration, `${year}&groupBy=grade`],
  ['one school (schoolId), school year', district, `${year}&schoolId=${school3}`],
  ['one school (school admin), school year, by class', schoolAdmin, `${year}&groupBy=class`],
  ['one teacher, school year', teacher, year],
];

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
process.stdout.write(`engagement report, ${RUNS} runs after one warm-up (ms): median / min / max\n`);
for (const [label, headers, query] of cases) {
  const url = `/v1/reports/engagement?${query}`;
  const warm = await app.inject({ url, headers });
  if (warm.statusCode !== 200) throw new Error(`${label}: ${warm.statusCode} ${warm.body}`);
  const times: number[] = [];
  for (let i = 0; i < RUNS; i += 1) {
    const started = performance.now();
    await app.inject({ url, headers });
    times.push(performance.now() - started);
  }
  const rows = warm.json().data.length;
  process.stdout.write(`${label.padEnd(50)} ${median(times).toFixed(0).padStart(5)} / ${Math.min(...times).toFixed(0).padStart(5)} / ${Math.max(...times).toFixed(0).padStart(5)}  (${rows} rows, students ${warm.json().data[0]?.students})\n`);
}
for (const [label, url, headers] of [
  ['outreach gaps, one school admin, first page', `/v1/reports/outreach-gaps?asOf=2026-06-12T00:00:00Z&limit=50`, schoolAdmin],
  ['outreach gaps, one teacher', `/v1/reports/outreach-gaps?asOf=2026-06-12T00:00:00Z&days=14`, teacher],
  ['goal progress, one teacher, first page', `/v1/reports/goal-progress?limit=50`, teacher],
] as const) {
  const times: number[] = [];
  const warm = await app.inject({ url, headers });
  if (warm.statusCode !== 200) throw new Error(`${label}: ${warm.statusCode} ${warm.body}`);
  for (let i = 0; i < RUNS; i += 1) {
    const started = performance.now();
    await app.inject({ url, headers });
    times.push(performance.now() - started);
  }
  process.stdout.write(`${label.padEnd(50)} ${median(times).toFixed(0).padStart(5)} / ${Math.min(...times).toFixed(0).padStart(5)} / ${Math.max(...times).toFixed(0).padStart(5)}  (${warm.json().data.length} rows)\n`);
}
await app.close();
