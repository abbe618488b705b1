// SQL built once per shape and kept as text: for the subqueries every request composes in (visibility rules), whose
// shape depends on a small key (the role) and whose values (the caller's ids) change from call to call, and for whole
// statements a hot route builds the same way on every request (the timeline).
import { sql, type OperationNodeSource, type RawBuilder } from 'kysely';
import { compileDetached } from './camel-case.ts';

/**
 * The values that vary between calls: strings (ids) or arrays passed as one parameter (`${ids}::uuid[]`). A hole left
 * undefined is not set: which holes are set is part of the shape.
 */
type Holes = Record<string, string | readonly string[] | undefined>;

interface Frozen<H extends Holes> {
  fragments: string[];
  /** For each parameter, the name of the hole it comes from, or the constant the builder put there. */
  parameters: Array<{ hole: keyof H } | { constant: unknown }>;
}

const PLACEHOLDER = /\$(\d+)/g;
const UNSET_PREFIX = '\u0000frozen-sql unset ';

/**
 * A stand-in for a value a builder might read but the call leaves unset (a caller's id where the role's rule needs
 * none): if the builder puts it into the SQL after all, building throws instead of keeping it as a constant.
 */
export function unsetHole(name: string): string {
  return `${UNSET_PREFIX}${name}\u0000`;
}

/**
 * Wraps a Kysely builder of a subquery so that it runs once per key: its SQL, compiled as the app's dialect writes it, is
 * kept, and each call splices that text in with the call's values as parameters. The statement a caller ends up with is
 * the one the builder would have produced (tests compare them); building and compiling the subquery's operation tree,
 * which the visibility rules repeat in nearly every statement, is no longer paid per request.
 *
 * The builder must depend on nothing but the key and the holes, and pass each hole through as a parameter value, not
 * branch on it or spread it into a list: each hole gets a unique stand-in value at build time, and building throws if a
 * stand-in does not come back as a parameter of its own.
 */
export function frozenSql<K extends string, H extends Holes>(build: (key: K, holes: H) => OperationNodeSource): (key: K, holes: H) => RawBuilder<unknown> {
  const subquery = frozen<K, H, undefined>(build, true);
  return (key, holes) => subquery(key, holes, undefined);
}

/**
 * `frozenSql` for a whole statement (not wrapped in parentheses): run it with `.execute(db)`, and its rows are mapped as
 * the builder's would be. A shape is the key with the names of the holes set (optional filters need no place in the
 * key); the key must tell apart whatever else shapes the statement (the role, a lock), and have few values: each shape
 * is kept. `creator` (the caller's Kysely or transaction) is only for the builder to start its query from.
 */
export function frozenStatement<K extends string, H extends Holes, C, R>(build: (key: K, holes: H, creator: C) => OperationNodeSource): (key: K, holes: H, creator: C) => RawBuilder<R> {
  return frozen(build, false) as (key: K, holes: H, creator: C) => RawBuilder<R>;
}

function frozen<K extends string, H extends Holes, C>(build: (key: K, holes: H, creator: C) => OperationNodeSource, subquery: boolean): (key: K, holes: H, creator: C) => RawBuilder<unknown> {
  const shapes = new Map<string, Frozen<H>>();
  return (key, holes, creator) => {
    let shapeKey = key as string;
    for (const name in holes) if (holes[name] !== undefined) shapeKey += `|${name}`;
    let shape = shapes.get(shapeKey);
    if (!shape) {
      shape = freeze(key, holes, (k, h) => build(k, h, creator), subquery);
      shapes.set(shapeKey, shape);
    }
    const values = shape.parameters.map((p) => ('hole' in p ? holes[p.hole] : p.constant));
    return sql(shape.fragments as unknown as TemplateStringsArray, ...values);
  };
}

function freeze<K extends string, H extends Holes>(key: K, holes: H, build: (key: K, holes: H) => OperationNodeSource, subquery: boolean): Frozen<H> {
  const standIns = new Map<unknown, keyof H>();
  const standInHoles = {} as Record<keyof H, string | readonly string[]>;
  for (const name of Object.keys(holes) as Array<keyof H>) {
    if (holes[name] === undefined) continue;
    // Strings are told apart by value, arrays by identity.
    const standIn = Array.isArray(holes[name]) ? [] as string[] : `\u0000frozen-sql hole ${String(name)}\u0000`;
    standIns.set(standIn, name);
    standInHoles[name] = standIn;
  }
  const compiled = compileDetached(build(key, standInHoles as H).toOperationNode() as Parameters<typeof compileDetached>[0]);
  const parameters = compiled.parameters.map((value) => (standIns.has(value) ? { hole: standIns.get(value)! } : { constant: value }));
  const unset = parameters.find((p) => 'constant' in p && typeof p.constant === 'string' && p.constant.startsWith(UNSET_PREFIX));
  if (unset) throw new Error(`frozenSql: the builder reads ${String((unset as { constant: string }).constant.slice(UNSET_PREFIX.length, -1))}, which the call did not set as a hole`);
  for (const name of standIns.values()) {
    if (!parameters.some((p) => 'hole' in p && p.hole === name)) throw new Error(`frozenSql: hole ${String(name)} is not passed through as a parameter`);
  }
  const fragments: string[] = [];
  let last = 0;
  let expected = 1;
  for (const match of compiled.sql.matchAll(PLACEHOLDER)) {
    if (Number(match[1]) !== expected) throw new Error(`frozenSql: parameter $${match[1]} out of order in ${compiled.sql}`);
    fragments.push(compiled.sql.slice(last, match.index));
    last = match.index + match[0].length;
    expected += 1;
  }
  if (expected - 1 !== parameters.length) throw new Error(`frozenSql: ${parameters.length} parameters for ${expected - 1} placeholders`);
  fragments.push(compiled.sql.slice(last));
  if (subquery) {
    // In parentheses, as Kysely writes a nested query.
    fragments[0] = `(${fragments[0]}`;
    fragments[fragments.length - 1] = `${fragments[fragments.length - 1]})`;
  }
  return { fragments, parameters };
}
