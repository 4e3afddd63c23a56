import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deliveryPipeline } from './delivery.bench.js';
import { commandThroughput, rehydration, replay } from './domain-sqlite.bench.js';
import { httpApi } from './http-api.bench.js';
import { postgresAppends, postgresAvailable, postgresQueue } from './postgres.bench.js';
import { type BenchReport, type Comparison, machine, table } from './support.js';

// Every benchmark of the project, each beside its baseline from the same run.
// `npm run bench -- http delivery` runs only those, and rewrites only their sections of results.md.
const benchmarks: Record<string, () => Promise<Comparison[] | BenchReport>> = {
  // A first, smaller run warms the JIT for both sides (the baseline's loop is warm after a few hundred rows, ours later).
  commands: async () => {
    await commandThroughput(500);
    return [await commandThroughput()];
  },
  rehydrate: async () => [await rehydration()],
  replay,
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
const section = (name: string, report: BenchReport) =>
  [
    `<!-- bench:${name} -->`,
    `## ${name}`,
    '',
    `Machine: ${machine()}. Date: ${new Date().toISOString()}.`,
    ...(report.rows.length > 0 ? ['', table(report.rows)] : []),
    ...(report.details ? ['', report.details] : []),
    `<!-- /bench:${name} -->`,
  ].join('\n');
const fresh = new Map<string, string>();
let failed = false;
for (const [name, run] of Object.entries(benchmarks)) {
  if (only.length > 0 && !only.includes(name)) continue;
  const result = await run();
  const report: BenchReport = Array.isArray(result) ? { rows: result } : result;
  failed ||= report.failed === true;
  // A benchmark that measured nothing (e.g. no PostgreSQL here) keeps its earlier section.
  if (report.rows.length > 0 || report.details) fresh.set(name, section(name, report));
}

// results.md keeps one section per benchmark, each from the latest run of that benchmark.
const file = join(import.meta.dirname, 'results.md');
const earlier = new Map<string, string>();
if (existsSync(file)) {
  for (const m of readFileSync(file, 'utf8').matchAll(/<!-- bench:([\w-]+) -->[\s\S]*?<!-- \/bench:\1 -->/g)) earlier.set(m[1]!, m[0]);
}
const sections = Object.keys(benchmarks).flatMap((name) => fresh.get(name) ?? earlier.get(name) ?? []);
writeFileSync(
  file,
  `# Benchmark results\n\nEach section comes from the latest run of that benchmark (\`npm run bench\` runs all, \`npm run bench -- delivery\` one).\n\n${sections.join('\n\n')}\n`,
);
process.stdout.write(`${[...fresh.values()].join('\n\n')}\n`);
if (failed) {
  process.stderr.write('FAILED: some events never arrived or were refused (see above)\n');
  process.exitCode = 1;
}
