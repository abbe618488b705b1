// Prepared statements for the SQL the app sends again and again, so PostgreSQL plans each once per connection.
import pg from 'pg';

/** Longer texts are never prepared: multi-row inserts of roster syncs, which vary with their row counts. */
const MAX_TEXT = 64 * 1024;

/**
 * Names for the statements worth preparing. A statement text with parameters is named once it has been sent `after`
 * times, up to `max` names in all. A name stays with its text for the life of the process, and every connection of the
 * pool prepares a named text the first time it runs it (node-postgres sends Parse once per connection and name).
 * Texts seen for the first time after the limit stay unnamed, and so do texts over 64 KB: what the server and this
 * process keep stays bounded however varied the statements.
 */
export class StatementNames {
  private readonly names = new Map<string, string>();
  private readonly seen = new Map<string, number>();
  private seenChars = 0;
  private issued = 0;

  constructor(readonly max: number, readonly after = 3, private readonly maxSeenChars = 4_000_000) {}

  get size(): number {
    return this.names.size;
  }

  nameFor(text: string): string | undefined {
    const name = this.names.get(text);
    if (name !== undefined || this.names.size >= this.max || text.length > MAX_TEXT) return name;
    const count = (this.seen.get(text) ?? 0) + 1;
    if (count < this.after) {
      if (count === 1) {
        // Counting starts over rather than growing: texts sent once each would fill it otherwise.
        if (this.seenChars + text.length > this.maxSeenChars) {
          this.seen.clear();
          this.seenChars = 0;
        }
        this.seenChars += text.length;
      }
      this.seen.set(text, count);
      return undefined;
    }
    this.seen.delete(text);
    this.issued += 1;
    const named = `kinship_${this.issued}`;
    this.names.set(text, named);
    return named;
  }

  /** The text's statement can no longer run as prepared: its next use gets a new name, prepared afresh everywhere. */
  renew(text: string): void {
    if (!this.names.has(text)) return;
    this.issued += 1;
    this.names.set(text, `kinship_${this.issued}`);
  }
}

/**
 * Whether a prepared statement failed because the server no longer matches it: a table it reads changed its columns
 * under `select *` (a migration applied by another instance), or the statement is gone (a pooler reset the session).
 */
export function isStaleStatement(error: unknown): boolean {
  const { code, message } = (error ?? {}) as { code?: string; message?: string };
  return code === '26000' || (code === '0A000' && /cached plan must not change result type/.test(message ?? ''));
}

/**
 * A pg Client that sends the named texts as prepared statements. Only a call with a text and a parameter array is
 * named: that is the extended protocol already, one statement per text. Texts without parameters (migrations, several
 * statements at once), query configs and cursors go as they came.
 */
export function preparingClient(names: StatementNames): typeof pg.Client {
  class PreparingClient extends pg.Client {}
  PreparingClient.prototype.query = function (this: pg.Client, ...args: unknown[]) {
    // pg.Client's own query, looked up at each call so that a wrapper put on it later (the benchmark's capture) still runs.
    const query = pg.Client.prototype.query as (this: pg.Client, ...a: unknown[]) => unknown;
    const [text, values] = args;
    if (args.length === 2 && typeof text === 'string' && Array.isArray(values) && values.length > 0) {
      const name = names.nameFor(text);
      if (name !== undefined) {
        const idle = this.getTransactionStatus() === 'I';
        return (query.call(this, { name, text, values }) as Promise<unknown>).catch((error: unknown) => {
          if (!isStaleStatement(error)) throw error;
          names.renew(text);
          // Outside a transaction nothing was done: run it again, unnamed. Inside one, the transaction has failed.
          if (idle) return query.call(this, text, values);
          throw error;
        });
      }
    }
    return query.apply(this, args);
  } as typeof pg.Client.prototype.query;
  return PreparingClient;
}
