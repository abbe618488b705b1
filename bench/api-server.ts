// The real app for the API benchmark, in its own process: buildApp on the bench database with production settings.
// Usage (run by bench/api.ts): BENCH_DATABASE_URL=… PORT=… node --import tsx bench/api-server.ts
import { buildApp } from '../src/app.ts';
import { benchConfig } from './api-workloads.ts';

const config = benchConfig(process.env.BENCH_DATABASE_URL!, Number(process.env.PORT));
const app = await buildApp(config);
await app.listen({ host: '127.0.0.1', port: config.port });
process.stdout.write(`listening on ${config.port}\n`);
// A clean exit lets --cpu-prof write its profile.
process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
