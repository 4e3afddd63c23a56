/**
 * A channel's `rate_limit` (deliveries per second), paced with GCRA, the virtual-scheduling form
 * of a token bucket: an endpoint idle long enough may take a burst of `max(1, ⌊rate⌋)` (one
 * second's worth), after which one delivery per `1000 / rate` ms. The whole state is one number
 * per endpoint, `pacedUntil` (the theoretical arrival time of its next delivery), so a store can
 * keep it beside the queue and every worker process paces the same endpoint together.
 */

/** The highest `rate_limit` a channel may set (deliveries per second). */
export const MAX_RATE_LIMIT = 10_000;

/** Milliseconds between deliveries at `rate` per second. */
export const emissionInterval = (rate: number): number => 1000 / rate;

/** How far ahead of now `pacedUntil` may run while deliveries still go: the burst less one interval. */
const tolerance = (rate: number): number => (Math.max(1, Math.floor(rate)) - 1) * emissionInterval(rate);

/** Where pacing starts from now: the endpoint's `pacedUntil`, or now when that is past (an idle endpoint earns no more than its burst). */
export const paceStart = (pacedUntil: number | undefined, now: number): number => Math.max(pacedUntil ?? now, now);

/**
 * How many deliveries an endpoint paced at `rate` per second may start at `now`, given its
 * `pacedUntil` (undefined if never paced). 0 means its jobs wait, unsent and kept.
 */
export const rateAllowance = (rate: number, pacedUntil: number | undefined, now: number): number => {
  const start = paceStart(pacedUntil, now);
  const room = now + tolerance(rate) - start;
  return room < 0 ? 0 : Math.floor(room / emissionInterval(rate)) + 1;
};

/** The endpoint's `pacedUntil` after `started` deliveries at `now` (as many as `rateAllowance` allowed, or fewer). */
export const pacedAfter = (rate: number, pacedUntil: number | undefined, now: number, started: number): number =>
  paceStart(pacedUntil, now) + started * emissionInterval(rate);
