// Keyset (cursor) paging: opaque cursors over (sort value, id), stable under concurrent inserts.
import { sql, type RawBuilder, type SqlBool } from 'kysely';
import { ValidationError } from './errors.ts';

export interface PageParams {
  limit?: number;
  cursor?: string;
}

export interface Page<T> {
  data: T[];
  page: { nextCursor: string | null };
  /** The cursor of the row at an index of data (GraphQL edges), computed only when asked: REST serialises only data and page. */
  cursorAt?: (index: number) => string;
}

export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 500;

/** A cursor is the last row's sort key: [sortValue, id]; encoded as base64url JSON so clients treat it as opaque. */
export type CursorKey = [string | number | null, string];

export function encodeCursor(key: CursorKey): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

export function decodeCursor(cursor: string | undefined): CursorKey | undefined {
  if (cursor === undefined) return undefined;
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(value) && value.length === 2 && typeof value[1] === 'string'
      && (value[0] === null || typeof value[0] === 'string' || typeof value[0] === 'number')) {
      return value as CursorKey;
    }
  } catch {
    // fall through to the error below
  }
  throw new ValidationError('cursor is not a cursor this API issued', [{ path: '/querystring/cursor', message: 'is not a valid cursor' }]);
}

export function pageLimit(params: PageParams): number {
  return Math.min(Math.max(params.limit ?? DEFAULT_LIMIT, 1), MAX_LIMIT);
}

/** Given up to limit+1 rows in order, returns the page and the cursor for the next one. */
export function toPage<R, T>(rows: R[], limit: number, keyOf: (row: R) => CursorKey, map: (row: R) => T): Page<T> {
  const hasMore = rows.length > limit;
  const pageRows = hasMore ? rows.slice(0, limit) : rows;
  const last = pageRows[pageRows.length - 1];
  return {
    data: pageRows.map(map),
    page: { nextCursor: hasMore && last !== undefined ? encodeCursor(keyOf(last)) : null },
    cursorAt: (index) => encodeCursor(keyOf(pageRows[index]!)),
  };
}

/** A timestamp column as text to the microsecond: a cursor built from a JS Date would lose digits and repeat rows. */
export function timeKey(column: string): RawBuilder<string> {
  return sql<string>`to_char(${sql.ref(column)} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
}

/** Rows after the cursor in (timestamp, id) order, ascending or descending. */
export function afterTimeKey(column: string, idColumn: string, after: CursorKey, order: 'asc' | 'desc'): RawBuilder<SqlBool> {
  return afterCheckedTimeKey(column, idColumn, assertTimeCursor(after), order);
}

/** The cursor's (timestamp, id), or a 400 when it is not a cursor of a time-ordered list. */
export function assertTimeCursor(after: CursorKey): [string, string] {
  if (typeof after[0] !== 'string' || Number.isNaN(Date.parse(after[0]))) {
    throw new ValidationError('cursor does not belong to this list', [{ path: '/querystring/cursor', message: 'is not a cursor of this list' }]);
  }
  return [after[0], after[1]];
}

/** afterTimeKey for a cursor `assertTimeCursor` has checked (or, in SQL built once per shape, its stand-ins). */
export function afterCheckedTimeKey(column: string, idColumn: string, [at, id]: [string, string], order: 'asc' | 'desc'): RawBuilder<SqlBool> {
  const comparison = sql.raw(order === 'asc' ? '>' : '<');
  return sql<SqlBool>`(${sql.ref(column)}, ${sql.ref(idColumn)}) ${comparison} (${at}::timestamptz, ${id}::uuid)`;
}
