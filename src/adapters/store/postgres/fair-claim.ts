import type { ClaimOptions } from '../../../ports/delivery-queue.js';
import { claimPolicy } from '../../shared/storage/fair-claim.js';

/**
 * Claims run one at a time across every process (a transaction-scoped advisory lock): the
 * per-endpoint limit and rate-limit pacing are counted from what the other claims wrote.
 */
export const CLAIM_LOCK = 7_321_002;

/**
 * The domain's `pickFairly` (ADR 0014) in one PostgreSQL statement that also leases what it
 * picks; SQLite's fair-claim.ts is the same query, and the delivery-queue contract test compares
 * both with the domain. Parameters: $1 now, $2 worker, $3 limit, $4 slots, $5 endpoint limit,
 * $6 jobs read per endpoint, $7 lease end. Its cost follows the endpoints with due jobs (one
 * index seek each, from one endpoint's oldest due job to the next one's), not the jobs.
 */
export const FAIR_CLAIM_SQL = `
WITH RECURSIVE
-- Each due endpoint's oldest job, endpoint by endpoint: one index seek each (jobs not yet due are stepped over).
scheduled_heads AS (
  (SELECT delivery_id, organization_id, endpoint, next_attempt_at AS due_at, channel FROM deliveries
   WHERE status = 'scheduled' AND next_attempt_at <= $1::bigint ORDER BY endpoint, next_attempt_at, delivery_id LIMIT 1)
  UNION ALL
  SELECT n.* FROM scheduled_heads h CROSS JOIN LATERAL (
    SELECT d.delivery_id, d.organization_id, d.endpoint, d.next_attempt_at, d.channel FROM deliveries d
    WHERE d.status = 'scheduled' AND d.next_attempt_at <= $1::bigint AND d.endpoint > h.endpoint
    ORDER BY d.endpoint, d.next_attempt_at, d.delivery_id LIMIT 1) n),
-- Leased jobs whose worker's lease ran out (few): due again, in their place (a lease keeps the due time).
stale AS MATERIALIZED (
  SELECT delivery_id, organization_id, endpoint, coalesce(next_attempt_at, lease_until) AS due_at, channel
  FROM deliveries WHERE status = 'leased' AND lease_until <= $1::bigint),
live AS MATERIALIZED (
  SELECT endpoint, organization_id, leased_by FROM deliveries WHERE status = 'leased' AND lease_until > $1::bigint),
busy AS MATERIALIZED (
  SELECT endpoint, count(*) AS n FROM live GROUP BY endpoint),
heads_found AS MATERIALIZED (SELECT * FROM scheduled_heads),
-- An endpoint's oldest due job: its scheduled head, unless one of its stale jobs comes first.
firsts AS (
  SELECT * FROM heads_found h
  WHERE NOT EXISTS (SELECT 1 FROM stale s WHERE s.endpoint = h.endpoint AND (s.due_at, s.delivery_id) < (h.due_at, h.delivery_id))
  UNION ALL
  SELECT * FROM stale s
  WHERE NOT EXISTS (SELECT 1 FROM stale o WHERE o.endpoint = s.endpoint AND (o.due_at, o.delivery_id) < (s.due_at, s.delivery_id))
    AND NOT EXISTS (SELECT 1 FROM heads_found h WHERE h.endpoint = s.endpoint AND (h.due_at, h.delivery_id) < (s.due_at, s.delivery_id))),
heads AS MATERIALIZED (
  SELECT f.delivery_id, f.organization_id, f.endpoint, f.due_at,
         CASE WHEN jsonb_typeof(f.channel::jsonb -> 'configs' -> 'rate_limit') = 'number' THEN (f.channel::jsonb -> 'configs' ->> 'rate_limit')::float8 END AS rate_value,
         coalesce(b.n, 0) AS busy, p.paced_until
  FROM firsts f LEFT JOIN busy b ON b.endpoint = f.endpoint LEFT JOIN delivery_endpoints p ON p.endpoint = f.endpoint),
rated AS (
  SELECT r.*, greatest(coalesce(r.paced_until, $1::bigint), $1::bigint) AS start, (greatest(1, floor(r.rate)) - 1) * (1000::float8 / r.rate) AS tolerance
  FROM (SELECT *, CASE WHEN rate_value > 0 THEN rate_value END AS rate FROM heads) r),
allowed AS (
  SELECT *, greatest(0, least($5::bigint - busy,
    CASE WHEN rate IS NULL THEN $3::bigint
         WHEN (($1::bigint + tolerance) - start) < 0 THEN 0
         ELSE floor((($1::bigint + tolerance) - start) / (1000::float8 / rate))::bigint + 1 END)) AS allowance
  FROM rated),
ranked_endpoints AS (
  SELECT *, row_number() OVER (PARTITION BY organization_id ORDER BY due_at, delivery_id) AS place FROM allowed WHERE allowance > 0),
kept AS MATERIALIZED (
  SELECT endpoint, allowance, rate, paced_until FROM ranked_endpoints WHERE place <= $3::bigint),
-- Each row carries its endpoint's allowance and pacing, so nothing below joins back to the endpoints.
candidates AS (
  SELECT x.delivery_id, x.organization_id, x.endpoint, x.next_attempt_at AS due_at, k.allowance, k.rate, k.paced_until
  FROM kept k CROSS JOIN LATERAL (
    SELECT y.delivery_id, y.organization_id, y.endpoint, y.next_attempt_at FROM deliveries y
    WHERE y.status = 'scheduled' AND y.endpoint = k.endpoint AND y.next_attempt_at <= $1::bigint
    ORDER BY y.next_attempt_at, y.delivery_id LIMIT $6::bigint) x
  UNION ALL
  SELECT s.delivery_id, s.organization_id, s.endpoint, s.due_at, k.allowance, k.rate, k.paced_until FROM stale s JOIN kept k ON k.endpoint = s.endpoint),
offered AS MATERIALIZED (
  SELECT c.delivery_id, c.organization_id, c.endpoint, c.due_at, c.rate, c.paced_until,
         row_number() OVER (PARTITION BY c.organization_id ORDER BY c.due_at, c.delivery_id) AS round
  FROM (SELECT *, row_number() OVER (PARTITION BY endpoint ORDER BY due_at, delivery_id) AS n FROM candidates) c
  WHERE c.n <= c.allowance),
mine AS MATERIALIZED (
  SELECT organization_id, count(*) AS n FROM live WHERE leased_by = $2::text GROUP BY organization_id),
share AS MATERIALIZED (
  SELECT ($4::bigint + n - 1) / n AS s FROM (SELECT greatest(1, count(DISTINCT organization_id)) AS n FROM ranked_endpoints) o),
picked AS (
  SELECT o.delivery_id, o.rate, o.paced_until, row_number() OVER (ORDER BY o.round, o.due_at, o.delivery_id) AS ord
  FROM offered o LEFT JOIN mine m ON m.organization_id = o.organization_id CROSS JOIN share
  WHERE o.round <= share.s - coalesce(m.n, 0)
  ORDER BY o.round, o.due_at, o.delivery_id
  LIMIT (SELECT greatest(0, least($3::bigint, $4::bigint - (SELECT coalesce(sum(least(m.n, share.s)), 0) FROM mine m CROSS JOIN share))))),
leased AS (
  -- Still due as read: a job recorded meanwhile by the worker whose lease ran out stays as recorded.
  UPDATE deliveries d SET status = 'leased', lease_until = $7::bigint, leased_by = $2::text, claims = d.claims + 1
  FROM picked p
  WHERE d.delivery_id = p.delivery_id AND ((d.status = 'scheduled' AND d.next_attempt_at <= $1::bigint) OR (d.status = 'leased' AND d.lease_until <= $1::bigint))
  RETURNING d.*, p.ord, p.rate, p.paced_until)
SELECT l.delivery_id, l.message_id, l.organization_id, l.webhook_id, l.webhook_name, l.channel_index, l.channel, l.attempts,
       l.claims - 1 AS claims, coalesce(l.channel_id, 'ch_' || (l.channel_index + 1)::text) AS channel_id, l.endpoint, l.rate, l.paced_until,
       m.event_type, m.data, m.accepted_at
FROM leased l JOIN messages m ON m.message_id = l.message_id
ORDER BY l.ord`;

/** The statement's parameters for a claim. */
export const fairClaimParams = (o: ClaimOptions): unknown[] => {
  const p = claimPolicy(o);
  return [o.now, o.workerId, o.limit, p.slots, p.endpointLimit, p.perEndpoint, o.now + o.leaseMs];
};

/** Past pacing says nothing (pacing starts from now): such rows are deleted as new ones are written. */
export const PACE_SQL = `
WITH pruned AS (DELETE FROM delivery_endpoints WHERE paced_until < $1 AND NOT (endpoint = ANY($2::text[])))
INSERT INTO delivery_endpoints (endpoint, paced_until) SELECT * FROM unnest($2::text[], $3::float8[])
ON CONFLICT (endpoint) DO UPDATE SET paced_until = excluded.paced_until`;
