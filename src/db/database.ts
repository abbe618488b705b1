// The Kysely instance over a pg Pool; SQL stays snake_case, the code sees camelCase (CamelCasePlugin).
import pg from 'pg';
import { Kysely, type Transaction } from 'kysely';
import { RowShapeCamelCasePlugin, SnakeCasePostgresDialect } from './camel-case.ts';
import { preparingClient, StatementNames } from './prepared.ts';
import type { DB } from './types.ts';

export type Database = Kysely<DB>;
export type Executor = Kysely<DB> | Transaction<DB>;

// Return DATE columns as 'YYYY-MM-DD' strings and numerics/bigints as JS numbers: the API speaks those shapes.
pg.types.setTypeParser(pg.types.builtins.DATE, (value) => value);
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (value) => Number(value));
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));

const parseTimestamptzGenerally = pg.types.getTypeParser(pg.types.builtins.TIMESTAMPTZ);
const [SPACE, DASH, PLUS, COLON] = [32, 45, 43, 58];

/**
 * timestamptz as PostgreSQL writes it in the ISO DateStyle, `YYYY-MM-DD HH:MM:SS[.ffffff]±HH[:MM]`, read by the
 * engine's own ISO 8601 parser; any other form (BC, infinity, years past 9999, offsets with seconds) goes to pg's
 * general parser. Every row carries two or three timestamps, and the general parser's regular expressions were a
 * tenth of what a page of GraphQL allocated. Both truncate microseconds to the millisecond.
 */
export function parseTimestamptz(value: string): Date {
  const n = value.length;
  if (n >= 22 && value.charCodeAt(4) === DASH && value.charCodeAt(10) === SPACE) {
    const date = value.slice(0, 10);
    const sign = value.charCodeAt(n - 3);
    let iso: string | undefined;
    if (sign === PLUS || sign === DASH) iso = `${date}T${value.slice(11)}:00`;
    else if (sign === COLON && (value.charCodeAt(n - 6) === PLUS || value.charCodeAt(n - 6) === DASH)) iso = `${date}T${value.slice(11)}`;
    if (iso !== undefined) {
      const parsed = new Date(iso);
      if (!Number.isNaN(parsed.getTime())) return parsed;
    }
  }
  return parseTimestamptzGenerally(value) as Date;
}
pg.types.setTypeParser(pg.types.builtins.TIMESTAMPTZ, parseTimestamptz);

export interface DatabaseOptions {
  connectionString: string;
  poolMax?: number;
  applicationName?: string;
  /** How many distinct statement texts to send as prepared statements, once each has been sent three times (0: none). */
  preparedStatements?: number;
  /** Called with every SQL statement, for statement-count tests and debugging. */
  onQuery?: (sql: string, parameters: readonly unknown[]) => void;
}

export function createDatabase(options: DatabaseOptions): { db: Database; pool: pg.Pool } {
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.poolMax ?? 10,
    application_name: options.applicationName ?? 'kinship-api',
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
    ...(options.preparedStatements ? { Client: preparingClient(new StatementNames(options.preparedStatements)) } : {}),
  });
  // A client losing its connection (database restart) must not crash the process: idle clients report to the pool,
  // checked-out ones (mid-transaction) emit on themselves; their queries fail and the pool discards them on release.
  pool.on('error', () => {});
  pool.on('connect', (client) => client.on('error', () => {}));
  const db = new Kysely<DB>({
    dialect: new SnakeCasePostgresDialect({ pool }),
    // Column names are converted; JSON values (SIS metadata, change snapshots) keep their own keys.
    plugins: [new RowShapeCamelCasePlugin()],
    log: options.onQuery
      ? (event) => {
          if (event.level === 'query') options.onQuery?.(event.query.sql, event.query.parameters);
        }
      : undefined,
  });
  return { db, pool };
}
