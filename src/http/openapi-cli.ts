// `npm run openapi [-- --check]`: writes openapi.yaml from the route schemas, or fails when the committed file differs.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildApp } from '../app.ts';
import { loadConfig } from '../config.ts';

export async function renderOpenApi(): Promise<string> {
  // The pool connects lazily, so building the app to read its routes needs no database.
  const config = loadConfig({ NODE_ENV: 'test', JWT_SECRET: 'openapi-render-openapi-render-openapi', DATABASE_URL: 'postgres://localhost:1/none' });
  const app = await buildApp(config);
  await app.ready();
  const yaml = app.swagger({ yaml: true });
  await app.close();
  return `# Generated from the route schemas by \`npm run openapi\`; do not edit by hand.\n${yaml}`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const file = fileURLToPath(new URL('../../openapi.yaml', import.meta.url));
  const rendered = await renderOpenApi();
  if (process.argv.includes('--check')) {
    const committed = readFileSync(file, 'utf8');
    if (committed !== rendered) {
      process.stderr.write('openapi.yaml is out of date: run `npm run openapi`\n');
      process.exit(1);
    }
  } else {
    writeFileSync(file, rendered);
  }
}
