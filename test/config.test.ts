// The environment is read once into a validated Config; a bad value names its variable.
import t from 'tap';
import { ConfigError, loadConfig, redactDatabaseUrl } from '../src/config.ts';

t.test('defaults', async (t) => {
  const config = loadConfig({});
  t.equal(config.port, 3000);
  t.equal(config.host, '127.0.0.1');
  t.equal(config.databaseUrl, undefined);
  t.equal(config.dataDir, './.data');
  t.equal(config.migrateOnStart, true);
  t.equal(config.roster.massDeactivationThreshold, 0.1);
  t.equal(config.dbPreparedStatements, 100);
});

t.test('values are parsed', async (t) => {
  const config = loadConfig({
    PORT: '8080', HOST: '0.0.0.0', DATABASE_URL: 'postgres://u:p@db:5432/k', MIGRATE_ON_START: 'false',
    JWT_ISSUER: 'https://idp.example', LOG_LEVEL: 'debug', DB_POOL_MAX: '20', DB_PREPARED_STATEMENTS: '0',
  });
  t.equal(config.port, 8080);
  t.equal(config.host, '0.0.0.0');
  t.equal(config.databaseUrl, 'postgres://u:p@db:5432/k');
  t.equal(config.migrateOnStart, false);
  t.equal(config.jwt.issuer, 'https://idp.example');
  t.equal(config.logLevel, 'debug');
  t.equal(config.dbPoolMax, 20);
  t.equal(config.dbPreparedStatements, 0);
});

t.test('a bad value throws a ConfigError naming the variable', async (t) => {
  const cases: Array<[Record<string, string>, string]> = [
    [{ PORT: 'abc' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL'],
    [{ DATABASE_URL: 'not a url' }, 'DATABASE_URL'],
    [{ MIGRATE_ON_START: 'maybe' }, 'MIGRATE_ON_START'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    [{ JWT_SECRET: 'short' }, 'JWT_SECRET'],
    [{ JWT_PUBLIC_KEY: 'not-a-pem' }, 'JWT_PUBLIC_KEY'],
    [{ ROSTER_MASS_DEACTIVATION_THRESHOLD: '2' }, 'ROSTER_MASS_DEACTIVATION_THRESHOLD'],
    [{ NODE_ENV: 'staging' }, 'NODE_ENV'],
    [{ DB_PREPARED_STATEMENTS: '-1' }, 'DB_PREPARED_STATEMENTS'],
  ];
  for (const [env, variable] of cases) {
    let thrown: unknown;
    try {
      loadConfig(env);
    } catch (error) {
      thrown = error;
    }
    t.ok(thrown instanceof ConfigError, `${JSON.stringify(env)} throws a ConfigError`);
    t.equal((thrown as ConfigError).variable, variable);
    t.match((thrown as ConfigError).message, new RegExp(`^${variable} `));
  }
});

t.test('production refuses to start without key material', async (t) => {
  t.throws(() => loadConfig({ NODE_ENV: 'production' }), /JWT_SECRET/);
  t.doesNotThrow(() => loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(32) }));
});

t.test('database passwords are redacted for logs', async (t) => {
  t.equal(redactDatabaseUrl('postgres://user:secret@db:5432/k'), 'postgres://user:***@db:5432/k');
  t.equal(redactDatabaseUrl('postgres://user@db/k'), 'postgres://user@db/k');
});
