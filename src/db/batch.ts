// Batching for relations: one windowed query per relation and level, rows regrouped in the order of the parent keys.
import { sql, type RawBuilder, type SelectQueryBuilder } from 'kysely';
import type { Executor } from './database.ts';
import { encodeCursor, pageLimit, type CursorKey, type Page } from '../http/paging.ts';

/** first/after of a relation connection, the same for every parent in a batch. */
export interface RelationPage {
  limit?: number;
  cursor?: string;
}

/**
 * The first `limit + 1` rows per parent of an ordered, visibility-filtered query: `row_number() over (partition by
 * parent order by …)` around it, so 50 parents cost one statement. `parentColumn` is the output column (camelCase).
 */
export async function firstRowsPerParent<R>(db: Executor, inner: SelectQueryBuilder<any, any, any>, partitionRef: string,
  order: RawBuilder<unknown>, parentColumn: string, limit: number): Promise<R[]> {
  return rowsPerParent(db, inner, partitionRef, order, parentColumn, limit + 1).execute() as Promise<R[]>;
}

/**
 * firstRowsPerParent's statement, unexecuted, for SQL built once per shape (`frozenStatement`): `cut` is the last row
 * number kept (limit + 1), a number or a hole's stand-in.
 */
export function rowsPerParent(db: Executor, inner: SelectQueryBuilder<any, any, any>, partitionRef: string,
  order: RawBuilder<unknown>, parentColumn: string, cut: number | string): SelectQueryBuilder<any, any, any> {
  const numbered = inner.select(sql<number>`row_number() over (partition by ${sql.ref(partitionRef)} order by ${order})`.as('rowNumber'));
  return (db as any).selectFrom(numbered.as('w')).selectAll('w')
    .where('w.rowNumber', '<=', cut)
    .orderBy(`w.${parentColumn}`).orderBy('w.rowNumber');
}

/** `= any(…)` of ids passed as one uuid[] parameter: one statement text however many ids (an array hole of frozen SQL). */
export function anyId(ids: readonly string[]): RawBuilder<string> {
  return sql<string>`any(${ids}::uuid[])`;
}

/** Rows grouped per parent (in the order of parentIds), each group cut to a page with its own cursors. */
export function pagesByParent<R, T>(parentIds: readonly string[], rows: R[], parentOf: (row: R) => string | null, limit: number,
  keyOf: (row: R) => CursorKey, map: (row: R) => T): Array<Page<T>> {
  const groups = groupRows(rows, parentOf);
  return parentIds.map((id) => {
    const group = groups.get(id) ?? [];
    const pageRows = group.slice(0, limit);
    const last = pageRows[pageRows.length - 1];
    return {
      data: pageRows.map(map),
      page: { nextCursor: group.length > limit && last !== undefined ? encodeCursor(keyOf(last)) : null },
      cursorAt: (index: number) => encodeCursor(keyOf(pageRows[index]!)),
    };
  });
}

/** Rows grouped per parent, in the order of parentIds. */
export function listsByParent<R, T>(parentIds: readonly string[], rows: R[], parentOf: (row: R) => string | null, map: (row: R) => T): T[][] {
  const groups = groupRows(rows, parentOf);
  return parentIds.map((id) => (groups.get(id) ?? []).map(map));
}

/** One value (or null) per id, in the order of the ids. */
export function byIds<R extends { id: string }, T>(ids: readonly string[], rows: R[], map: (row: R) => T): Array<T | null> {
  const found = new Map(rows.map((row) => [row.id, row]));
  return ids.map((id) => {
    const row = found.get(id);
    return row === undefined ? null : map(row);
  });
}

function groupRows<R>(rows: R[], parentOf: (row: R) => string | null): Map<string, R[]> {
  const groups = new Map<string, R[]>();
  for (const row of rows) {
    const parent = parentOf(row);
    if (parent === null) continue;
    const group = groups.get(parent);
    if (group) group.push(row);
    else groups.set(parent, [row]);
  }
  return groups;
}

export { pageLimit };

/** Distinct non-null ids, for `= any($1)`. */
export function distinct(ids: ReadonlyArray<string | null | undefined>): string[] {
  return [...new Set(ids.filter((id): id is string => typeof id === 'string'))];
}

/**
 * A mercurius loader's queries grouped by their arguments (a relation's first/after/filters), one batch call per
 * distinct set (usually one), the results put back in the order of the queries.
 */
export async function batchByParams<O, P, R>(queries: ReadonlyArray<{ obj: O; params: P }>, load: (objs: O[], params: P) => Promise<R[]>): Promise<R[]> {
  const groups = new Map<string, number[]>();
  queries.forEach((q, i) => {
    const key = JSON.stringify(q.params ?? {});
    const group = groups.get(key);
    if (group) group.push(i);
    else groups.set(key, [i]);
  });
  const results: R[] = new Array(queries.length);
  for (const indexes of groups.values()) {
    const loaded = await load(indexes.map((i) => queries[i]!.obj), queries[indexes[0]!]!.params);
    indexes.forEach((queryIndex, j) => { results[queryIndex] = loaded[j]!; });
  }
  return results;
}

/** To-one relations: the ids present are fetched at once; a null id (or an invisible record) gives null. */
export async function loadOptional<T>(ids: ReadonlyArray<string | null | undefined>,
  fetch: (ids: string[]) => Promise<Array<T | null>>): Promise<Array<T | null>> {
  const present = distinct(ids);
  const found = present.length === 0 ? [] : await fetch(present);
  const byId = new Map(present.map((id, i) => [id, found[i] ?? null]));
  return ids.map((id) => (id ? byId.get(id) ?? null : null));
}
