import { cpus } from 'node:os';

export interface Comparison {
  readonly name: string;
  readonly unit: string;
  readonly ours: number;
  readonly baseline: number;
  readonly baselineName: string;
  /** Higher is better for rates, lower for latencies. */
  readonly higherIsBetter: boolean;
  /** Aim for the ratio (at least). */
  readonly aim?: number;
  /** Aim for `ours` itself, in `unit`: at most (lower is better) or at least. */
  readonly limit?: number;
  /** Why the measurement does not count (e.g. events that never arrived). */
  readonly failed?: string;
}

/** What a benchmark may return beyond its rows: a section of its own in results.md, and whether a run failed. */
export interface BenchReport {
  readonly rows: readonly Comparison[];
  readonly details?: string;
  readonly failed?: boolean;
}

export const ratio = (c: Comparison): number => (c.higherIsBetter ? c.ours / c.baseline : c.baseline / c.ours);

/** Progress on stderr so results on stdout stay clean. */
export const progress = (label: string, done: number, total: number): void => {
  if (!process.stderr.isTTY && done !== total && done % Math.max(1, Math.floor(total / 10)) !== 0) return;
  const width = 30;
  const filled = Math.round((done / total) * width);
  process.stderr.write(`\r  ${label.padEnd(40)} [${'#'.repeat(filled)}${' '.repeat(width - filled)}] ${done}/${total}${done === total ? '\n' : ''}`);
};

export const timed = async (fn: () => Promise<void> | void): Promise<number> => {
  const start = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
};

export const machine = (): string => `${cpus().length} cores (${cpus()[0]?.model.trim() ?? 'unknown'}), Node ${process.version}`;

const fmt = (n: number): string => (n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(2));

export const table = (rows: readonly Comparison[]): string =>
  [
    '| benchmark | Hookledger | baseline | ratio |',
    '|---|---:|---:|---:|',
    ...rows.map((c) => {
      const r = ratio(c);
      if (!Number.isFinite(r) || r === 0) {
        // A 0 ms baseline (below the tool's resolution) leaves no meaningful ratio.
        return `| ${c.name} | ${fmt(c.ours)} ${c.unit}${c.failed === undefined ? '' : ` **${c.failed}**`} | ${fmt(c.baseline)} ${c.unit} (${c.baselineName}) | n/a |`;
      }
      const aim = c.aim === undefined ? '' : r >= c.aim ? ` (aim ≥ ${c.aim}: met)` : ` (aim ≥ ${c.aim}: **missed**)`;
      const met = c.limit === undefined ? true : c.higherIsBetter ? c.ours >= c.limit : c.ours <= c.limit;
      const limit = c.limit === undefined ? '' : ` (aim ${c.higherIsBetter ? '≥' : '≤'} ${c.limit} ${c.unit}: ${met ? 'met' : '**missed**'})`;
      const failed = c.failed === undefined ? '' : ` **${c.failed}**`;
      return `| ${c.name} | ${fmt(c.ours)} ${c.unit}${limit}${failed} | ${fmt(c.baseline)} ${c.unit} (${c.baselineName}) | ${r.toFixed(2)}${aim} |`;
    }),
  ].join('\n');
