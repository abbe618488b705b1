// GraphQL plumbing: the served schema is the SDL in schema/, errors carry extensions.code, limits and persisted queries.
import { createHash } from 'node:crypto';
import { buildSchema, printSchema } from 'graphql';
import t from 'tap';
import { loadSchemaFiles } from '../../src/graphql/plugin.ts';
import { startSeededApp, startTestApp } from '../helpers/app.ts';

t.test('GraphQL core', async (t) => {
  const { app, d, as } = await startSeededApp(t, { config: { graphql: { maxDepth: 6, maxCost: 3000 } } });
  const gql = (headers: Record<string, string>, query: string, variables?: object, extensions?: object) =>
    app.inject({ method: 'POST', url: '/graphql', headers, payload: { query, variables, extensions } });

  await t.test('the served schema is exactly the SDL files', async (t) => {
    const served = printSchema(app.graphql.schema);
    t.equal(served, printSchema(buildSchema(loadSchemaFiles().join('\n'))));
  });

  await t.test('mutations and queries go through the same rules as REST', async (t) => {
    const logged = await gql(as.teacherA, `mutation($input: LogContactInput!) { logContact(input: $input) { id authorId guardianIds purpose visibility familyInput etag } }`,
      { input: { studentId: d.studentA, guardianIds: [d.guardianA], occurredAt: '2026-09-10T15:00:00Z', channel: 'phone', purpose: 'strength', summary: 'Shared his drawing with the class.', familyInput: 'He practises at home.', visibility: 'family' } });
    t.equal(logged.statusCode, 200);
    const log = logged.json().data.logContact;
    t.match(log, { authorId: d.teacherA, guardianIds: [d.guardianA], purpose: 'strength', visibility: 'family' });
    const rest = await app.inject({ url: `/v1/contact-logs/${log.id}`, headers: as.teacherA });
    t.equal(rest.headers.etag, log.etag, 'the GraphQL etag is the REST ETag');

    const list = await gql(as.guardianA, `{ contactLogs(filter: { studentId: "${d.studentA}" }, first: 10) { edges { cursor node { id staffNote } } pageInfo { hasNextPage endCursor } } }`);
    t.same(list.json().data.contactLogs.edges.map((e: { node: { id: string } }) => e.node.id), [log.id]);
    t.equal(list.json().data.contactLogs.edges[0].node.staffNote, null);

    const stale = await gql(as.teacherA, `mutation { updateContactLog(id: "${log.id}", input: { summary: "x" }, ifMatch: "\\"stale\\"") { id } }`);
    t.equal(stale.json().errors[0].extensions.code, 'PRECONDITION_FAILED');
    const updated = await gql(as.teacherA, `mutation { updateContactLog(id: "${log.id}", input: { familyInput: null }, ifMatch: ${JSON.stringify(log.etag)}) { familyInput } }`);
    t.same(updated.json().data.updateContactLog, { familyInput: null });
  });

  await t.test('errors carry extensions.code', async (t) => {
    const invalid = await gql(as.teacherA, `mutation { logContact(input: { studentId: "${d.studentA}", occurredAt: "2026-09-10T15:00:00Z", channel: phone, purpose: strength, summary: "" }) { id } }`);
    t.equal(invalid.json().errors[0].extensions.code, 'BAD_USER_INPUT');
    t.same(invalid.json().errors[0].extensions.errors, [{ path: '/input/summary', message: 'must NOT have fewer than 1 characters' }]);
    const badScalar = await gql(as.teacherA, `{ contactLog(id: "not-a-uuid") { id } }`);
    t.equal(badScalar.statusCode, 400);
    t.match(badScalar.json().errors[0].message, /UUID cannot represent/);
    const badLanguage = await gql(as.teacherA, `mutation { logContact(input: { studentId: "${d.studentA}", occurredAt: "2026-09-10T15:00:00Z", channel: phone, purpose: strength, summary: "x", language: "english please" }) { id } }`);
    t.match(badLanguage.json().errors[0].message, /LanguageTag cannot represent/);
    const notVisible = await gql(as.teacherB, `{ contactLog(id: "00000000-0000-4000-8000-000000000000") { id } }`);
    t.same(notVisible.json().data, { contactLog: null });
    t.equal(notVisible.json().errors[0].extensions.code, 'NOT_FOUND');
    const forbidden = await gql(as.guardianA, `mutation { logContact(input: { studentId: "${d.studentA}", occurredAt: "2026-09-10T15:00:00Z", channel: phone, purpose: strength, summary: "x" }) { id } }`);
    t.equal(forbidden.json().errors[0].extensions.code, 'FORBIDDEN');
    const unauthenticated = await app.inject({ method: 'POST', url: '/graphql', payload: { query: '{ me { role } }' } });
    t.equal(unauthenticated.statusCode, 401);
  });

  await t.test('depth and cost limits answer with a clear error', async (t) => {
    const deep = await gql(as.teacherA, '{ __schema { types { fields { type { ofType { ofType { ofType { name } } } } } } } }');
    t.equal(deep.statusCode, 400);
    t.match(deep.json().errors[0].message, /depth/i);
    const costly = await gql(as.teacherA, '{ contactLogs(first: 500) { edges { cursor node { id summary familyInput purpose channel occurredAt } } } }');
    t.equal(costly.statusCode, 400);
    t.equal(costly.json().errors[0].extensions.code, 'QUERY_TOO_COMPLEX');
    const cheap = await gql(as.teacherA, '{ contactLogs(first: 5) { edges { node { id } } } }');
    t.equal(cheap.statusCode, 200);
  });

  await t.test('a query run again (from the parsed-document cache) answers exactly as its first run', async (t) => {
    const query = `query Board($id: UUID!, $first: Int) {
      student(id: $id) { id givenName guardians { relationship guardian { givenName preferredLanguage } }
        contactLogs(first: $first) { edges { cursor node { id purpose occurredAt } } pageInfo { hasNextPage endCursor } }
        goals(first: 5) { nodes { title status } } }
      missing: student(id: "00000000-0000-4000-8000-000000000000") { id }
    }`;
    const runs = [];
    for (let i = 0; i < 3; i += 1) runs.push(await gql(as.teacherA, query, { id: d.studentA, first: 2 }));
    t.equal(runs[0]!.statusCode, 200);
    t.ok(runs[0]!.json().data.student.guardians.length > 0, 'the first run holds nested data');
    for (const run of runs.slice(1)) {
      t.equal(run.statusCode, runs[0]!.statusCode);
      t.same(run.json(), runs[0]!.json(), 'the same data, nulls and errors (with locations)');
    }
    const bad = [];
    for (let i = 0; i < 3; i += 1) bad.push(await gql(as.teacherA, query, { id: 'not-a-uuid', first: 2 }));
    t.equal(bad[0]!.statusCode, 400);
    for (const run of bad.slice(1)) {
      t.equal(run.statusCode, 400, 'a bad variable is refused the same way every time');
      t.same(run.json(), bad[0]!.json());
    }
    // A refused mutation (already run once above, so compiled now): the same validation error, path and location.
    const mutation = `mutation { logContact(input: { studentId: "${d.studentA}", occurredAt: "2026-09-10T15:00:00Z", channel: phone, purpose: strength, summary: "" }) { id } }`;
    const refused = [];
    for (let i = 0; i < 3; i += 1) refused.push(await gql(as.teacherA, mutation));
    t.same(refused[0]!.json().errors[0].locations, [{ line: 1, column: 12 }], 'the refusal locates the field');
    for (const run of refused.slice(1)) t.same(run.json(), refused[0]!.json(), 'the same refusal when compiled');
  });

  await t.test('automatic persisted queries', async (t) => {
    const query = '{ me { role } }';
    const sha256Hash = createHash('sha256').update(query).digest('hex');
    const ext = { persistedQuery: { version: 1, sha256Hash } };
    const miss = await app.inject({ method: 'POST', url: '/graphql', headers: as.teacherA, payload: { extensions: ext } });
    t.match(miss.json().errors[0].message, /PersistedQueryNotFound/);
    const register = await gql(as.teacherA, query, undefined, ext);
    t.same(register.json().data, { me: { role: 'teacher' } });
    const hit = await app.inject({ method: 'POST', url: '/graphql', headers: as.teacherA, payload: { extensions: ext } });
    t.same(hit.json().data, { me: { role: 'teacher' } });
  });
});

t.test('GraphiQL is served outside production only', async (t) => {
  const { app: development } = await startTestApp(t);
  t.equal((await development.inject({ url: '/graphiql' })).statusCode, 200);
  const { app: production } = await startTestApp(t, { config: { nodeEnv: 'production' } });
  t.equal((await production.inject({ url: '/graphiql' })).statusCode, 404);
});
