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

/**
 * A page as a Relay connection; edges and their cursors are built only when the query selects them. A class, not an
 * object literal with getters: a literal's accessors are new closures on every call, some 1 KB a connection, and a
 * class board builds one per student and per goal.
 */
class PageConnection<T> implements Connection<T> {
  readonly nodes: T[];
  readonly pageInfo: PageInfo<T>;

  constructor(private readonly page: Page<T>) {
    this.nodes = page.data;
    this.pageInfo = new PageInfo(page);
  }

  get edges(): Array<{ cursor: string; node: T }> {
    return this.page.data.map((node, i) => ({ cursor: cursorOf(this.page, i), node }));
  }
}

class PageInfo<T> {
  readonly hasNextPage: boolean;

  constructor(private readonly page: Page<T>) {
    this.hasNextPage = page.page.nextCursor !== null;
  }

  get endCursor(): string | null {
    const { page } = this;
    return page.page.nextCursor ?? (page.data.length > 0 ? cursorOf(page, page.data.length - 1) : null);
  }
}

const cursorOf = (page: Page<unknown>, index: number) => page.cursorAt?.(index) ?? '';

export function toConnection<T>(page: Page<T>): Connection<T> {
  return new PageConnection(page);
}

/** Drops null/undefined arguments so GraphQL filters read like REST query strings. */
export function definedOnly<T extends object>(input: T | null | undefined): { [K in keyof T]: Exclude<T[K], null> } {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(input ?? {})) if (value !== null && value !== undefined) out[key] = value;
  return out as { [K in keyof T]: Exclude<T[K], null> };
}
