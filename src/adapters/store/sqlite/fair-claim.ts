import type { ClaimOptions } from '../../../ports/delivery-queue.js';
import { claimPolicy } from '../../shared/fair-claim.js';

/**
 * The domain's `pickFairly` (ADR 0014) as one SQLite query; the delivery-queue contract test
 * compares the two. Parameters: @now, @worker, @limit, @slots, @endpointLimit (no policy: both
 * larger than any claim), @perEndpoint = min(@endpointLimit, @limit); the integers are cast, as
 * better-sqlite3 may bind a JS number as REAL (and 5 / 2 must be 2).
 *
 * Its cost follows the endpoints with due jobs, not the jobs: it steps from each due endpoint's
 * oldest job to the next endpoint's with one seek of `deliveries_endpoint_due` (jobs not yet due
 * are stepped over), keeps per organization only the `@limit` endpoints whose oldest job is
 * oldest (no other could be taken), and reads those endpoints' few oldest jobs. The indexes are
 * named and joins ordered (CROSS JOIN) because the planner has no statistics here (no ANALYZE),
 * and without them it would rather scan.
 */
export const FAIR_CLAIM_SQL = `
WITH RECURSIVE
head_ids(id) AS (
  SELECT (SELECT delivery_id FROM deliveries INDEXED BY deliveries_endpoint_due
          WHERE status = 'scheduled' AND next_attempt_at <= @now ORDER BY endpoint, next_attempt_at, delivery_id LIMIT 1)
  UNION ALL
  SELECT (SELECT d.delivery_id FROM deliveries d INDEXED BY deliveries_endpoint_due
          WHERE d.status = 'scheduled' AND d.next_attempt_at <= @now AND d.endpoint > (SELECT endpoint FROM deliveries WHERE delivery_id = h.id)
          ORDER BY d.endpoint, d.next_attempt_at, d.delivery_id LIMIT 1)
  FROM head_ids h WHERE h.id IS NOT NULL),
-- Leased jobs whose worker's lease ran out (few): due again, in their place (a lease keeps the due time).
stale AS MATERIALIZED (
  SELECT delivery_id, organization_id, endpoint, coalesce(next_attempt_at, lease_until) AS due_at, channel FROM deliveries WHERE status = 'leased' AND lease_until <= @now),
live AS MATERIALIZED (
  SELECT endpoint, organization_id, leased_by FROM deliveries WHERE status = 'leased' AND lease_until > @now),
busy AS MATERIALIZED (
  SELECT endpoint, count(*) AS n FROM live GROUP BY endpoint),
scheduled_heads AS MATERIALIZED (
  SELECT d.delivery_id, d.organization_id, d.endpoint, d.next_attempt_at AS due_at, d.channel
  FROM head_ids h CROSS JOIN deliveries d ON d.delivery_id = h.id),
-- An endpoint's oldest due job: its scheduled head, unless one of its stale jobs comes first.
firsts AS (
  SELECT * FROM scheduled_heads h
  WHERE NOT EXISTS (SELECT 1 FROM stale s WHERE s.endpoint = h.endpoint AND (s.due_at, s.delivery_id) < (h.due_at, h.delivery_id))
  UNION ALL
  SELECT * FROM stale s
  WHERE NOT EXISTS (SELECT 1 FROM stale o WHERE o.endpoint = s.endpoint AND (o.due_at, o.delivery_id) < (s.due_at, s.delivery_id))
    AND NOT EXISTS (SELECT 1 FROM scheduled_heads h WHERE h.endpoint = s.endpoint AND (h.due_at, h.delivery_id) < (s.due_at, s.delivery_id))),
heads AS MATERIALIZED (
  SELECT f.delivery_id, f.organization_id, f.endpoint, f.due_at, json_extract(f.channel, '$.configs.rate_limit') AS rate_value,
         coalesce(b.n, 0) AS busy, p.paced_until
  FROM firsts f LEFT JOIN busy b ON b.endpoint = f.endpoint LEFT JOIN delivery_endpoints p ON p.endpoint = f.endpoint),
rated AS (
  SELECT *, max(coalesce(paced_until, @now), @now) AS start, (max(1, CAST(rate AS INTEGER)) - 1) * (1000.0 / rate) AS tolerance
  FROM (SELECT *, CASE WHEN typeof(rate_value) IN ('integer', 'real') AND rate_value > 0 THEN rate_value END AS rate FROM heads)),
allowed AS (
  SELECT *, max(0, min(CAST(@endpointLimit AS INTEGER) - busy,
    CASE WHEN rate IS NULL THEN CAST(@limit AS INTEGER)
         WHEN ((@now + tolerance) - start) < 0 THEN 0
         ELSE CAST(((@now + tolerance) - start) / (1000.0 / rate) AS INTEGER) + 1 END)) AS allowance
  FROM rated),
ranked_endpoints AS MATERIALIZED (
  SELECT *, row_number() OVER (PARTITION BY organization_id ORDER BY due_at, delivery_id) AS place FROM allowed WHERE allowance > 0),
-- An organization's share of the slots: an equal part among those offering work, at least one.
share AS (
  SELECT (CAST(@slots AS INTEGER) + n - 1) / n AS s FROM (SELECT max(1, count(*)) AS n FROM ranked_endpoints WHERE place = 1)),
mine AS MATERIALIZED (
  SELECT organization_id, count(*) AS n FROM live WHERE leased_by = @worker GROUP BY organization_id),
-- Each row carries what is decided on it (its endpoint's allowance and pacing, its organization's share
-- and slots held here, the worker's free slots): joining back, or subqueries in the last steps, cost more.
kept AS MATERIALIZED (
  SELECT r.endpoint, r.allowance, r.rate, r.paced_until, p.s AS share,
         coalesce((SELECT n FROM mine m WHERE m.organization_id = r.organization_id), 0) AS held,
         max(0, min(CAST(@limit AS INTEGER), CAST(@slots AS INTEGER) - (SELECT coalesce(sum(min(m.n, p.s)), 0) FROM mine m))) AS free
  FROM ranked_endpoints r CROSS JOIN (SELECT s FROM share) p WHERE r.place <= CAST(@limit AS INTEGER)),
candidates AS (
  SELECT x.delivery_id, x.organization_id, x.endpoint, x.next_attempt_at AS due_at, k.allowance, k.rate, k.paced_until, k.share, k.held, k.free
  FROM kept k CROSS JOIN deliveries x ON x.delivery_id IN (
    SELECT y.delivery_id FROM deliveries y INDEXED BY deliveries_endpoint_due
    WHERE y.status = 'scheduled' AND y.endpoint = k.endpoint AND y.next_attempt_at <= @now
    ORDER BY y.next_attempt_at, y.delivery_id LIMIT CAST(@perEndpoint AS INTEGER))
  UNION ALL
  SELECT s.delivery_id, s.organization_id, s.endpoint, s.due_at, k.allowance, k.rate, k.paced_until, k.share, k.held, k.free FROM stale s CROSS JOIN kept k ON k.endpoint = s.endpoint),
offered AS (
  SELECT c.*, row_number() OVER (PARTITION BY c.organization_id ORDER BY c.due_at, c.delivery_id) AS round
  FROM (SELECT *, row_number() OVER (PARTITION BY endpoint ORDER BY due_at, delivery_id) AS n FROM candidates) c
  WHERE c.n <= c.allowance),
picked AS (
  SELECT delivery_id, rate, paced_until, free, row_number() OVER (ORDER BY round, due_at, delivery_id) AS ord
  FROM offered WHERE round <= share - held)
SELECT d.delivery_id, d.message_id, d.organization_id, d.webhook_id, d.webhook_name, d.channel_index, d.channel, d.attempts, d.claims,
       coalesce(d.channel_id, 'ch_' || (d.channel_index + 1)) AS channel_id, d.endpoint, p.rate, p.paced_until,
       m.event_type, m.data, m.accepted_at
FROM picked p CROSS JOIN deliveries d ON d.delivery_id = p.delivery_id CROSS JOIN messages m ON m.message_id = d.message_id
WHERE p.ord <= p.free
ORDER BY p.ord`;

/** Past pacing says nothing (pacing starts from now): such rows are deleted as new ones are written. */
export const PACE_SQL = {
  upsert: 'INSERT INTO delivery_endpoints (endpoint, paced_until) VALUES (?, ?) ON CONFLICT (endpoint) DO UPDATE SET paced_until = excluded.paced_until',
  prune: 'DELETE FROM delivery_endpoints WHERE paced_until < ?',
} as const;

/** The query's parameters for a claim. */
export const fairClaimParams = (o: ClaimOptions) => {
  const p = claimPolicy(o);
  return { now: o.now, worker: o.workerId, limit: o.limit, slots: p.slots, endpointLimit: p.endpointLimit, perEndpoint: p.perEndpoint };
};
