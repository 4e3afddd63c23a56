import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { commandThroughput, rehydration } from './domain-sqlite.bench.js';
import { httpApi } from './http-api.bench.js';
import { type Comparison, machine, table } from './support.js';

// Every benchmark of the project, each beside its baseline from the same run.
const results: Comparison[] = [];
process.stderr.write(`Hookledger benchmarks on ${machine()}\n`);
results.push(await commandThroughput());
results.push(await rehydration());
results.push(...(await httpApi()));

const report = `# Benchmark results\n\nMachine: ${machine()}. Date: ${new Date().toISOString()}.\n\n${table(results)}\n`;
writeFileSync(join(import.meta.dirname, 'results.md'), report);
process.stdout.write(`${report}\n`);
