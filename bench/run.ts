import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deliveryPipeline } from './delivery.bench.js';
import { commandThroughput, rehydration, replay } from './domain-sqlite.bench.js';
import { httpApi } from './http-api.bench.js';
import { postgresAppends, postgresAvailable, postgresQueue } from './postgres.bench.js';
import { type Comparison, machine, table } from './support.js';

// Every benchmark of the project, each beside its baseline from the same run.
// `npm run bench -- http delivery` runs only those (and does not rewrite results.md).
const benchmarks: Record<string, () => Promise<Comparison[]>> = {
  commands: async () => [await commandThroughput()],
  rehydrate: async () => [await rehydration()],
  replay: async () => [await replay()],
  http: httpApi,
  delivery: deliveryPipeline,
  postgres: async () => {
    const missing = await postgresAvailable();
    if (missing) {
      process.stderr.write(`  SKIPPED the PostgreSQL benchmarks: ${missing}\n`);
      return [];
    }
    return [await postgresAppends(), ...(await postgresQueue())];
  },
};
const only = process.argv.slice(2);
const unknown = only.filter((name) => !(name in benchmarks));
if (unknown.length > 0) {
  process.stderr.write(`unknown benchmark ${unknown.join(', ')}; choose from ${Object.keys(benchmarks).join(', ')}\n`);
  process.exit(2);
}

process.stderr.write(`Hookledger benchmarks on ${machine()}\n`);
const results: Comparison[] = [];
for (const [name, run] of Object.entries(benchmarks)) {
  if (only.length === 0 || only.includes(name)) results.push(...(await run()));
}
const report = `# Benchmark results\n\nMachine: ${machine()}. Date: ${new Date().toISOString()}.\n\n${table(results)}\n`;
if (only.length === 0) writeFileSync(join(import.meta.dirname, 'results.md'), report);
process.stdout.write(`${report}\n`);
