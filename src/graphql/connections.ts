// Relay-style connections over the services' cursor pages: first/after in, edges and pageInfo out.
import { ValidationError } from '../http/errors.ts';
import type { Page, PageParams } from '../http/paging.ts';

export interface ConnectionArgs {
  first?: number | null;
  after?: string | null;
}

export interface Connection<T> {
  edges: Array<{ cursor: string; node: T }>;
  nodes: T[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

export function pageParams(args: ConnectionArgs): PageParams {
  if (args.first !== undefined && args.first !== null && (args.first < 1 || args.first > 500)) {
    throw new ValidationError('first must be between 1 and 500', [{ path: '/first', message: 'must be between 1 and 500' }]);
  }
  return { limit: args.first ?? undefined, cursor: args.after ?? undefined };
}

/** A page as a Relay connection; edges and their cursors are built only when the query selects them. */
export function toConnection<T>(page: Page<T>): Connection<T> {
  const cursorOf = (index: number) => page.cursorAt?.(index) ?? '';
  return {
    get edges() {
      return page.data.map((node, i) => ({ cursor: cursorOf(i), node }));
    },
    nodes: page.data,
    pageInfo: {
      hasNextPage: page.page.nextCursor !== null,
      get endCursor() {
        return page.page.nextCursor ?? (page.data.length > 0 ? cursorOf(page.data.length - 1) : null);
      },
    },
  };
}

/** Drops null/undefined arguments so GraphQL filters read like REST query strings. */
export function definedOnly<T extends object>(input: T | null | undefined): { [K in keyof T]: Exclude<T[K], null> } {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(input ?? {})) if (value !== null && value !== undefined) out[key] = value;
  return out as { [K in keyof T]: Exclude<T[K], null> };
}
