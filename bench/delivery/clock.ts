/**
 * Milliseconds on the machine's monotonic clock (CLOCK_MONOTONIC through libuv),
 * which every process on the machine shares: a time taken in the load process
 * (planned send) and one taken in the receiver (arrival) compare directly.
 * (Calibrating performance.now() against Date.now() per process was off by up to
 * 0.3 ms between processes, enough to make the baseline's p50 negative.)
 */
export const clockMs = (): number => Number(process.hrtime.bigint()) / 1e6;

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
