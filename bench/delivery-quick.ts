import { deliveryPipeline } from './delivery.bench.js';

// The delivery bench without touching results.md, for quick checks while working on the engine.
// BENCH_CLIS=a/cli.js,b/cli.js runs it once per build, BENCH_ROUNDS times in turn (A/B on a shared machine):
//   BENCH_BUILD=0 BENCH_RATES=0 BENCH_FAIR=0 BENCH_STORES=sqlite BENCH_CLIS=old/dist/src/main/cli.js,dist/src/main/cli.js npx tsx bench/delivery-quick.ts
const clis = (process.env.BENCH_CLIS ?? '').split(',').filter((c) => c !== '');
const rounds = Number(process.env.BENCH_ROUNDS ?? 1);
for (let round = 1; round <= rounds; round++) {
  for (const cli of clis.length > 0 ? clis : [undefined]) {
    if (cli !== undefined) process.env.HOOKLEDGER_BENCH_CLI = cli;
    const report = await deliveryPipeline();
    process.stdout.write(`\n## round ${round}, ${cli ?? 'this build'}\n${report.details ?? ''}\n`);
  }
}
