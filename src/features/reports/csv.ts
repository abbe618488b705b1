// CSV output for reports: RFC 4180 quoting, flattening of nested rows, streaming, and Accept negotiation.
import { Readable } from 'node:stream';
import type { Page } from '../../http/paging.ts';

/** One field, RFC 4180: quoted when it holds a quote, comma, CR or LF; quotes doubled; null is empty. */
export function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One record, CRLF-terminated as RFC 4180 asks. */
export function csvLine(fields: unknown[]): string {
  return `${fields.map(csvField).join(',')}\r\n`;
}

/** Dotted paths of the leaves of a nested object (arrays stay leaves): { a: { b: 1 } } → ['a.b']. */
export function leafPaths(value: Record<string, unknown>, prefix = ''): string[] {
  return Object.entries(value).flatMap(([key, child]) => (child !== null && typeof child === 'object' && !Array.isArray(child)
    ? leafPaths(child as Record<string, unknown>, `${prefix}${key}.`)
    : [`${prefix}${key}`]));
}

export function valueAt(value: unknown, path: string): unknown {
  let current = value;
  for (const part of path.split('.')) {
    if (current === null || current === undefined || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}

export interface CsvColumn<T> {
  header: string;
  value: (row: T) => unknown;
}

/** A stream of one header row and one line per row, pulling rows from an async source as it goes. */
export function csvStream<T>(columns: CsvColumn<T>[], rows: AsyncIterable<T> | Iterable<T>): Readable {
  async function* lines() {
    yield csvLine(columns.map((c) => c.header));
    for await (const row of rows) yield csvLine(columns.map((c) => c.value(row)));
  }
  return Readable.from(lines(), { objectMode: false });
}

/** True when the Accept header asks for text/csv (with a non-zero q) ahead of JSON. */
export function wantsCsv(accept: string | undefined): boolean {
  if (!accept) return false;
  const ranges = accept.split(',').map((part) => {
    const [type = '', ...params] = part.trim().toLowerCase().split(';').map((p) => p.trim());
    const q = Number(params.find((p) => p.startsWith('q='))?.slice(2) ?? '1');
    return { type, q: Number.isFinite(q) ? q : 0 };
  });
  const csv = ranges.find((r) => r.type === 'text/csv');
  if (!csv || csv.q <= 0) return false;
  const json = ranges.find((r) => r.type === 'application/json');
  return !json || json.q <= csv.q;
}

export const CSV_CONTENT_TYPE = 'text/csv; charset=utf-8; header=present';

/**
 * Every row of a paged report from the query's cursor on. The first page is read before this resolves, so
 * authorization and validation errors surface as problem responses rather than as a broken stream.
 */
export async function allPages<T, Q extends { cursor?: string; limit?: number }>(fetch: (query: Q) => Promise<Page<T>>, query: Q): Promise<AsyncIterable<T>> {
  const first = await fetch({ ...query, limit: 500 });
  async function* rows() {
    yield* first.data;
    let cursor = first.page.nextCursor;
    while (cursor !== null) {
      const page = await fetch({ ...query, cursor, limit: 500 });
      yield* page.data;
      cursor = page.page.nextCursor;
    }
  }
  return rows();
}
