// The statements the app repeats run as prepared statements, planned once per connection, with the same answers; a
// schema change under a prepared statement does not fail the reads that follow it.
import pg from 'pg';
import t from 'tap';
import { sql } from 'kysely';
import { isStaleStatement, StatementNames } from '../../src/db/prepared.ts';
import { startSeededApp } from '../helpers/app.ts';

t.test('a text is named on its third sighting, keeps its name, and no more texts are named than the limit', async (t) => {
  const names = new StatementNames(2, 3, 4);
  t.same([names.nameFor('a'), names.nameFor('a')], [undefined, undefined]);
  const a = names.nameFor('a');
  t.ok(a, 'named on the third sighting');
  t.equal(names.nameFor('a'), a, 'and keeps the name');
  for (let i = 0; i < 3; i++) names.nameFor('b');
  const b = names.nameFor('b')!;
  t.not(b, a);
  for (let i = 0; i < 5; i++) t.equal(names.nameFor('c'), undefined, 'past the limit a text stays unnamed');
  t.equal(names.size, 2);
  names.renew('b');
  const renewed = names.nameFor('b')!;
  t.not(renewed, b, 'a renewed text gets a new name');
  t.not(renewed, a);
  names.renew('c');
  t.equal(names.nameFor('c'), undefined, 'renewing an unnamed text names nothing');

  const counting = new StatementNames(10, 3, 4);
  for (const text of ['x', 'x', 'y', 'z', 'w', 'v']) counting.nameFor(text);
  t.equal(counting.nameFor('x'), undefined, 'sightings start over once the texts counted reach their size, rather than growing');
  counting.nameFor('x');
  t.ok(counting.nameFor('x'), 'and named on its third sighting from there');

  const long = 'x'.repeat(64 * 1024 + 1);
  const sized = new StatementNames(10);
  for (let i = 0; i < 5; i++) t.equal(sized.nameFor(long), undefined, 'a text over 64 KB is never named');
});

t.test('only a statement the server no longer matches counts as stale', async (t) => {
  t.ok(isStaleStatement({ code: '26000', message: 'prepared statement "kinship_3" does not exist' }));
  t.ok(isStaleStatement({ code: '0A000', message: 'cached plan must not change result type' }));
  t.notOk(isStaleStatement({ code: '0A000', message: 'FOR UPDATE cannot be applied to the nullable side of an outer join' }));
  t.notOk(isStaleStatement({ code: '23505', message: 'duplicate key value violates unique constraint' }));
  t.notOk(isStaleStatement(undefined));
});

async function preparedStatements(db: import('../../src/db/database.ts').Database) {
  const { rows } = await sql<{ name: string; statement: string; runs: number }>`
    select name, statement, generic_plans + custom_plans as runs from pg_prepared_statements`.execute(db);
  return rows;
}

t.test('repeated reads run prepared, answer as the first did, and survive a column added under them', async (t) => {
  // One connection: the statements prepared on it are the ones pg_prepared_statements shows to the app's own queries.
  const { app, d, as, database } = await startSeededApp(t, { config: { dbPoolMax: 1 } });
  const read = () => app.inject({ url: `/v1/students/${d.studentA}`, headers: as.teacherA });
  const first = await read();
  t.equal(first.statusCode, 200);
  for (let i = 0; i < 4; i++) {
    const again = await read();
    t.equal(again.statusCode, 200);
    t.same(again.json(), first.json(), `read ${i + 2} answers as the first`);
  }
  const prepared = await preparedStatements(app.db);
  const studentRead = prepared.find((p) => p.statement.startsWith('select "s".* from "students"'));
  t.ok(studentRead, `the student read is prepared (${prepared.length} statements are)`);
  t.ok(studentRead!.runs >= 2, `and ran prepared ${studentRead!.runs} times`);
  t.ok(prepared.some((p) => p.statement.startsWith('insert into audit_events')), 'so is the read audit insert');

  // Another instance applies a migration: the prepared `select "s".*` no longer matches the table.
  const admin = new pg.Pool({ connectionString: database.url, max: 1 });
  t.teardown(() => admin.end());
  await admin.query('alter table students add column nickname text');
  const after = await read();
  t.equal(after.statusCode, 200, 'the first read after the change is answered');
  t.same(after.json(), first.json());
  t.equal((await read()).statusCode, 200, 'and so are the next ones');
  const renamed = (await preparedStatements(app.db)).filter((p) => p.statement.startsWith('select "s".* from "students"'));
  t.ok(renamed.some((p) => p.name !== studentRead!.name && p.runs >= 1), 'the read is prepared again, under a new name');

  // A write's statement fails with its transaction (nothing is written), and the next attempt runs under a new name.
  const log = { studentId: d.studentA, occurredAt: '2026-09-10T15:00:00Z', channel: 'phone', purpose: 'strength', summary: 'A good day.' };
  const create = () => app.inject({ method: 'POST', url: '/v1/contact-logs', headers: as.teacherA, payload: log });
  for (let i = 0; i < 4; i++) t.equal((await create()).statusCode, 201);
  const before = Number((await admin.query('select count(*) from contact_logs')).rows[0].count);
  await admin.query('alter table contact_logs add column mood text');
  const statuses: number[] = [];
  for (let i = 0; i < 3; i++) {
    const res = await create();
    statuses.push(res.statusCode);
    if (res.statusCode !== 201) {
      t.equal(res.statusCode, 503, 'a write that met the change is refused as one to retry');
      t.equal(res.headers['retry-after'], '1');
      t.match(res.json(), { code: 'KINSHIP_UNAVAILABLE', detail: /schema or session changed/ });
    }
  }
  t.ok(statuses.filter((s) => s !== 201).length <= 1, `at most the first write after the change fails: ${statuses.join(', ')}`);
  t.equal(statuses.at(-1), 201);
  const written = Number((await admin.query('select count(*) from contact_logs')).rows[0].count);
  t.equal(written - before, statuses.filter((s) => s === 201).length, 'a failed write left nothing behind');
});

t.test('DB_PREPARED_STATEMENTS=0 sends every statement unnamed', async (t) => {
  const { app, d, as } = await startSeededApp(t, { config: { dbPoolMax: 1, dbPreparedStatements: 0 } });
  for (let i = 0; i < 5; i++) t.equal((await app.inject({ url: `/v1/students/${d.studentA}`, headers: as.teacherA })).statusCode, 200);
  t.same(await preparedStatements(app.db), []);
});
