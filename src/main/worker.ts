import { hostname } from 'node:os';
import type { Logger } from 'pino';
import { type DeliveryDeps, attemptDelivery, claimDue, runsAlone } from '../application/index.js';
import { DEFAULT_ENDPOINT_CONCURRENCY, WORKER_CEILING, isPoisoned } from '../domain/index.js';
import type { ClaimedDelivery } from '../ports/delivery-queue.js';
import { type RetentionLoopOptions, startRetentionLoop } from './retention-loop.js';

/** Longest a due job waits for the worker's next claim while attempts are in flight (fewer, larger claims). */
const CLAIM_WINDOW_MS = 2;

export interface RunningWorker {
  readonly id: string;
  /** Finishes the attempts in flight, then stops. */
  stop(): Promise<void>;
}

/**
 * Keeps up to `concurrency` attempts in flight, claiming more as soon as one
 * finishes, so a slow receiver never holds back deliveries claimed after it.
 * When nothing is due it waits `pollMs` (or until an attempt frees a slot).
 * The claim shares the slots fairly (ADR 0014): round-robin between organizations,
 * each holding at most its share while others have work, at most
 * `endpointConcurrency` per endpoint; an organization that took every slot while
 * alone cannot keep the next one waiting (up to twice `concurrency` in flight).
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
  options: { pollMs: number; concurrency?: number; leaseMs?: number; endpointConcurrency?: number; retention?: RetentionLoopOptions | undefined },
): RunningWorker => {
  const id = `${hostname()}:${process.pid}:${Math.random().toString(36).slice(2, 8)}`;
  const concurrency = options.concurrency ?? 20;
  const leaseMs = options.leaseMs ?? 60_000;
  // The slots are shared between organizations by the claim (ADR 0014). Slots an organization took while it had
  // the worker to itself do not keep the next one waiting: up to the ceiling, the claim decides who may start more.
  const fairness = { slots: concurrency, endpointConcurrency: options.endpointConcurrency ?? DEFAULT_ENDPOINT_CONCURRENCY };
  const ceiling = concurrency * WORKER_CEILING;
  const cycle = { workerId: id, leaseMs, batchSize: concurrency, fairness };
  // With attempts in flight, claim once several have finished or a short window has passed, not after every finish
  // and every publish: each claim is a query costing as much as many attempts (ADR 0013). An idle worker claims at once.
  const claimAfter = Math.max(1, Math.floor(concurrency / 2));
  let finishedSinceClaim = 0;
  let lastClaimAt = Number.NEGATIVE_INFINITY;
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
  // A wake-up that came while the loop was busy (claiming): its next pause returns at once, so it is never lost.
  let woken = false;
  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      if (woken) {
        woken = false;
        resolve();
        return;
      }
      const timer = setTimeout(() => {
        wake = undefined;
        resolve();
      }, ms);
      wake = () => {
        wake = undefined;
        clearTimeout(timer);
        resolve();
      };
    });
  /** A slot was freed or jobs became due: claim now rather than at the next poll. */
  const nudge = () => {
    if (wake) wake();
    else woken = true;
  };
  // New jobs wake the loop at once: published in this process, or (PostgreSQL) in any other.
  const stopListening = deps.queue.onEnqueued(nudge);

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
      finishedSinceClaim += 1;
      nudge();
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
        const free = ceiling - inFlight.size;
        const waited = performance.now() - lastClaimAt;
        if (free > 0 && inFlight.size > 0 && finishedSinceClaim < claimAfter && waited < CLAIM_WINDOW_MS) {
          await pause(CLAIM_WINDOW_MS - waited);
          continue;
        }
        woken = false; // this claim sees what was committed before it
        finishedSinceClaim = 0;
        lastClaimAt = performance.now();
        const claimed: readonly ClaimedDelivery[] = free > 0 ? await claimDue(workerDeps, cycle, isolating ? 1 : free) : [];
        const suspect = claimed.find((d) => runsAlone(workerDeps, d));
        isolating = suspect !== undefined;
        if (suspect === undefined) {
          // start() never rejects (it records or logs every failure itself); its promise is tracked in inFlight.
          for (const delivery of claimed) void start(delivery);
        } else {
          // Jobs set aside as poisoned are not sent, so they need no isolation.
          const setAside = (d: ClaimedDelivery) => isPoisoned(d.claimsWithoutOutcome, workerDeps.poisonAfter);
          const alone = inFlight.size === 0 ? suspect : undefined;
          await giveBack(claimed.filter((d) => d !== alone && !setAside(d)));
          for (const delivery of claimed.filter(setAside)) void start(delivery);
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
    stopListening();
  })();
  const retention = options.retention && startRetentionLoop(options.retention, logger); // ADR 0019
  logger.info({ worker: id, concurrency, endpointConcurrency: fairness.endpointConcurrency }, 'delivery worker started');
  return {
    id,
    stop: async () => {
      stopping = true;
      nudge();
      await Promise.all([loop, retention?.stop()]);
    },
  };
};
