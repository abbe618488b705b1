// Streams one OneRoster CSV file: header normalisation against the file's spec, then typed rows with line numbers.
import type { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import type { IssueLog } from './issues.ts';
import { FILE_HEADER_ALIASES, HEADER_ALIASES, isExtensionColumn, VOCABULARIES, type ColumnSpec, type FileSpec,
  type OneRosterVersion, type VocabularyName } from './specs.ts';
import { normaliseGrade, parseBoolean, parseDate, parseDateTime, parseList, parseUserIds, parseYear,
  type Parsed, type UserId } from './values.ts';

export type FileMode = 'bulk' | 'delta';

export interface FileContext {
  /** The name as it appears in the export. */
  file: string;
  spec: FileSpec;
  mode: FileMode;
  version: OneRosterVersion;
  issues: IssueLog;
}

export interface Header {
  /** Spec column name → cell index. */
  index: Map<string, number>;
  /** Extension column name → cell index, kept as metadata. */
  extensions: [string, number][];
  width: number;
  named: boolean[];
}

/** Maps header cells to spec columns; returns null when the file cannot be read (a required column is missing). */
export function readHeader(cells: string[], ctx: FileContext, line: number): Header | null {
  const { spec, issues, file } = ctx;
  const known = new Map(spec.columns.map((c) => [c.name, c]));
  const byLower = new Map(spec.columns.map((c) => [c.name.toLowerCase(), c.name]));
  const fileAliases = FILE_HEADER_ALIASES[spec.key] ?? {};
  const present = new Set(cells.map((c) => c.trim()));
  const index = new Map<string, number>();
  const extensions: [string, number][] = [];
  const named: boolean[] = [];
  let ok = true;
  cells.forEach((rawName, i) => {
    const name = rawName.trim();
    named.push(name !== '');
    if (name === '') {
      issues.warn(file, line, null, `column ${i + 1} has no name; its values are ignored`);
      return;
    }
    let target: string | undefined;
    if (known.has(name)) target = name;
    else {
      const alias = fileAliases[name] ?? HEADER_ALIASES[name];
      if (alias && known.has(alias) && !present.has(alias)) {
        target = alias;
        issues.warn(file, line, name, `header "${name}" read as "${alias}"`);
      } else if (byLower.has(name.toLowerCase()) && !present.has(byLower.get(name.toLowerCase())!)) {
        target = byLower.get(name.toLowerCase())!;
        issues.warn(file, line, name, `header "${name}" read as "${target}" (header names are case-sensitive)`);
      }
    }
    if (target) {
      if (index.has(target)) {
        issues.error(file, line, name, `column "${target}" appears more than once`);
        ok = false;
      } else index.set(target, i);
      return;
    }
    if (!isExtensionColumn(name)) {
      issues.warn(file, line, name, `column "${name}" is not in the OneRoster ${ctx.version} ${spec.fileName} table; kept as metadata`);
    }
    if (extensions.some(([n]) => n === name)) {
      issues.error(file, line, name, `column "${name}" appears more than once`);
      ok = false;
    } else extensions.push([name, i]);
  });
  for (const col of spec.columns) {
    if (col.required && !index.has(col.name)) {
      issues.error(file, line, col.name, `required column "${col.name}" is missing`);
      ok = false;
    }
  }
  return ok ? { index, extensions, width: cells.length, named } : null;
}

/** One data row: typed getters record issues against the row's line and column and mark the row bad on errors. */
export class Row {
  bad = false;
  private readonly cols: Map<string, ColumnSpec>;

  constructor(readonly ctx: FileContext, readonly header: Header, readonly cells: string[], readonly line: number) {
    this.cols = columnsOf(ctx.spec);
  }

  raw(name: string): string {
    const i = this.header.index.get(name);
    return i === undefined ? '' : (this.cells[i] ?? '').trim();
  }

  error(column: string | null, message: string): void {
    this.bad = true;
    this.ctx.issues.error(this.ctx.file, this.line, column, message);
  }

  warn(column: string | null, message: string): void {
    this.ctx.issues.warn(this.ctx.file, this.line, column, message);
  }

  private present(name: string): string | null {
    const v = this.raw(name);
    if (v !== '') return v;
    if (this.cols.get(name)?.required) this.error(name, `${name} is required`);
    return null;
  }

  private typed<T>(name: string, parse: (v: string) => Parsed<T>): T | null {
    const v = this.present(name);
    if (v === null) return null;
    const r = parse(v);
    if (r.ok) return r.value;
    this.error(name, r.message);
    return null;
  }

  text(name: string): string | null { return this.present(name); }
  id(name: string): string | null { return this.present(name); }
  date(name: string): string | null { return this.typed(name, parseDate); }
  year(name: string): number | null { return this.typed(name, parseYear); }
  bool(name: string): boolean | null { return this.typed(name, parseBoolean); }
  userIds(name: string): UserId[] { return this.typed(name, parseUserIds) ?? []; }

  list(name: string): string[] {
    const v = this.present(name);
    if (v === null) return [];
    const items = parseList(v);
    if (items.length === 0 && this.cols.get(name)?.required) this.error(name, `${name} is required`);
    return items;
  }

  grades(name: string): string[] {
    return this.list(name).map((g) => {
      const n = normaliseGrade(g);
      if (!n.known) this.warn(name, `"${g}" is not a CEDS grade level code`);
      return n.value;
    });
  }

  vocab<V extends VocabularyName>(name: string, vocabulary: V): (typeof VOCABULARIES)[V][number] | null {
    const v = this.present(name);
    if (v === null) return null;
    const words: readonly string[] = VOCABULARIES[vocabulary];
    if (words.includes(v)) return v as (typeof VOCABULARIES)[V][number];
    const match = words.find((w) => w.toLowerCase() === v.toLowerCase());
    if (match) {
      this.warn(name, `"${v}" read as "${match}" (values are case-sensitive)`);
      return match as (typeof VOCABULARIES)[V][number];
    }
    this.error(name, `"${v}" is not one of ${words.join(', ')}`);
    return null;
  }

  /** The row's effect: bulk rows with a blank status are active; `tobedeleted` (and 1.0's `inactive`) deactivate. */
  status(): 'active' | 'inactive' {
    const v = this.raw('status');
    if (v === '') {
      if (this.ctx.mode === 'delta') this.error('status', 'status is required in a delta file');
      return 'active';
    }
    if (v.toLowerCase() === 'inactive') {
      this.warn('status', '"inactive" is not a OneRoster 1.1/1.2 status; read as "tobedeleted"');
      return 'inactive';
    }
    return this.vocab('status', 'status') === 'tobedeleted' ? 'inactive' : 'active';
  }

  /** Required in delta files; in bulk files it carries no meaning, so a bad value is only a warning. */
  modifiedAt(): string | null {
    const v = this.raw('dateLastModified');
    if (v === '') {
      if (this.ctx.mode === 'delta') this.error('dateLastModified', 'dateLastModified is required in a delta file');
      return null;
    }
    const r = parseDateTime(v);
    if (r.ok) return r.value;
    if (this.ctx.mode === 'delta') this.error('dateLastModified', r.message);
    else this.warn('dateLastModified', `${r.message}; ignored`);
    return null;
  }

  /** `metadata.*` and vendor columns with a value, as one JSON object. */
  extensions(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [name, i] of this.header.extensions) {
      const v = (this.cells[i] ?? '').trim();
      if (v !== '') out[name] = v;
    }
    return out;
  }
}

const columnCache = new WeakMap<FileSpec, Map<string, ColumnSpec>>();
function columnsOf(spec: FileSpec): Map<string, ColumnSpec> {
  let m = columnCache.get(spec);
  if (!m) columnCache.set(spec, (m = new Map(spec.columns.map((c) => [c.name, c]))));
  return m;
}

/** Yields the file's rows; nothing when the header is unusable. `rowCount` counts data rows seen. */
export async function* readRows(stream: Readable, ctx: FileContext, stats: { rowCount: number; readable: boolean }):
AsyncGenerator<Row> {
  // Line numbers are counted here rather than with csv-parse's `info` (a third of the parse time); the binding
  // forbids line breaks inside fields, so one record is one line.
  let line = 0;
  const parser = stream.pipe(parse({
    bom: true,
    relax_column_count: true,
    skip_records_with_error: true,
    on_skip: (err) => {
      if (err) ctx.issues.error(ctx.file, typeof err.lines === 'number' ? err.lines : null, null, `unreadable CSV: ${err.message}`);
      return undefined;
    },
  }));
  let header: Header | null | undefined;
  for await (const record of parser as AsyncIterable<string[]>) {
    line += 1;
    if (record.length === 1 && record[0] === '') continue;
    if (header === undefined) {
      header = readHeader(record, ctx, line);
      stats.readable = header !== null;
      continue;
    }
    stats.rowCount += 1;
    if (header === null) continue;
    const row = new Row(ctx, header, record, line);
    checkWidth(row);
    yield row;
  }
  if (header === undefined) {
    stats.readable = false;
    ctx.issues.error(ctx.file, null, null, 'the file is empty (no header row)');
  }
}

function checkWidth(row: Row): void {
  const { cells, header } = row;
  if (cells.length > header.width) {
    if (cells.slice(header.width).some((c) => c.trim() !== '')) {
      row.error(null, `the row has ${cells.length} fields but the header has ${header.width}`);
    }
  } else if (cells.length < header.width && header.named.slice(cells.length).some(Boolean)) {
    row.warn(null, `the row has ${cells.length} fields but the header has ${header.width}; missing fields read as blank`);
  }
}
