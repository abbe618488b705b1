// Property-based fuzzing of every REST operation in openapi.yaml: no 5xx, problem+json on every 4xx, no rows from rejections.
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import type { InjectOptions } from 'fastify';
import pg from 'pg';
import t from 'tap';
import { parse } from 'yaml';
import { buildApp } from '../../src/app.ts';
import { testConfig } from '../helpers/app.ts';
import { createTestDatabase } from '../helpers/databases.ts';
import { seedDistrictAt, tokensFor } from '../helpers/seed.ts';
import { ROOT } from '../helpers/process.ts';
import { hostileCursor, hostileQueryValue, hostileString, hostileValue, snapshotTables } from './hostile.ts';

type Schema = { type?: string | string[]; format?: string; enum?: unknown[]; properties?: Record<string, Schema>; items?: Schema; anyOf?: Schema[]; minimum?: number; $ref?: string };
interface Parameter { name: string; in: 'path' | 'query' | 'header'; schema?: Schema }
interface Operation { parameters?: Parameter[]; requestBody?: { content: Record<string, { schema: Schema }> } }

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
/** Path values arrive encoded; a few raw, badly encoded ones are sent as they are. */
const encodePathSegment = (value: string) => encodeURIComponent(value.replace(LONE_SURROGATE, '\uFFFD'));
const RUNS = Number(process.env.FUZZ_RUNS ?? 10);
const document = parse(readFileSync(`${ROOT}/openapi.yaml`, 'utf8')) as { paths: Record<string, Record<string, Operation>>; components?: { schemas?: Record<string, Schema> } };
const resolve = (schema: Schema | undefined): Schema | undefined =>
  schema?.$ref ? document.components?.schemas?.[schema.$ref.split('/').pop()!] : schema;

t.test('every REST operation survives hostile input', async (t) => {
  // The wire as clients see it: the test-only response contract check would turn undocumented 413/415 into plain JSON.
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
  const ids = Object.values(d) as string[];

  /** A value that passes the schema often enough to reach the services' rules. */
  const plausible = (schema: Schema | undefined): fc.Arbitrary<unknown> => {
    const s = resolve(schema) ?? {};
    if (s.enum) return fc.constantFrom(...s.enum);
    if (s.anyOf) return fc.oneof(...s.anyOf.map(plausible));
    const type = Array.isArray(s.type) ? s.type[0] : s.type;
    if (s.format === 'uuid') return fc.constantFrom(...ids);
    if (s.format === 'date-time') return fc.constantFrom('2026-09-10T15:00:00Z', '1970-01-01T00:00:00Z', '2100-01-01T00:00:00.000001Z');
    if (s.format === 'date') return fc.constantFrom('2026-09-10', '1900-01-01', '2999-12-31');
    if (type === 'integer' || type === 'number') return fc.constantFrom(s.minimum ?? 0, 1, 100);
    if (type === 'boolean') return fc.boolean();
    if (type === 'array') return fc.array(plausible(s.items), { maxLength: 3 });
    if (type === 'object') return bodyOf(s);
    if (type === 'null') return fc.constant(null);
    return fc.constantFrom('Fuzzed text', 'é漢字😀', 'x');
  };
  /** An object where each documented field is missing, plausible or hostile, plus sometimes an unknown field. */
  const bodyOf = (schema: Schema): fc.Arbitrary<Record<string, unknown>> => {
    const fields = Object.entries(resolve(schema)?.properties ?? {}).map(([name, field]) =>
      fc.option(fc.oneof({ arbitrary: plausible(field), weight: 3 }, { arbitrary: hostileValue, weight: 1 }), { nil: undefined }).map((v) => [name, v] as const));
    return fc.tuple(fc.tuple(...fields), fc.option(fc.tuple(hostileString.map((s) => s.slice(0, 50) || 'extra'), hostileValue), { nil: undefined }))
      .map(([entries, extra]) => {
        const body: Record<string, unknown> = {};
        for (const [name, value] of entries) if (value !== undefined) body[name] = value;
        if (extra) body[extra[0]] = extra[1];
        return body;
      });
  };

  const payloadOf = (schema: Schema | undefined): fc.Arbitrary<{ contentType?: string; payload?: string }> => fc.oneof(
    { weight: 6, arbitrary: (schema ? bodyOf(schema) : fc.constant({})).map((body) => ({ contentType: 'application/json', payload: JSON.stringify(body) })) },
    { weight: 1, arbitrary: hostileValue.map((body) => ({ contentType: 'application/json', payload: JSON.stringify(body) ?? 'null' })) },
    { weight: 1, arbitrary: fc.constantFrom('{"studentId":', '{', '[', 'nul', '{"a":1}{"b":2}', '\u0000', '{"__proto__":{"x":1}}', `{"a":${'['.repeat(5000)}`).map((payload) => ({ contentType: 'application/json', payload })) },
    { weight: 1, arbitrary: fc.tuple(fc.constantFrom('text/plain', 'application/xml', 'multipart/form-data; boundary=x', 'application/x-www-form-urlencoded', 'application/merge-patch+json', 'application/json; charset=latin1', 'image/png'), hostileString)
      .map(([contentType, payload]) => ({ contentType, payload })) },
    { weight: 1, arbitrary: fc.constant({}) },
  );

  const failures: string[] = [];
  for (const [template, methods] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(methods)) {
      if (!['get', 'post', 'patch', 'put', 'delete'].includes(method)) continue;
      const parameters = operation.parameters ?? [];
      const pathParams = parameters.filter((p) => p.in === 'path').map((p) => p.name);
      const queryParams = parameters.filter((p) => p.in === 'query');
      const bodySchema = operation.requestBody ? Object.values(operation.requestBody.content)[0]?.schema : undefined;
      const hasBody = ['post', 'patch', 'put'].includes(method);

      const request = fc.record({
        role: fc.constantFrom('districtAdmin' as const, 'teacherA' as const),
        path: fc.tuple(...pathParams.map(() => fc.oneof(fc.constantFrom(...ids), hostileString.map((s) => s.slice(0, 2_000)).map(encodePathSegment),
          fc.constantFrom('%', '%ZZ', '%E0%A4%A', '..%2F..', '%2e%2e', '%C0%AF')))),
        query: fc.tuple(
          fc.subarray(queryParams.map((p) => p.name)).chain((names) => fc.tuple(...names.map((name) => fc.tuple(fc.constant(name),
            name === 'cursor' ? hostileCursor : fc.oneof(plausible(queryParams.find((p) => p.name === name)?.schema).map(String), hostileQueryValue))))),
          fc.option(fc.tuple(fc.constantFrom('unknown', 'limit', '__proto__', 'a[b]', 'studentId'), hostileQueryValue), { nil: undefined }),
        ),
        body: hasBody ? payloadOf(bodySchema) : fc.constant<{ contentType?: string; payload?: string }>({}),
        ifMatch: fc.option(fc.constantFrom('*', '"x"', 'W/"1"', '"' + 'a'.repeat(5000) + '"', '\u00ff'), { nil: undefined }),
      });

      const property = fc.asyncProperty(request, async (r) => {
        let url = template;
        pathParams.forEach((name, i) => { url = url.replace(`{${name}}`, r.path[i]!); });
        const query = new URLSearchParams([...r.query[0], ...(r.query[1] ? [r.query[1]] : [])]).toString();
        const headers: Record<string, string> = { ...as[r.role] };
        if (r.body.contentType) headers['content-type'] = r.body.contentType;
        if (r.ifMatch) headers['if-match'] = r.ifMatch;
        const before = method !== 'get' ? await snapshotTables(client) : undefined;
        const res = await app.inject({ method: method.toUpperCase() as InjectOptions['method'], url: query ? `${url}?${query}` : url, headers, payload: r.body.payload });
        const where = `${method.toUpperCase()} ${`${url}${query ? '?' + query : ''}`.slice(0, 160)} as ${r.role} → ${res.statusCode}`;
        if (res.statusCode >= 500) throw new Error(`${where}: ${res.body.slice(0, 300)}`);
        if (res.statusCode >= 400) {
          if (!/^application\/problem\+json/.test(String(res.headers['content-type']))) throw new Error(`${where}: content-type ${res.headers['content-type']}`);
          const problem = res.json() as { status?: number; code?: string };
          if (problem.status !== res.statusCode || typeof problem.code !== 'string') throw new Error(`${where}: not a problem document`);
          if (before !== undefined && (await snapshotTables(client)) !== before) throw new Error(`${where}: a rejected request wrote rows`);
        }
      });
      const run = await fc.check(property, { numRuns: RUNS, endOnFailure: true });
      if (run.failed) failures.push(String((run.errorInstance as Error | undefined)?.message ?? run.errorInstance).slice(0, 600));
    }
  }
  t.same(failures, [], 'no operation answered 5xx, a non-problem 4xx or wrote rows when it rejected a request');
});
