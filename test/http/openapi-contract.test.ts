// The contract: every REST route the app registers is in openapi.yaml, and every operation in openapi.yaml is served.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { parse } from 'yaml';
import { buildApp } from '../../src/app.ts';
import { testConfig } from '../helpers/app.ts';
import { ROOT } from '../helpers/process.ts';

t.test('routes and openapi.yaml agree', async (t) => {
  const registered = new Set<string>();
  const app = await buildApp(testConfig('postgres://localhost:1/none'), {
    onRoute: (route) => {
      if (!route.url.startsWith('/v1')) return;
      for (const method of [route.method].flat()) {
        if (method !== 'HEAD') registered.add(`${method} ${route.url.replace(/:(\w+)/g, '{$1}')}`);
      }
    },
  });
  await app.ready();
  t.teardown(() => app.close());
  const document = parse(readFileSync(path.join(ROOT, 'openapi.yaml'), 'utf8')) as { paths: Record<string, Record<string, unknown>> };
  const documented = new Set<string>();
  for (const [p, operations] of Object.entries(document.paths)) {
    for (const method of Object.keys(operations)) documented.add(`${method.toUpperCase()} ${p}`);
  }
  t.ok(registered.size > 0);
  t.same([...registered].filter((r) => !documented.has(r)), [], 'every registered /v1 route is documented');
  t.same([...documented].filter((d) => !registered.has(d)), [], 'every documented operation is served');
});
