// timestamptz values read from PostgreSQL: the fast path gives the instant pg's general parser gives, in any session time zone.
import pg from 'pg';
import t from 'tap';
import { parseTimestamptz } from '../../src/db/database.ts';
import { adminUrl } from '../helpers/databases.ts';

const VALUES = [
  '2026-03-02 15:00:00+00', '2026-03-02 15:00:00.123456+00', '2026-03-02 15:00:00.1+00', '2026-11-01 01:30:00.999999-05',
  '2026-06-30 23:59:59.5+05:30', '2026-06-30 23:59:59+05:45', '1850-01-01 12:00:00+00', '0001-01-01 00:00:00+00',
  '2000-02-29 12:00:00.000001+00', '1999-12-31 23:59:59.999+00',
];
const ZONES = ['UTC', 'America/Chicago', 'Asia/Kolkata', 'Asia/Kathmandu', 'Europe/Amsterdam', 'Pacific/Chatham'];

t.test('every form PostgreSQL writes parses to the instant PostgreSQL means', async (t) => {
  const client = new pg.Client({ connectionString: adminUrl(), types: { getTypeParser: () => (value: string) => value } });
  await client.connect();
  t.teardown(() => client.end());
  const general = pg.types.getTypeParser(pg.types.builtins.TIMESTAMPTZ);
  let checked = 0;
  for (const zone of ZONES) {
    await client.query(`set time zone '${zone}'`);
    const { rows } = await client.query<{ text: string; ms: string }>(
      `select v::timestamptz::text as text, floor(extract(epoch from v::timestamptz) * 1000)::text as ms from unnest($1::text[]) as v`, [VALUES]);
    for (const { text, ms } of rows) {
      const parsed = parseTimestamptz(text);
      t.equal(parsed.getTime(), Number(ms), `${zone}: ${text}`);
      t.equal(parsed.getTime(), (general(text) as Date).getTime(), `${zone}: ${text} as pg's general parser reads it`);
      checked += 1;
    }
    // Historical zones write offsets with seconds (Amsterdam in 1850: +00:19:32), which take the general path.
    const { rows: [lmt] } = await client.query<{ text: string; ms: string }>(
      `select '1850-01-01 12:00:00 Europe/Amsterdam'::timestamptz::text as text, (extract(epoch from '1850-01-01 12:00:00 Europe/Amsterdam'::timestamptz) * 1000)::bigint::text as ms`);
    t.equal(parseTimestamptz(lmt!.text).getTime(), Number(lmt!.ms), `${zone}: ${lmt!.text}`);
  }
  t.equal(checked, VALUES.length * ZONES.length);
  t.equal(parseTimestamptz('infinity') as unknown, general('infinity'), 'infinity as pg reads it');
  t.equal(parseTimestamptz('-infinity') as unknown, general('-infinity'));
  t.equal(parseTimestamptz('0044-03-15 12:00:00+00 BC').getTime(), (general('0044-03-15 12:00:00+00 BC') as Date).getTime(), 'BC dates');
  t.equal(parseTimestamptz('10000-01-01 00:00:00+00').getTime(), (general('10000-01-01 00:00:00+00') as Date).getTime(), 'five-digit years');
});
