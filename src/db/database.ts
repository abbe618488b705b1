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
const [ZERO, NINE, SPACE, DASH, PLUS, COLON, DOT] = [48, 57, 32, 45, 43, 58, 46];

/** The number the digits at [from, to) of value write, or NaN if one is not a digit. */
function digits(value: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const c = value.charCodeAt(i);
    if (c < ZERO || c > NINE) return Number.NaN;
    n = n * 10 + (c - ZERO);
  }
  return n;
}

/**
 * timestamptz as PostgreSQL writes it in the ISO DateStyle, `YYYY-MM-DD HH:MM:SS[.ffffff]±HH[:MM]`, read digit by digit
 * into the instant; any other form (BC, infinity, years before 100 or past 9999, offsets with seconds) goes to pg's
 * general parser. Every row carries two or three timestamps: the general parser's regular expressions, and then the
 * strings of an ISO text built for the engine's parser, were the largest share of what a page of GraphQL allocated.
 * Both truncate microseconds to the millisecond.
 */
export function parseTimestamptz(value: string): Date {
  const n = value.length;
  if (n >= 22 && value.charCodeAt(4) === DASH && value.charCodeAt(7) === DASH && value.charCodeAt(10) === SPACE
    && value.charCodeAt(13) === COLON && value.charCodeAt(16) === COLON) {
    let i = 19;
    let ms = 0;
    if (value.charCodeAt(i) === DOT) {
      let scale = 100;
      for (i += 1; i < n; i++) {
        const c = value.charCodeAt(i);
        if (c < ZERO || c > NINE) break;
        ms += (c - ZERO) * scale;
        scale /= 10;
      }
      ms = Math.trunc(ms);
    }
    const sign = value.charCodeAt(i);
    // ±HH or ±HH:MM, and nothing after it.
    const offsetMinutes = n === i + 3 ? digits(value, i + 1, i + 3) * 60
      : n === i + 6 && value.charCodeAt(i + 3) === COLON ? digits(value, i + 1, i + 3) * 60 + digits(value, i + 4, i + 6) : Number.NaN;
    const year = digits(value, 0, 4);
    if ((sign === PLUS || sign === DASH) && year >= 100) {
      const time = Date.UTC(year, digits(value, 5, 7) - 1, digits(value, 8, 10), digits(value, 11, 13), digits(value, 14, 16), digits(value, 17, 19), ms)
        - (sign === PLUS ? 1 : -1) * offsetMinutes * 60_000;
      if (!Number.isNaN(time)) return new Date(time);
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
