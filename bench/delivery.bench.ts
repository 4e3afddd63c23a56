import { type ChildProcess, execFileSync, fork, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { clockMs, sleep } from './delivery/clock.js';
import { type LoadJob, type LoadReport, eventBody } from './delivery/protocol.js';
import { type Receiver, startReceiver } from './delivery/receiver.js';
import { type Stack, type StackShape, cliPath, cpuMsOf, createTenant, createWebhook, postgresMissing, startStack } from './delivery/stack.js';
import { type BenchReport, type Comparison, progress } from './support.js';

// Publish-to-arrival through the whole service (its own processes) against the
// same POSTs sent straight to the receiver with http.request, from one load
// process. Every count and duration can be overridden for a quick check:
//   BENCH_BURST_EVENTS=3000 BENCH_CONNECTIONS=32 BENCH_RATES=500,1000 BENCH_RATE_SECONDS=5
//   BENCH_STORES=sqlite,postgres,postgres-2x2 BENCH_WARMUP=500 BENCH_STALL_MS=20000 BENCH_DRAIN_MS=120000
//   BENCH_FAIR=0 (skip) BENCH_FAIR_STORE=sqlite BENCH_FAIR_WEBHOOKS=5 BENCH_FAIR_CHANNELS=10 BENCH_FAIR_SLOW_MS=8000
//   BENCH_FAIR_EVENTS=2 BENCH_FAIR_RATE=20 BENCH_FAIR_SECONDS=10 BENCH_FAIR_ALONE_SECONDS=3
//   BENCH_POLL_MS=5 ('' = the service default) BENCH_LOG_LEVEL=info BENCH_CPU_PROF=<dir> (profiles every service process)
//   HOOKLEDGER_BENCH_CLI=<path to cli.js> (another build; skips building this tree) BENCH_BUILD=0 (use dist as it is)

const root = join(import.meta.dirname, '..');
const num = (name: string, fallback: number) => {
  const v = process.env[name];
  const n = v === undefined || v === '' ? fallback : Number(v);
  if (!Number.isFinite(n) || n < 0) throw new Error(`${name} must be a number ≥ 0, not ${v}`);
  return n;
};
const settings = () => ({
  burst: num('BENCH_BURST_EVENTS', 3000),
  connections: num('BENCH_CONNECTIONS', 32),
  rates: (process.env.BENCH_RATES || '500,1000')
    .split(',')
    .map(Number)
    .filter((r) => r > 0), // BENCH_RATES=0: none
  rateSeconds: num('BENCH_RATE_SECONDS', 5),
  warmup: num('BENCH_WARMUP', 500),
  stallMs: num('BENCH_STALL_MS', 20_000),
  drainMs: num('BENCH_DRAIN_MS', 120_000),
  stores: (process.env.BENCH_STORES || 'sqlite,postgres,postgres-2x2').split(',').filter((n) => n !== 'none'), // none: baselines only
  fair: {
    on: process.env.BENCH_FAIR !== '0',
    store: (process.env.BENCH_FAIR_STORE || 'sqlite') as 'sqlite' | 'postgres',
    webhooks: num('BENCH_FAIR_WEBHOOKS', 5),
    channels: num('BENCH_FAIR_CHANNELS', 10),
    slowMs: num('BENCH_FAIR_SLOW_MS', 8000),
    events: num('BENCH_FAIR_EVENTS', 2),
    rate: num('BENCH_FAIR_RATE', 20),
    seconds: num('BENCH_FAIR_SECONDS', 10),
    aloneSeconds: num('BENCH_FAIR_ALONE_SECONDS', 3),
  },
});
type Settings = ReturnType<typeof settings>;

const SHAPES: Record<string, { shape: StackShape; label: string }> = {
  sqlite: { shape: { name: 'sqlite', store: 'sqlite', apis: 1, workers: 0 }, label: 'SQLite, 1 process' },
  postgres: { shape: { name: 'postgres', store: 'postgres', apis: 1, workers: 0 }, label: 'PostgreSQL, 1 process' },
  'postgres-2x2': { shape: { name: 'postgres-2x2', store: 'postgres', apis: 2, workers: 2 }, label: 'PostgreSQL, 2 API + 2 worker processes' },
  // Not in the default run: shows the API's and the worker's costs apart (BENCH_STORES=sqlite-split, with BENCH_CPU_PROF).
  'sqlite-split': { shape: { name: 'sqlite-split', store: 'sqlite', apis: 1, workers: 1 }, label: 'SQLite, 1 API + 1 worker process' },
};
/** Aims of the delivery engine: burst ratio to the baseline, and p99 at 500 events/s. */
const AIMS = { sqlite: { ratio: 0.3, p99At500: 50 }, postgres: { ratio: 0.2, p99At500: 100 } } as const;

// ---------------------------------------------------------------- load process

type Load = { run: (job: Omit<LoadJob, 'id'>) => Promise<LoadReport>; close: () => void };

const startLoad = async (): Promise<Load> => {
  const child: ChildProcess = fork(join(import.meta.dirname, 'delivery', 'load.ts'), [], {
    execArgv: ['--import', 'tsx'],
    serialization: 'advanced',
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  await new Promise<void>((ready, fail) => {
    child.once('message', () => ready());
    child.once('exit', (code) => fail(new Error(`the load process exited (${code}) before it was ready`)));
  });
  child.removeAllListeners('exit');
  let nextId = 0;
  const waiting = new Map<number, { done: (r: LoadReport) => void; fail: (e: Error) => void }>();
  child.on('message', (r: LoadReport) => waiting.get(r.id)?.done(r));
  child.once('exit', (code) => {
    for (const w of waiting.values()) w.fail(new Error(`the load process exited (${code}) during a run`));
  });
  return {
    run: (job) =>
      new Promise((done, fail) => {
        const id = nextId++;
        waiting.set(id, {
          done: (r) => {
            waiting.delete(id);
            done(r);
          },
          fail,
        });
        child.send({ ...job, id });
      }),
    close: () => child.disconnect(),
  };
};

// ---------------------------------------------------------------- phases

interface Phase {
  readonly label: string;
  readonly sent: number;
  /** Accepted (2xx) but never arrived. */
  readonly missing: number;
  /** Refused or failed publishes. */
  readonly errors: number;
  /** Arrived events per second, from the first send to the last arrival. */
  readonly perSecond: number;
  /** Answered publishes per second, from the first send to the last answer. */
  readonly acceptedPerSecond: number;
  /** Arrival minus planned (rate) or issued (burst) send time, ms. */
  readonly p50: number;
  readonly p99: number;
  readonly p999: number;
  readonly answerP99: number;
  /** How late the load generator issued its requests (rate), p99 ms. */
  readonly lateP99: number;
  /** The service's processes' CPU time per arrived event, µs (NaN for the baselines). */
  readonly cpuUsPerEvent: number;
  readonly firstError?: string;
}
const failed = (p: Phase) => p.missing > 0 || p.errors > 0;

const ms = (n: number) => (Number.isNaN(n) ? '–' : n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(2));
const failNote = (p: Phase) => (failed(p) ? `FAILED: ${p.missing} missing, ${p.errors} refused${p.firstError ? ` (${p.firstError})` : ''}` : undefined);

const percentile = (sorted: readonly number[], p: number) =>
  sorted.length === 0 ? Number.NaN : sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
const sortedOf = (xs: Iterable<number>) => [...xs].filter(Number.isFinite).sort((a, b) => a - b);

/** Waits until every accepted event of `run` arrived, nothing arrived for `stallMs`, or `drainMs` passed. */
const awaitArrivals = async (receiver: Receiver, run: string, accepted: readonly number[], label: string, stallMs: number, drainMs: number) => {
  const deadline = Date.now() + drainMs;
  let seen = -1;
  let lastProgress = Date.now();
  for (;;) {
    const arrived = receiver.arrived(run);
    const count = accepted.filter((seq) => arrived.has(seq)).length;
    progress(label, count, accepted.length);
    if (count === accepted.length) return;
    if (count !== seen) {
      seen = count;
      lastProgress = Date.now();
    }
    if (Date.now() - lastProgress > stallMs || Date.now() > deadline) {
      process.stderr.write(`\n  ${label}: ${accepted.length - count} of ${accepted.length} events never arrived\n`);
      return;
    }
    await sleep(100);
  }
};

/** What a phase runs against; `cpuMs` reads the service's CPU time (absent for the baselines). */
type Ctx = { load: Load; receiver: Receiver; stallMs: number; drainMs: number; cpuMs?: () => number; cpuMsEach?: () => number[] };

const measure = async (ctx: Ctx, label: string, job: Omit<LoadJob, 'id'>): Promise<Phase> => {
  const cpuBefore = ctx.cpuMs?.() ?? Number.NaN;
  const eachBefore = ctx.cpuMsEach?.() ?? [];
  const report = await ctx.load.run(job);
  const accepted = report.status.flatMap((s, seq) => (s >= 200 && s < 300 ? [seq] : []));
  await awaitArrivals(ctx.receiver, job.run, accepted, label, ctx.stallMs, ctx.drainMs);
  const arrived = ctx.receiver.arrived(job.run);
  const cpuUsPerEvent = (((ctx.cpuMs?.() ?? Number.NaN) - cpuBefore) * 1000) / Math.max(1, arrived.size);
  const eachUs = (ctx.cpuMsEach?.() ?? []).map((after, i) => (((after - eachBefore[i]!) * 1000) / Math.max(1, arrived.size)).toFixed(0));
  const firstSend = Math.min(...report.sentAt.filter(Number.isFinite));
  const lastArrival = Math.max(...arrived.values());
  const lastAnswer = Math.max(...report.answeredAt.filter(Number.isFinite));
  const latencies = sortedOf(accepted.flatMap((seq) => (arrived.has(seq) ? [arrived.get(seq)! - report.sentAt[seq]!] : [])));
  const phase: Phase = {
    label,
    sent: job.total,
    missing: accepted.filter((seq) => !arrived.has(seq)).length,
    errors: job.total - accepted.length,
    perSecond: arrived.size / ((lastArrival - firstSend) / 1000),
    acceptedPerSecond: accepted.length / ((lastAnswer - firstSend) / 1000),
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    p999: percentile(latencies, 99.9),
    answerP99: percentile(sortedOf(report.answeredAt.map((a, seq) => a - report.sentAt[seq]!)), 99),
    lateP99: percentile(sortedOf(report.lateMs), 99),
    cpuUsPerEvent,
    ...(report.firstError === undefined ? {} : { firstError: report.firstError }),
  };
  process.stderr.write(
    `    ${phase.perSecond.toFixed(0)} arrived/s, ${phase.acceptedPerSecond.toFixed(0)} answered/s; send-to-arrival p50 ${ms(phase.p50)} p99 ${ms(phase.p99)} p99.9 ${ms(phase.p999)} ms; ` +
      `answer p99 ${ms(phase.answerP99)} ms; generator late p99 ${ms(phase.lateP99)} ms` +
      `${Number.isNaN(cpuUsPerEvent) ? '' : `; service CPU ${cpuUsPerEvent.toFixed(0)} µs/event${eachUs.length > 1 ? ` (${eachUs.join(' + ')})` : ''}`}${failed(phase) ? `; ${failNote(phase)}` : ''}\n`,
  );
  return phase;
};

/** The burst and each fixed rate against `targets` (the service, or the receiver itself for the baseline). */
const phases = async (ctx: Ctx, s: Settings, name: string, targets: readonly string[], headers: Record<string, string>, baseline = false) => {
  const common = { client: 'http' as const, targets, headers, concurrency: s.connections };
  // The baseline's sender and receiver speed up several-fold as V8 optimises them: warm them up with a whole burst.
  const warmup = baseline ? Math.max(s.warmup, 2 * s.burst) : s.warmup;
  if (warmup > 0) await measure(ctx, `${name}: warm-up, ${warmup} events`, { ...common, mode: 'burst', run: `${name}-warmup`, total: warmup });
  const repeatBurst = baseline ? 5 : 1;
  // A burst straight to the receiver lasts a fraction of a second, so one hiccup moves it a lot: the median of `bursts`.
  const bursts: Phase[] = [];
  for (let k = 1; k <= repeatBurst; k++) {
    bursts.push(
      await measure(ctx, `${name}: burst of ${s.burst}${repeatBurst > 1 ? ` (${k}/${repeatBurst})` : ''}`, {
        ...common,
        mode: 'burst',
        run: `${name}-burst${k}`,
        total: s.burst,
      }),
    );
  }
  const burst = [...bursts].sort((a, b) => a.perSecond - b.perSecond)[Math.floor(bursts.length / 2)]!;
  const rates: Phase[] = [];
  for (const rate of s.rates) {
    rates.push(
      await measure(ctx, `${name}: ${rate} events/s for ${s.rateSeconds} s`, {
        ...common,
        mode: 'rate',
        run: `${name}-rate${rate}`,
        rate,
        total: Math.round(rate * s.rateSeconds),
        startAt: clockMs() + 250,
      }),
    );
  }
  return { burst, rates, burstRange: [Math.min(...bursts.map((b) => b.perSecond)), Math.max(...bursts.map((b) => b.perSecond))] as const };
};
type Measured = Awaited<ReturnType<typeof phases>>;

const jsonHeaders = (key?: string): Record<string, string> => ({ 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) });

/** One organization, one webhook to the receiver, then the burst and the fixed rates. */
const measureStack = async (ctx: Parameters<typeof phases>[0], s: Settings, shape: StackShape): Promise<Measured> => {
  const stack = await startStack(shape);
  try {
    const key = createTenant(stack, 'bench');
    await createWebhook(stack.apiUrls[0]!, key, {
      webhook_name: 'bench',
      event_types: ['*'],
      channels: [{ channel: 'webhook', configs: { url: `${ctx.receiver.url}/hook` } }],
    });
    return await phases(
      { ...ctx, cpuMs: stack.cpuMs, cpuMsEach: stack.cpuMsEach },
      s,
      shape.name,
      stack.apiUrls.map((u) => `${u}/v1/events`),
      jsonHeaders(key),
    );
  } finally {
    await stack.stop();
  }
};

/**
 * The strongest baseline for a relay: bench/delivery/relay.ts answers 202 and forwards the body with
 * http.request (keep-alive), storing and checking nothing. What any Node process in the middle costs here.
 */
const measureRelay = async (ctx: Parameters<typeof phases>[0], s: Settings): Promise<Phase> => {
  const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'delivery', 'relay.ts')], {
    env: { ...process.env, RELAY_TARGET: `${ctx.receiver.url}/relay` },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout!.on('data', (chunk: Buffer) => {
        const m = /listening on (\S+)/.exec(chunk.toString());
        if (m) resolve(m[1]!);
      });
      child.once('exit', (code) => reject(new Error(`the relay exited (${code}) before it was ready`)));
    });
    const cpuMs = () => cpuMsOf(child.pid);
    const job = { client: 'http' as const, targets: [url], headers: jsonHeaders(), concurrency: s.connections, mode: 'burst' as const };
    await measure(ctx, `relay: warm-up, ${2 * s.burst} events`, { ...job, run: 'relay-warmup', total: 2 * s.burst });
    const bursts: Phase[] = [];
    for (let k = 1; k <= 3; k++)
      bursts.push(await measure({ ...ctx, cpuMs }, `relay: burst of ${s.burst} (${k}/3)`, { ...job, run: `relay-burst${k}`, total: s.burst }));
    return [...bursts].sort((a, b) => a.perSecond - b.perSecond)[1]!;
  } finally {
    child.kill('SIGKILL');
  }
};

interface Fairness {
  readonly store: string;
  readonly slowDeliveries: number;
  readonly alone: Phase;
  readonly withSlow: Phase;
  /** Requests P's slow endpoints had received when Q's last event arrived. */
  readonly slowReached: number;
}

/**
 * Organization P: webhooks × channels to endpoints that answer after slowMs, and
 * a couple of events; organization Q then publishes at a modest rate to a fast
 * receiver. Q's publish-to-arrival, alone first, then while P's endpoints hang.
 */
const measureFairness = async (ctx: Parameters<typeof phases>[0], s: Settings): Promise<Fairness> => {
  const f = s.fair;
  const stack: Stack = await startStack({ name: 'fairness', store: f.store, apis: 1, workers: 0 });
  try {
    const [p, q] = [createTenant(stack, 'slow-p'), createTenant(stack, 'fast-q')];
    const api = stack.apiUrls[0]!;
    for (let w = 0; w < f.webhooks; w++) {
      await createWebhook(api, p, {
        webhook_name: `slow ${w}`,
        event_types: ['*'],
        channels: Array.from({ length: f.channels }, (_, c) => ({ channel: 'webhook', configs: { url: `${ctx.receiver.url}/slow/w${w}/c${c}` } })),
      });
    }
    await createWebhook(api, q, { webhook_name: 'fast', event_types: ['*'], channels: [{ channel: 'webhook', configs: { url: `${ctx.receiver.url}/hook` } }] });
    const qJob = (run: string, seconds: number): Omit<LoadJob, 'id'> => ({
      mode: 'rate',
      client: 'http',
      targets: [`${api}/v1/events`],
      headers: jsonHeaders(q),
      concurrency: s.connections,
      run,
      rate: f.rate,
      total: Math.round(f.rate * seconds),
      startAt: clockMs() + 250,
    });
    const alone = await measure(ctx, `fairness: Q alone at ${f.rate}/s`, qJob('fair-q-alone', f.aloneSeconds));
    for (let i = 0; i < f.events; i++) {
      const res = await fetch(`${api}/v1/events`, { method: 'POST', headers: jsonHeaders(p), body: eventBody('fair-p', i) });
      if (res.status !== 202) throw new Error(`P's publish: ${res.status} ${await res.text()}`);
    }
    const slowBefore = ctx.receiver.counts.slow;
    // Q's events may legitimately wait behind P's for a while: no stall cut-off here, only the deadline.
    const withSlow = await measure({ ...ctx, stallMs: Number.POSITIVE_INFINITY }, `fairness: Q at ${f.rate}/s while P is slow`, qJob('fair-q', f.seconds));
    return {
      store: f.store,
      slowDeliveries: f.events * f.webhooks * f.channels,
      alone,
      withSlow,
      slowReached: ctx.receiver.counts.slow - slowBefore,
    };
  } finally {
    await stack.stop(1000);
  }
};

/** Share of the machine's CPU busy over `ms` (Linux /proc/stat), to flag runs on a machine that was not idle. */
const cpuBusy = async (ms = 1000): Promise<number | undefined> => {
  if (!existsSync('/proc/stat')) return undefined;
  const sample = () => {
    const [user, nice, system, idle, iowait, irq, softirq, steal] = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    return { busy: user! + nice! + system! + irq! + softirq! + steal!, all: user! + nice! + system! + idle! + iowait! + irq! + softirq! + steal! };
  };
  const a = sample();
  await sleep(ms);
  const b = sample();
  return (b.busy - a.busy) / Math.max(1, b.all - a.all);
};

// ---------------------------------------------------------------- report

const verdict = (met: boolean) => (met ? 'met' : '**missed**');

const compactTable = (
  s: Settings,
  base: Measured,
  fetchBurst: Phase,
  stacks: { label: string; aims: (typeof AIMS)[keyof typeof AIMS]; m: Measured }[],
  relay?: Phase,
) => {
  const rateCols = s.rates.map((r) => `${r}/s p50 / p99 / p99.9 ms`);
  const lines = [
    `| | burst deliveries/s | ratio (aim) | published/s | service CPU µs/event (burst) | ${rateCols.join(' | ')} | missing | load late p99 ms |`,
    `|---|---:|---:|---:|---:|${rateCols.map(() => '---:|').join('')}---:|---:|`,
  ];
  const rateCells = (m: Measured, aims?: (typeof AIMS)[keyof typeof AIMS]) =>
    m.rates.map((p, i) => {
      const aim = aims && s.rates[i] === 500 ? ` (p99 ≤ ${aims.p99At500}: ${verdict(p.p99 <= aims.p99At500)})` : '';
      return `${ms(p.p50)} / ${ms(p.p99)} / ${ms(p.p999)}${aim}`;
    });
  const missing = (m: Measured) => {
    const all = [m.burst, ...m.rates];
    const n = all.reduce((sum, p) => sum + p.missing + p.errors, 0);
    return n === 0 ? '0' : `**${n} (FAILED)**`;
  };
  // How late the load process sent at the fixed rates (it shares the 2 cores): latencies include it.
  const late = (m: Measured) => (m.rates.length === 0 ? '–' : ms(Math.max(...m.rates.map((p) => p.lateP99))));
  lines.push(
    `| baseline: http.request, keep-alive | ${base.burst.perSecond.toFixed(0)} | 1 | – | – | ${rateCells(base).join(' | ')} | ${missing(base)} | ${late(base)} |`,
  );
  lines.push(
    `| baseline: fetch | ${fetchBurst.perSecond.toFixed(0)} | ${(fetchBurst.perSecond / base.burst.perSecond).toFixed(2)} | – | – | ${s.rates.map(() => '–').join(' | ')} | ${fetchBurst.missing + fetchBurst.errors} | – |`,
  );
  if (relay)
    lines.push(
      `| relay: node:http in the middle, nothing stored | ${relay.perSecond.toFixed(0)} | ${(relay.perSecond / base.burst.perSecond).toFixed(2)} | ${relay.acceptedPerSecond.toFixed(0)} | ${relay.cpuUsPerEvent.toFixed(0)} | ${s.rates.map(() => '–').join(' | ')} | ${relay.missing + relay.errors} | – |`,
    );
  for (const { label, aims, m } of stacks) {
    const r = m.burst.perSecond / base.burst.perSecond;
    lines.push(
      `| ${label} | ${m.burst.perSecond.toFixed(0)} | ${r.toFixed(2)} (≥ ${aims.ratio}: ${verdict(r >= aims.ratio)}) | ${m.burst.acceptedPerSecond.toFixed(0)} | ${m.burst.cpuUsPerEvent.toFixed(0)} | ${rateCells(m, aims).join(' | ')} | ${missing(m)} | ${late(m)} |`,
    );
  }
  return lines.join('\n');
};

const fairnessLine = (f: Fairness, s: Settings) =>
  `Fairness (${f.store}): P has ${s.fair.webhooks} webhooks × ${s.fair.channels} channels answering after ${s.fair.slowMs / 1000} s and publishes ${s.fair.events} events ` +
  `(${f.slowDeliveries} slow deliveries; ${f.slowReached} reached P's endpoints while Q ran); Q at ${s.fair.rate} events/s for ${s.fair.seconds} s: ` +
  `p50 ${ms(f.withSlow.p50)} ms, p99 ${ms(f.withSlow.p99)} ms (Q alone: p50 ${ms(f.alone.p50)} ms, p99 ${ms(f.alone.p99)} ms); ` +
  `missing ${f.withSlow.missing + f.withSlow.errors}${failed(f.withSlow) ? ' — **FAILED**' : ''}.`;

const rowsFor = (label: string, aims: (typeof AIMS)[keyof typeof AIMS], s: Settings, m: Measured, base: Measured): Comparison[] => {
  const baselineName = 'http.request keep-alive, no queue';
  const rows: Comparison[] = [];
  const note = (p: Phase) => {
    const n = failNote(p);
    return n === undefined ? {} : { failed: n };
  };
  rows.push({
    name: `${label}: deliveries/s, burst of ${s.burst} events over ${s.connections} connections`,
    unit: 'msg/s',
    ours: m.burst.perSecond,
    baseline: base.burst.perSecond,
    baselineName,
    higherIsBetter: true,
    aim: aims.ratio,
    ...note(m.burst),
  });
  m.rates.forEach((p, i) => {
    const rate = s.rates[i]!;
    for (const [q, ours, theirs] of [
      ['p50', p.p50, base.rates[i]!.p50],
      ['p99', p.p99, base.rates[i]!.p99],
      ['p99.9', p.p999, base.rates[i]!.p999],
    ] as const) {
      rows.push({
        name: `${label}: publish-to-arrival at ${rate} events/s, ${q}`,
        unit: 'ms',
        ours,
        baseline: theirs,
        baselineName,
        higherIsBetter: false,
        ...(rate === 500 && q === 'p99' ? { limit: aims.p99At500 } : {}),
        ...note(p),
      });
    }
  });
  return rows;
};

/** `npm run bench -- delivery`: the table rows, and the compact table with the fairness line. */
export const deliveryPipeline = async (): Promise<BenchReport> => {
  const s = settings();
  if (!process.env.HOOKLEDGER_BENCH_CLI && process.env.BENCH_BUILD !== '0') {
    try {
      execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
    } catch {
      throw new Error(
        'the build failed: fix it, or bench another build with HOOKLEDGER_BENCH_CLI=<dir>/dist/src/main/cli.js (or BENCH_BUILD=0 for dist as it is)',
      );
    }
  }
  const busy = await cpuBusy();
  if (busy !== undefined && busy > 0.15) {
    process.stderr.write(`  WARNING: the machine was ${(100 * busy).toFixed(0)}% busy before the run; the figures will be noisy\n`);
  }
  const receiver = await startReceiver(s.fair.slowMs);
  const load = await startLoad();
  const ctx = { load, receiver, stallMs: s.stallMs, drainMs: s.drainMs };
  try {
    const base = await phases(ctx, s, 'baseline', [`${receiver.url}/direct`], jsonHeaders(), true);
    const fetchBurst = await measure(ctx, `baseline (fetch): burst of ${s.burst}`, {
      mode: 'burst',
      client: 'fetch',
      targets: [`${receiver.url}/direct`],
      headers: jsonHeaders(),
      concurrency: s.connections,
      run: 'baseline-fetch',
      total: s.burst,
    });
    const relay = process.env.BENCH_RELAY === '0' ? undefined : await measureRelay(ctx, s);
    const pgMissing =
      s.stores.some((n) => SHAPES[n]?.shape.store === 'postgres') || (s.fair.on && s.fair.store === 'postgres') ? await postgresMissing() : undefined;
    const stacks: { label: string; aims: (typeof AIMS)[keyof typeof AIMS]; m: Measured }[] = [];
    for (const name of s.stores) {
      const entry = SHAPES[name];
      if (!entry) throw new Error(`BENCH_STORES: unknown ${name}; choose from ${Object.keys(SHAPES).join(', ')}`);
      if (entry.shape.store === 'postgres' && pgMissing) {
        process.stderr.write(`  SKIPPED ${entry.label}: ${pgMissing}\n`);
        continue;
      }
      stacks.push({ label: entry.label, aims: AIMS[entry.shape.store], m: await measureStack(ctx, s, entry.shape) });
    }
    const fairness = s.fair.on && !(s.fair.store === 'postgres' && pgMissing) ? await measureFairness(ctx, s) : undefined;

    const rows: Comparison[] = [
      {
        name: `baseline client: fetch instead of http.request, burst of ${s.burst}`,
        unit: 'msg/s',
        ours: fetchBurst.perSecond,
        baseline: base.burst.perSecond,
        baselineName: 'http.request keep-alive',
        higherIsBetter: true,
      },
      ...(relay
        ? [
            {
              name: `relay in the middle (node:http answers 202, forwards with http.request; nothing stored), burst of ${s.burst}`,
              unit: 'msg/s',
              ours: relay.perSecond,
              baseline: base.burst.perSecond,
              baselineName: 'http.request keep-alive, no queue',
              higherIsBetter: true,
            } satisfies Comparison,
          ]
        : []),
      ...stacks.flatMap(({ label, aims, m }) => rowsFor(label, aims, s, m, base)),
      ...(fairness
        ? (['p50', 'p99'] as const).map((q): Comparison => ({
            name: `fairness (${fairness.store}): Q at ${s.fair.rate} events/s while P's ${fairness.slowDeliveries} deliveries take ${s.fair.slowMs / 1000} s, ${q}`,
            unit: 'ms',
            ours: q === 'p50' ? fairness.withSlow.p50 : fairness.withSlow.p99,
            baseline: q === 'p50' ? fairness.alone.p50 : fairness.alone.p99,
            baselineName: 'Q alone',
            higherIsBetter: false,
            ...(failed(fairness.withSlow) ? { failed: failNote(fairness.withSlow)! } : {}),
          }))
        : []),
    ];
    const all = [
      base.burst,
      ...base.rates,
      fetchBurst,
      ...(relay ? [relay] : []),
      ...stacks.flatMap(({ m }) => [m.burst, ...m.rates]),
      ...(fairness ? [fairness.alone, fairness.withSlow] : []),
    ];
    const details = [
      `Delivery: ${s.burst} events over ${s.connections} keep-alive connections as fast as accepted (until all arrived), then ${s.rates.join(' and ')} events/s for ${s.rateSeconds} s each ` +
        `(open loop; latency = arrival at the receiver − planned send time). Service: \`${relative(root, cliPath()).startsWith('..') ? cliPath() : relative(root, cliPath())}\`, LOG_LEVEL ${process.env.BENCH_LOG_LEVEL || 'info'}, ` +
        `HOOKLEDGER_WORKER_POLL_MS ${process.env.BENCH_POLL_MS ?? '5'}. ` +
        `Baseline burst: median of 5 after a warm-up of ${Math.max(s.warmup, 2 * s.burst)} events (range ${base.burstRange.map((r) => r.toFixed(0)).join('–')}/s). ` +
        `Duplicate arrivals: ${receiver.counts.duplicates}.` +
        (busy === undefined ? '' : ` CPU busy before the run: ${(100 * busy).toFixed(0)}%${busy > 0.15 ? ' (**not idle: noisy figures**)' : ''}.`),
      '',
      compactTable(s, base, fetchBurst, stacks, relay),
      ...(fairness ? ['', fairnessLine(fairness, s)] : []),
    ].join('\n');
    for (const p of all.filter(failed)) process.stderr.write(`  ${p.label}: ${failNote(p)}\n`);
    return { rows, details, failed: all.some(failed) };
  } finally {
    load.close();
    await receiver.close();
  }
};
