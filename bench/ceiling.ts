// The ceiling: a bare fastify app replaying, per workload, the SQL the real app ran for it (captured), with pg and nothing else.
// No authentication, validation, audit or response shaping: the fastest this data can be served through fastify and pg.
// Statements with parameters are sent as prepared statements, as the app sends the ones it repeats (src/db/prepared.ts);
// the unnamed variant sends every statement unnamed, as the ceiling of the rounds before that did.
// Usage (run by bench/api.ts): BENCH_DATABASE_URL=… BENCH_CAPTURE=<file> PORT=… node --import tsx bench/ceiling.ts
import { readFileSync } from 'node:fs';
import Fastify from 'fastify';
import pg from 'pg';

export interface CapturedStatement {
  text: string;
  values: unknown[];
}
export type Capture = Record<string, { method: 'GET' | 'POST'; statements: CapturedStatement[] }>;

/** Statements the ceiling leaves out: the audit trail and idempotency bookkeeping are framework layers, not the workload. */
export const isFrameworkStatement = (text: string) => /"?(audit_events|idempotency_keys)"?/.test(text);

export interface CeilingVariant {
  /** Keeps the audit and idempotency statements. */
  audited: boolean;
  /** Sends statements with parameters as prepared statements. */
  prepared: boolean;
}
export const CEILING_VARIANTS = {
  bare: { audited: false, prepared: true },
  audited: { audited: true, prepared: true },
  unnamed: { audited: false, prepared: false },
} satisfies Record<string, CeilingVariant>;

export const ceilingPath = (name: string, { audited, prepared }: CeilingVariant) =>
  `/${audited ? 'ceiling-audited' : 'ceiling'}${prepared ? '' : '-unnamed'}/${encodeURIComponent(name.replace(/[^a-z0-9]+/gi, '-').toLowerCase())}`;

if (import.meta.url === `file://${process.argv[1]}`) {
  const capture = JSON.parse(readFileSync(process.env.BENCH_CAPTURE!, 'utf8')) as Capture;
  const pool = new pg.Pool({ connectionString: process.env.BENCH_DATABASE_URL, max: Number(process.env.DB_POOL_MAX ?? 10) });
  const app = Fastify({ logger: false });
  // Each workload bare, and with the audit and idempotency statements kept (to tell their cost from the framework's);
  // and bare with every statement unnamed, the ceiling of the rounds before the app prepared its statements.
  for (const [w, [name, { method, statements }]] of Object.entries(capture).entries()) for (const [v, variant] of Object.entries(CEILING_VARIANTS)) {
    const replay = (variant.audited ? statements : statements.filter((s) => !isFrameworkStatement(s.text)))
      .map((s, i) => (variant.prepared && s.values.length > 0 ? { ...s, name: `ceiling_${w}_${v}_${i}` } : s));
    app.route({
      method, url: ceilingPath(name, variant),
      handler: async () => {
        const client = await pool.connect();
        try {
          let rows: unknown[] = [];
          for (const statement of replay) {
            const result = await client.query(statement);
            if (result.rows.length > 0) rows = result.rows;
          }
          return rows;
        } finally {
          client.release();
        }
      },
    });
  }
  await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT) });
  process.stdout.write(`listening on ${process.env.PORT}\n`);
  process.on('SIGTERM', () => void app.close().then(() => pool.end()).then(() => process.exit(0)));
}
