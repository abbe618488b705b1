// Kysely's CamelCasePlugin, made cheaper: identifiers are snake_cased as the compiler writes them, and rows are mapped by
// one compiled object literal per result shape.
import {
  CamelCasePlugin, PostgresDialect, PostgresQueryCompiler, type PluginTransformQueryArgs, type PluginTransformResultArgs,
  type QueryCompiler, createQueryId, type QueryResult, type RootOperationNode, type UnknownRow,
} from 'kysely';

type RowMapper = (row: UnknownRow) => UnknownRow;

/** Result shapes are the app's own queries: a few hundred at most. Past this, the cache starts over. */
const MAX_SHAPES = 1_000;
/** Identifiers are the schema's tables, columns and the app's aliases: a few hundred. Past this, the cache starts over. */
const MAX_IDENTIFIERS = 10_000;

/**
 * Renames result columns from snake_case to camelCase like CamelCasePlugin with `maintainNestedObjectKeys: true`
 * (values, JSON included, are kept as they are), but builds each row from an object literal compiled once per column
 * list. The base plugin adds the columns one keyed store at a time, which past a dozen columns leaves V8 with a
 * dictionary-mode object: about 7 µs per row to build and several times slower to read and spread afterwards, on
 * every row of every list.
 */
export class RowShapeCamelCasePlugin extends CamelCasePlugin {
  private readonly mappers = new Map<string, RowMapper>();

  constructor() {
    super({ maintainNestedObjectKeys: true });
  }

  /**
   * Leaves the query as built: `SnakeCasePostgresDialect` renames its identifiers as it compiles them. The base plugin
   * copies the whole operation tree to rename them first, which was a sixth of the CPU a request spent in Kysely.
   */
  override transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    return args.node;
  }

  /** The SQL name of a camelCase identifier, as CamelCasePlugin's own transform writes it. */
  sqlIdentifier(identifier: string): string {
    return this.snakeCase(identifier);
  }

  override async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    const { rows } = args.result;
    if (!Array.isArray(rows) || rows.length === 0) return args.result;
    const map = this.mapperFor(Object.keys(rows[0]!));
    return { ...args.result, rows: rows.map(map) };
  }

  private mapperFor(columns: string[]): RowMapper {
    const signature = columns.join('\u0000');
    let mapper = this.mappers.get(signature);
    if (mapper) return mapper;
    // "__proto__" in an object literal would set the prototype instead of a property: leave such a row to the base mapper.
    if (columns.some((column) => column === '__proto__' || this.camelCase(column) === '__proto__')) return (row) => this.mapRow(row);
    // The keys are quoted with JSON.stringify, so any column name is a plain string literal in the generated code.
    const body = columns.map((column) => `${JSON.stringify(this.camelCase(column))}: row[${JSON.stringify(column)}]`).join(',\n');
    mapper = new Function('row', `return {\n${body}\n};`) as RowMapper;
    if (this.mappers.size >= MAX_SHAPES) this.mappers.clear();
    this.mappers.set(signature, mapper);
    return mapper;
  }
}

/** One mapping for every compiler, the app's and the detached one: the plugin's own, memoized. */
const namer = new RowShapeCamelCasePlugin();
const snakeCased = new Map<string, string>();
function sqlIdentifier(identifier: string): string {
  let name = snakeCased.get(identifier);
  if (name === undefined) {
    name = namer.sqlIdentifier(identifier);
    if (snakeCased.size >= MAX_IDENTIFIERS) snakeCased.clear();
    snakeCased.set(identifier, name);
  }
  return name;
}

/** Writes every identifier (table, column, alias, schema) snake_cased, as CamelCasePlugin's query transform would. */
class SnakeCaseQueryCompiler extends PostgresQueryCompiler {
  protected override sanitizeIdentifier(identifier: string): string {
    return super.sanitizeIdentifier(sqlIdentifier(identifier));
  }
}

/**
 * PostgreSQL with camelCase identifiers in the code and snake_case in SQL; pair it with `RowShapeCamelCasePlugin`, which
 * renames the result columns back. Uses the plugin's own mapping, so the SQL is the SQL CamelCasePlugin writes.
 */
export class SnakeCasePostgresDialect extends PostgresDialect {
  override createQueryCompiler(): QueryCompiler {
    return new SnakeCaseQueryCompiler();
  }
}

/**
 * Compiles a query on its own, outside any Kysely instance, exactly as the app's dialect writes it: for SQL that is
 * kept as text and spliced into later queries (`frozenSql`).
 */
export function compileDetached(node: RootOperationNode): { sql: string; parameters: readonly unknown[] } {
  return detachedCompiler.compileQuery(node, createQueryId());
}
const detachedCompiler = new SnakeCaseQueryCompiler();
