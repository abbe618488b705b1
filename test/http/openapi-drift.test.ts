// openapi.yaml and src/db/types.ts are generated and committed; these fail when either is stale.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { renderOpenApi } from '../../src/http/openapi-cli.ts';
import { adminUrl } from '../helpers/databases.ts';
import { ROOT } from '../helpers/process.ts';

t.test('openapi.yaml is what the route schemas generate (run `npm run openapi`)', async (t) => {
  const committed = readFileSync(path.join(ROOT, 'openapi.yaml'), 'utf8');
  t.equal(committed, await renderOpenApi());
});

t.test('src/db/types.ts is what the migrations generate (run `npm run db:types`)', async (t) => {
  t.doesNotThrow(() => execFileSync(process.execPath, ['--import', 'tsx', 'src/db/codegen.ts', '--verify'], {
    cwd: ROOT, env: { ...process.env, DATABASE_URL: adminUrl() }, stdio: 'pipe',
  }));
});

t.test('openapi.yaml passes the Redocly linter without warnings', async (t) => {
  const output = execFileSync(path.join(ROOT, 'node_modules', '.bin', 'redocly'), ['lint', 'openapi.yaml', '--format', 'summary'], {
    cwd: ROOT, encoding: 'utf8', stdio: 'pipe', env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
  });
  t.notMatch(output, /warning|error/i, output);
});
