// Hostile values for the fuzz tests: wrong types, boundaries, odd unicode, deep and huge shapes, bad ids, dates and cursors.
import fc from 'fast-check';
import pg from 'pg';

const deep = (levels: number): unknown => {
  let value: unknown = 'bottom';
  for (let i = 0; i < levels; i++) value = { nested: value };
  return value;
};
const deepArray = (levels: number): unknown => {
  let value: unknown = [];
  for (let i = 0; i < levels; i++) value = [value];
  return value;
};

/** Strings that break naive parsers, validators and SQL. */
export const hostileString = fc.oneof(
  fc.constantFrom(
    '', ' ', '\u0000', 'a\u0000b', '%00', '\uD800', '\uFFFF', '\u202Eevil', '😀'.repeat(300), 'x'.repeat(100_000),
    "'; drop table students; --", '../../etc/passwd', '<script>alert(1)</script>', '${jndi:ldap://x}', 'null', 'undefined',
    'NaN', '-1', '1e309', '0x1F', 'true', '[]', '{}', '00000000-0000-0000-0000-000000000000', 'ffffffff-ffff-ffff-ffff-ffffffffffff',
    'not-a-uuid', '123e4567-e89b-12d3-a456-42661417400', '123e4567-e89b-12d3-a456-4266141740000', '2026-02-30', '2026-13-01',
    '0000-00-00T00:00:00Z', '9999-12-31T23:59:59.999999Z', '-271821-04-20T00:00:00Z', '2026-09-10T25:61:61Z', 'yesterday',
    'eyJ0eXAiOiJKV1Qi', 'Zm9vYmFy', '!!!', 'AAAA'.repeat(300), '+1555', 'a@b', 'zz-ZZZZ-999',
  ),
  fc.string({ maxLength: 64 }),
  fc.string({ unit: 'binary', maxLength: 64 }),
  fc.uuid(),
);

/** Any JSON value of the wrong kind or at a boundary. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  hostileString,
  fc.constantFrom(
    null, true, false, 0, -1, -0, 1.5, 2 ** 31, -(2 ** 31) - 1, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, 1e308,
    [], {}, [null], [''], deep(200), deepArray(200), Array.from({ length: 10_000 }, (_, i) => i),
    Array.from({ length: 2_000 }, () => '00000000-0000-0000-0000-000000000000'), { __proto__: { admin: true } },
    { constructor: { prototype: { polluted: true } } },
  ),
  fc.integer(),
  fc.double(),
  fc.array(fc.string({ maxLength: 8 }), { maxLength: 5 }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.string({ maxLength: 8 }), { maxKeys: 4 }),
);

/** A query-string value: anything hostile, encoded, sometimes repeated. */
export const hostileQueryValue = fc.oneof(
  hostileString.map((s) => s.slice(0, 4_000)),
  fc.constantFrom('-1', '0', '501', '99999999999999999999', '1.5', 'abc', '', '%', '%ZZ', 'a,b', 'true', 'null', '[]'),
);

export const hostileCursor = fc.oneof(
  fc.constantFrom('', 'x', '!!!', 'eyJ9', Buffer.from('{"t":"x","id":"y"}').toString('base64url'), Buffer.from('[1,2,3]').toString('base64url'),
    Buffer.from('{"t":"2026-01-01T00:00:00Z","id":"not-a-uuid"}').toString('base64url'), Buffer.from('null').toString('base64url'), 'A'.repeat(5_000)),
  fc.string({ maxLength: 40 }).map((s) => Buffer.from(s).toString('base64url')),
);

/** Tables a write would touch; audit rows and idempotency keys are written by reads and rejections by design. */
export const WRITE_TABLES = [
  'contact_logs', 'contact_log_guardians', 'goals', 'goal_participants', 'goal_strategies', 'progress_events',
  'strategy_resources', 'resource_shares', 'webhooks', 'webhook_deliveries', 'guardians', 'student_guardians', 'families',
  'enrollments', 'students', 'staff', 'classes', 'orgs', 'change_events',
];

/** Counts and a checksum of every write table, to prove a rejected request changed nothing. */
export async function snapshotTables(client: pg.Client): Promise<string> {
  const parts = WRITE_TABLES.map((table) => `(select count(*) || ':' || coalesce(sum(hashtext(t::text)), 0) from ${table} t)`);
  const { rows } = await client.query<{ snapshot: string }>(`select concat_ws('|', ${parts.join(', ')}) as snapshot`);
  return rows[0]!.snapshot;
}
