import { hostname } from 'node:os';
import type { Logger } from 'pino';
import { type DeliveryDeps, attemptDelivery, claimDue } from '../application/index.js';

export interface RunningWorker {
  readonly id: string;
  /** Finishes the attempts in flight, then stops. */
  stop(): Promise<void>;
}

/**
 * Keeps up to `concurrency` attempts in flight, claiming more as soon as one
 * finishes, so a slow receiver never holds back deliveries claimed after it.
 * When nothing is due it waits `pollMs` (or until an attempt frees a slot).
 */
export const startWorker = (
  deps: DeliveryDeps,
  logger: Logger,
  options: { pollMs: number; concurrency?: number; leaseMs?: number },
): RunningWorker => {
  const id = `${hostname()}:${process.pid}:${Math.random().toString(36).slice(2, 8)}`;
  const concurrency = options.concurrency ?? 20;
  const cycle = { workerId: id, leaseMs: options.leaseMs ?? 60_000, batchSize: concurrency };
  const inFlight = new Set<Promise<void>>();
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
        const free = concurrency - inFlight.size;
        const claimed = free > 0 ? await claimDue(deps, cycle, free) : [];
        for (const delivery of claimed) {
          const attempt: Promise<void> = attemptDelivery(deps, id, delivery)
            // The lease brings the delivery back if recording failed; say so and go on.
            .catch((error: unknown) => logger.error({ err: error, worker: id, deliveryId: delivery.deliveryId }, 'delivery attempt failed'))
            .finally(() => {
              inFlight.delete(attempt);
              wake?.();
            });
          inFlight.add(attempt);
        }
        if (claimed.length === 0) await pause(options.pollMs);
      } catch (error) {
        // The store may be briefly unavailable; keep going rather than die with work pending.
        logger.error({ err: error, worker: id }, 'claiming deliveries failed; retrying');
        await pause(1000);
      }
    }
    await Promise.all(inFlight);
  })();
  logger.info({ worker: id, concurrency }, 'delivery worker started');
  return {
    id,
    stop: async () => {
      stopping = true;
      wake?.();
      await loop;
    },
  };
};
