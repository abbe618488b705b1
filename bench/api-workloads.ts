// The API benchmark's workloads: the requests a district sends at 8 a.m., and the production-like config they run under.
import { createSigner } from 'fast-jwt';
import { loadConfig, type Config } from '../src/config.ts';
import { benchIds } from './seed-api.ts';

export const BENCH_JWT_SECRET = 'bench-secret-bench-secret-bench-secret-0123';

export interface Workload {
  name: string;
  read: boolean;
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  body?: string;
}

/** Production settings, except that the limits a single load generator would trip are lifted. */
export function benchConfig(databaseUrl: string, port = 0): Config {
  return loadConfig({
    NODE_ENV: 'production', JWT_SECRET: BENCH_JWT_SECRET, DATABASE_URL: databaseUrl, PORT: String(port), LOG_LEVEL: 'warn',
    RATE_LIMIT_MAX: '10000000', MAX_EVENT_LOOP_DELAY_MS: '0', WEBHOOK_WORKER_ENABLED: 'false', DB_POOL_MAX: process.env.DB_POOL_MAX ?? '10',
  });
}

/** The contact log the write workload creates, over and over. */
export const BENCH_CONTACT_LOG = {
  studentId: benchIds.student(200), occurredAt: '2026-03-02T15:00:00Z', channel: 'phone', purpose: 'strength', summary: 'Shared a win from today.',
} as const;

export function workloads(): Workload[] {
  const sign = createSigner({ key: BENCH_JWT_SECRET, expiresIn: 24 * 3_600_000 });
  // Teacher 0 teaches class 0 (school 0), which holds students 0 and 200.
  const teacher = { authorization: `Bearer ${sign({ role: 'teacher', sub: benchIds.teacher(0) })}` };
  const admin = { authorization: `Bearer ${sign({ role: 'district_admin', sub: 'admin@bench' })}` };
  const json = { 'content-type': 'application/json' };
  const graphql = `query ClassBoard($id: UUID!) {
    class(id: $id) {
      title
      students(first: 50) {
        nodes {
          id givenName familyName grade
          guardians { relationship guardian { givenName familyName preferredLanguage preferredChannel } }
          goals(first: 5) { nodes { title status domain progress(first: 3) { nodes { occurredAt kind value } } } }
        }
      }
    }
  }`;
  return [
    { name: 'student by id', read: true, method: 'GET', path: `/v1/students/${benchIds.student(0)}`, headers: teacher },
    { name: '50 students of a class, filtered', read: true, method: 'GET', path: `/v1/students?classId=${benchIds.klass(0)}&status=active&limit=50`, headers: teacher },
    { name: 'student timeline', read: true, method: 'GET', path: `/v1/students/${benchIds.student(0)}/timeline`, headers: teacher },
    {
      name: 'create contact log', read: false, method: 'POST', path: '/v1/contact-logs', headers: { ...teacher, ...json },
      // Student 200 is in class 0 too: the logs this workload piles up must not grow the timeline the reads measure.
      body: JSON.stringify(BENCH_CONTACT_LOG),
    },
    { name: 'GraphQL class board', read: true, method: 'POST', path: '/graphql', headers: { ...teacher, ...json }, body: JSON.stringify({ query: graphql, variables: { id: benchIds.klass(0) } }) },
    { name: 'engagement report', read: true, method: 'GET', path: '/v1/reports/engagement?from=2025-08-25&to=2026-06-12&groupBy=school', headers: admin },
  ];
}
