import { hostname } from 'node:os';
import type { Logger } from 'pino';
import { type DeliveryDeps, attemptDelivery, claimDue, runsAlone } from '../application/index.js';
import { isPoisoned } from '../domain/index.js';
import type { ClaimedDelivery } from '../ports/delivery-queue.js';

export interface RunningWorker {
  readonly id: string;
  /** Finishes the attempts in flight, then stops. */
  stop(): Promise<void>;
}

/**
 * Keeps up to `concurrency` attempts in flight, claiming more as soon as one
 * finishes, so a slow receiver never holds back deliveries claimed after it.
 * When nothing is due it waits `pollMs` (or until an attempt frees a slot).
 *
 * Nothing a delivery does stops the loop: a failed attempt is logged (the lease
 * brings its job back), one still running when its lease ends gives up its
 * slot, and a job whose earlier claim ended with no outcome (it may be what
 * stopped a worker) runs with nothing else in flight, the rest of its batch
 * handed back, so no other job shares its fate or its count towards being set aside.
 */
export const startWorker = (
  deps: DeliveryDeps,
  logger: Logger,
  options: { pollMs: number; concurrency?: number; leaseMs?: number },
): RunningWorker => {
  const id = `${hostname()}:${process.pid}:${Math.random().toString(36).slice(2, 8)}`;
  const concurrency = options.concurrency ?? 20;
  const leaseMs = options.leaseMs ?? 60_000;
  const cycle = { workerId: id, leaseMs, batchSize: concurrency };
  // A log line that cannot be written (a hostile error object, a broken stream) must not stop deliveries.
  const log = (fields: Record<string, unknown>, message: string) => {
    try {
      logger.error({ worker: id, ...fields }, message);
    } catch {
      // nowhere left to say it
    }
  };
  const workerDeps: DeliveryDeps = {
    ...deps,
    report: deps.report ?? ((error, problem) => log({ err: error, ...problem }, `delivery ${problem.stage} failed`)),
  };
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

  /** Attempts one delivery in a slot that is freed when the attempt ends or its lease does, whichever comes first. */
  const start = (delivery: ClaimedDelivery): Promise<void> => {
    let timer: NodeJS.Timeout | undefined;
    const leaseOver = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        log({ deliveryId: delivery.deliveryId }, 'delivery attempt still running when its lease ended; its slot is freed and the lease brings the job back');
        resolve();
      }, leaseMs);
    });
    const attempted = attemptDelivery(workerDeps, id, delivery)
      // Only the store failing while recording gets here: the lease brings the delivery back; say so and go on.
      .catch((error: unknown) => log({ err: error, deliveryId: delivery.deliveryId }, 'delivery attempt failed'));
    const attempt: Promise<void> = Promise.race([attempted, leaseOver]).finally(() => {
      clearTimeout(timer);
      inFlight.delete(attempt);
      wake?.();
    });
    inFlight.add(attempt);
    return attempt;
  };

  /** Hands claimed jobs back unstarted (undoing their claims' counts); if that fails, their leases bring them back. */
  const giveBack = async (deliveries: readonly ClaimedDelivery[]) => {
    for (const d of deliveries) {
      await deps.queue.release(d.deliveryId, id).catch((error: unknown) => log({ err: error, deliveryId: d.deliveryId }, 'handing a delivery back failed'));
    }
  };

  // After a job that runs alone, claim one at a time while more such jobs come (they are the oldest due), so few are handed back.
  let isolating = false;
  const loop = (async () => {
    while (!stopping) {
      try {
        const free = concurrency - inFlight.size;
        const claimed: readonly ClaimedDelivery[] = free > 0 ? await claimDue(workerDeps, cycle, isolating ? 1 : free) : [];
        const suspect = claimed.find((d) => runsAlone(workerDeps, d));
        isolating = suspect !== undefined;
        if (suspect === undefined) {
          for (const delivery of claimed) start(delivery);
        } else {
          // Jobs set aside as poisoned are not sent, so they need no isolation.
          const setAside = (d: ClaimedDelivery) => isPoisoned(d.claimsWithoutOutcome, workerDeps.poisonAfter);
          const alone = inFlight.size === 0 ? suspect : undefined;
          await giveBack(claimed.filter((d) => d !== alone && !setAside(d)));
          for (const delivery of claimed.filter(setAside)) start(delivery);
          await Promise.all(inFlight);
          // With attempts in flight it was handed back too; claimed again once they are done, it runs alone.
          if (alone) await start(alone);
        }
        if (claimed.length === 0) await pause(options.pollMs);
      } catch (error) {
        // The store may be briefly unavailable; keep going rather than die with work pending.
        log({ err: error }, 'claiming deliveries failed; retrying');
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
