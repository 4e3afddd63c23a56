import { hostname } from 'node:os';
import type { Logger } from 'pino';
import { type DeliveryDeps, runDeliveryCycle } from '../application/index.js';

export interface RunningWorker {
  readonly id: string;
  /** Finishes the attempts in flight, then stops. */
  stop(): Promise<void>;
}

/** Polls the queue until stopped: a full batch is followed at once by the next, an empty one waits `pollMs`. */
export const startWorker = (deps: DeliveryDeps, logger: Logger, options: { pollMs: number; batchSize?: number; leaseMs?: number }): RunningWorker => {
  const id = `${hostname()}:${process.pid}:${Math.random().toString(36).slice(2, 8)}`;
  let stopping = false;
  let wake: (() => void) | undefined;
  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  const loop = (async () => {
    while (!stopping) {
      try {
        const attempted = await runDeliveryCycle(deps, { workerId: id, leaseMs: options.leaseMs ?? 60_000, batchSize: options.batchSize ?? 20 });
        if (attempted === 0) await pause(options.pollMs);
      } catch (error) {
        // The store may be briefly unavailable; keep going rather than die with work pending.
        logger.error({ err: error, worker: id }, 'delivery cycle failed; retrying');
        await pause(1000);
      }
    }
  })();
  logger.info({ worker: id }, 'delivery worker started');
  return {
    id,
    stop: async () => {
      stopping = true;
      wake?.();
      await loop;
    },
  };
};
