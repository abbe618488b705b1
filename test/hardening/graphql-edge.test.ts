// GraphQL requests refused at the edge keep their HTTP status and a clear code: rate limited, too large.
import t from 'tap';
import { startSeededApp } from '../helpers/app.ts';

const query = (payload: string, authorization: { authorization: string }) =>
  ({ method: 'POST' as const, url: '/graphql', headers: { ...authorization, 'content-type': 'application/json' }, payload });

t.test('a rate-limited GraphQL client gets 429, RATE_LIMITED and Retry-After', async (t) => {
  const { app, as } = await startSeededApp(t, { config: { http: { rateLimitMax: 1, rateLimitWindowMs: 60_000, maxEventLoopDelayMs: 0, corsOrigins: [] } } });
  const first = await app.inject(query('{"query":"{ __typename }"}', as.teacherA));
  t.same(first.json(), { data: { __typename: 'Query' } });
  const limited = await app.inject(query('{"query":"{ __typename }"}', as.teacherA));
  t.equal(limited.statusCode, 429);
  t.ok(Number(limited.headers['retry-after']) > 0);
  t.match(limited.json(), { data: null, errors: [{ extensions: { code: 'RATE_LIMITED', kinshipCode: 'KINSHIP_RATE_LIMITED' } }] });
});

t.test('a GraphQL document over the body limit gets 413 and PAYLOAD_TOO_LARGE', async (t) => {
  const { app, as } = await startSeededApp(t);
  const res = await app.inject(query(JSON.stringify({ query: `{ __typename ${' '.repeat(2_000_000)} }` }), as.teacherA));
  t.equal(res.statusCode, 413);
  t.match(res.json(), { data: null, errors: [{ message: /too large/, extensions: { code: 'PAYLOAD_TOO_LARGE' } }] });
  t.same((await app.inject(query('{"query":"{ __typename }"}', as.teacherA))).json(), { data: { __typename: 'Query' } });
});
