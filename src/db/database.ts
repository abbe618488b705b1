// The Kysely instance over a pg Pool; SQL stays snake_case, the code sees camelCase (CamelCasePlugin).
import pg from 'pg';
import { Kysely, PostgresDialect, type Transaction } from 'kysely';
import { RowShapeCamelCasePlugin } from './camel-case.ts';
import type { DB } from './types.ts';

export type Database = Kysely<DB>;
export type Executor = Kysely<DB> | Transaction<DB>;

// Return DATE columns as 'YYYY-MM-DD' strings and numerics/bigints as JS numbers: the API speaks those shapes.
pg.types.setTypeParser(pg.types.builtins.DATE, (value) => value);
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (value) => Number(value));
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));

export interface DatabaseOptions {
  connectionString: string;
  poolMax?: number;
  applicationName?: string;
  /** Called with every SQL statement, for statement-count tests and debugging. */
  onQuery?: (sql: string) => void;
}

export function createDatabase(options: DatabaseOptions): { db: Database; pool: pg.Pool } {
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.poolMax ?? 10,
    application_name: options.applicationName ?? 'kinship-api',
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
  });
  // A client losing its connection (database restart) must not crash the process: idle clients report to the pool,
  // checked-out ones (mid-transaction) emit on themselves; their queries fail and the pool discards them on release.
  pool.on('error', () => {});
  pool.on('connect', (client) => client.on('error', () => {}));
  const db = new Kysely<DB>({
    dialect: new PostgresDialect({ pool }),
    // Column names are converted; JSON values (SIS metadata, change snapshots) keep their own keys.
    plugins: [new RowShapeCamelCasePlugin()],
    log: options.onQuery
      ? (event) => {
          if (event.level === 'query') options.onQuery?.(event.query.sql);
        }
      : undefined,
  });
  return { db, pool };
}
