// Property-based fuzzing of GraphQL: every root field with hostile arguments, deep and costly queries, huge documents.
import fc from 'fast-check';
import { getNamedType, isEnumType, isInputObjectType, isLeafType, isListType, isNonNullType, isObjectType, type GraphQLField, type GraphQLInputType, type GraphQLNamedType, type GraphQLObjectType } from 'graphql';
import type { InjectOptions } from 'fastify';
import pg from 'pg';
import t from 'tap';
import { buildApp } from '../../src/app.ts';
import { testConfig } from '../helpers/app.ts';
import { createTestDatabase } from '../helpers/databases.ts';
import { seedDistrictAt, tokensFor } from '../helpers/seed.ts';
import { hostileValue, snapshotTables } from './hostile.ts';

const RUNS = Number(process.env.FUZZ_RUNS ?? 10);
const BAD_LITERALS = ['-1', '0', '2147483648', '1e400', '"x"', 'null', '[1, 2]', '{ a: 1 }', 'true', '"\\u0000"', '"00000000-0000-0000-0000-000000000000"', `"${'z'.repeat(10_000)}"`];

t.test('GraphQL survives hostile documents and variables', async (t) => {
  const database = await createTestDatabase();
  // No background writers: the webhook worker would change tables between a request's before and after snapshots.
  const config = testConfig(database.url);
  const app = await buildApp({ ...config, webhooks: { ...config.webhooks, workerEnabled: false } });
  t.teardown(async () => {
    await app.close();
    await database.drop();
  });
  const d = await seedDistrictAt(database.url);
  const as = tokensFor((claims) => app.jwt.sign(claims, { expiresIn: '1h' }), d);
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  t.teardown(() => client.end());
  await app.ready();
  const schema = app.graphql.schema;
  const ids = Object.values(d) as string[];

  const post = (headers: Record<string, string>, payload: unknown, contentType = 'application/json') =>
    app.inject({ method: 'POST' as InjectOptions['method'], url: '/graphql', headers: { ...headers, 'content-type': contentType }, payload: typeof payload === 'string' ? payload : JSON.stringify(payload) });

  /** Never a 5xx; an error answer says what went wrong in errors[].message. */
  const check = (where: string, res: Awaited<ReturnType<typeof post>>): string | undefined => {
    if (res.statusCode >= 500) return `${where} → ${res.statusCode}: ${res.body.slice(0, 300)}`;
    if (/problem\+json/.test(String(res.headers['content-type']))) return res.statusCode >= 400 ? undefined : `${where}: problem with ${res.statusCode}`;
    let body: { data?: unknown; errors?: Array<{ message?: unknown; extensions?: { code?: string } }> };
    try {
      body = res.json();
    } catch {
      return `${where} → ${res.statusCode}: not JSON`;
    }
    if (res.statusCode >= 400 || body.data == null) {
      if (!Array.isArray(body.errors) || body.errors.length === 0 || body.errors.some((e) => typeof e.message !== 'string' || e.message === '')) return `${where} → ${res.statusCode}: no clear errors`;
    }
    const internal = body.errors?.find((e) => e.extensions?.code === 'INTERNAL_SERVER_ERROR');
    if (internal) return `${where} → internal error: ${String(internal.message).slice(0, 200)}`;
    return undefined;
  };

  const selectionOf = (type: GraphQLNamedType): string => (isLeafType(type) ? '' : ' { __typename }');
  const plausibleInput = (type: GraphQLInputType, depth = 0): fc.Arbitrary<unknown> => {
    if (isNonNullType(type)) return plausibleInput(type.ofType, depth);
    if (isListType(type)) return fc.array(plausibleInput(type.ofType, depth + 1), { maxLength: 3 });
    if (isEnumType(type)) return fc.constantFrom(...type.getValues().map((v) => v.name), 'NOT_A_VALUE');
    if (isInputObjectType(type)) {
      if (depth > 3) return fc.constant({});
      const fields = Object.values(type.getFields()).map((f) => fc.option(fc.oneof({ weight: 3, arbitrary: plausibleInput(f.type, depth + 1) }, { weight: 1, arbitrary: hostileValue }), { nil: undefined }).map((v) => [f.name, v] as const));
      return fc.tuple(...fields).map((entries) => Object.fromEntries(entries.filter(([, v]) => v !== undefined)));
    }
    switch (type.name) {
      case 'ID': case 'UUID': return fc.constantFrom(...ids);
      case 'Int': return fc.constantFrom(1, 50, 0);
      case 'Boolean': return fc.boolean();
      case 'DateTime': return fc.constant('2026-09-10T15:00:00Z');
      case 'Date': return fc.constant('2026-09-10');
      default: return fc.constantFrom('Fuzzed text', 'é漢字😀');
    }
  };

  const failures: string[] = [];
  const roots: Array<['query' | 'mutation', GraphQLObjectType | null | undefined]> = [['query', schema.getQueryType()], ['mutation', schema.getMutationType()]];
  for (const [kind, root] of roots) {
    for (const field of Object.values(root?.getFields() ?? {}) as Array<GraphQLField<unknown, unknown>>) {
      const selection = selectionOf(getNamedType(field.type));
      const args = fc.tuple(...field.args.map((arg) => fc.oneof(
        { weight: 3, arbitrary: fc.oneof({ weight: 2, arbitrary: plausibleInput(arg.type) }, { weight: 1, arbitrary: hostileValue }).map((value) => ({ name: arg.name, type: arg.type.toString(), value, literal: undefined as string | undefined })) },
        { weight: 1, arbitrary: fc.constantFrom(...BAD_LITERALS).map((literal) => ({ name: arg.name, type: arg.type.toString(), value: undefined as unknown, literal })) },
      )));
      const property = fc.asyncProperty(fc.constantFrom('districtAdmin' as const, 'teacherA' as const), args, async (role, values) => {
        const declared = values.filter((v) => v.literal === undefined);
        const variables = Object.fromEntries(declared.map((v) => [v.name, v.value]));
        const header = declared.length > 0 ? `(${declared.map((v) => `$${v.name}: ${v.type}`).join(', ')})` : '';
        const argText = values.length > 0 ? `(${values.map((v) => `${v.name}: ${v.literal ?? '$' + v.name}`).join(', ')})` : '';
        const query = `${kind}${header} { ${field.name}${argText}${selection} }`;
        const before = kind === 'mutation' ? await snapshotTables(client) : undefined;
        const res = await post(as[role], { query, variables });
        const problem = check(`${kind} ${field.name} as ${role}`, res);
        if (problem) throw new Error(`${problem} (${query.slice(0, 200)})`);
        const body = res.json() as { data?: Record<string, unknown> | null };
        if (before !== undefined && (body.data?.[field.name] ?? null) === null && (await snapshotTables(client)) !== before) {
          throw new Error(`mutation ${field.name} as ${role}: a rejected mutation wrote rows`);
        }
      });
      const run = await fc.check(property, { numRuns: RUNS, endOnFailure: true });
      if (run.failed) failures.push(String((run.errorInstance as Error | undefined)?.message ?? run.errorInstance).slice(0, 600));
    }
  }

  // Shapes that attack the executor rather than one field.
  const listField = Object.values(schema.getQueryType()!.getFields()).find((f) => f.args.some((a) => a.name === 'first'));
  const deep = (levels: number) => {
    let text = '__typename';
    for (let i = 0; i < levels; i++) text = `__schema { types { fields { type { ofType { name ${i % 2 ? '' : '__typename'} } } } } } __typename`;
    return `{ ${'__type(name: "Query") { fields { type { '.repeat(levels)}name${' } } }'.repeat(levels)} ${text} }`;
  };
  const shapes: Array<[string, unknown, string?]> = [
    ['deep introspection', { query: deep(60) }],
    ['deep fragments', { query: `query { ...F0 } ${Array.from({ length: 200 }, (_, i) => `fragment F${i} on Query { __typename ${i < 199 ? `...F${i + 1}` : ''} }`).join(' ')}` }],
    ['cyclic fragments', { query: 'query { ...A } fragment A on Query { ...B } fragment B on Query { ...A }' }],
    ['5,000 aliases', { query: `{ ${Array.from({ length: 5_000 }, (_, i) => `a${i}: __typename`).join(' ')} }` }],
    ['a huge document', { query: `{ __typename ${' '.repeat(2_000_000)} }` }],
    ['a huge string argument', { query: `{ __type(name: "${'Q'.repeat(500_000)}") { name } }` }],
    ['malformed JSON', '{"query": "{ __typename"', 'application/json'],
    ['a batch of a thousand', Array.from({ length: 1_000 }, () => ({ query: '{ __typename }' }))],
    ['query of the wrong type', { query: 42 }],
    ['variables of the wrong type', { query: '{ __typename }', variables: '[1]' }],
    ['an unknown operation name', { query: 'query A { __typename }', operationName: 'B' }],
    ['a syntax error', { query: '{ __typename ' }],
    ['text/plain', '{ __typename }', 'text/plain'],
    ['null bytes', { query: '{ __typename \u0000 }' }],
  ];
  if (listField) {
    const sel = selectionOf(getNamedType(listField.type));
    shapes.push(['a huge first', { query: `{ ${listField.name}(first: 100000000)${sel} }` }]);
    shapes.push(['first beyond Int', { query: `{ ${listField.name}(first: 99999999999999)${sel} }` }]);
    shapes.push(['many huge lists', { query: `{ ${Array.from({ length: 200 }, (_, i) => `a${i}: ${listField.name}(first: 500)${sel}`).join(' ')} }` }]);
  }
  for (const [name, payload, contentType] of shapes) {
    for (const role of ['districtAdmin', 'teacherA'] as const) {
      const problem = check(`${name} as ${role}`, await post(as[role], payload, contentType));
      if (problem) failures.push(problem);
    }
  }
  const alive = await post(as.teacherA, { query: '{ __typename }' });
  t.same(alive.json(), { data: { __typename: 'Query' } }, 'the service still answers');
  t.same(failures, [], 'no 5xx, no internal errors, every rejection explained');
});
