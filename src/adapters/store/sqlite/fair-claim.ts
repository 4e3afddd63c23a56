import type { ClaimOptions } from '../../../ports/delivery-queue.js';

/**
 * The statements of a fair claim (ADR 0014); the domain's `pickFairly` decides between them
 * (shared/fair-claim-plan.ts). Each is a plain indexed read whose cost follows the endpoints with
 * due jobs or the live leases, never the queue: one query doing it all spent milliseconds per
 * claim joining its steps. Indexes are named because the planner has no statistics (no ANALYZE).
 */
export const CLAIM_SQL = {
  // Each due endpoint's oldest job, from one endpoint's to the next one's with one seek of
  // `deliveries_endpoint_due` each (jobs not yet due are stepped over).
  heads: `
WITH RECURSIVE head_ids(id) AS (
  SELECT (SELECT delivery_id FROM deliveries INDEXED BY deliveries_endpoint_due
          WHERE status = 'scheduled' AND next_attempt_at <= @now ORDER BY endpoint, next_attempt_at, delivery_id LIMIT 1)
  UNION ALL
  SELECT (SELECT d.delivery_id FROM deliveries d INDEXED BY deliveries_endpoint_due
          WHERE d.status = 'scheduled' AND d.next_attempt_at <= @now AND d.endpoint > (SELECT endpoint FROM deliveries WHERE delivery_id = h.id)
          ORDER BY d.endpoint, d.next_attempt_at, d.delivery_id LIMIT 1)
  FROM head_ids h WHERE h.id IS NOT NULL)
SELECT d.delivery_id AS id, d.organization_id, d.endpoint, d.next_attempt_at AS due_at, json_extract(d.channel, '$.configs.rate_limit') AS rate
FROM head_ids h CROSS JOIN deliveries d ON d.delivery_id = h.id`,
  // Leased jobs whose worker's lease ran out (few): due again, in their place (a lease keeps the due time).
  stale: `SELECT delivery_id AS id, organization_id, endpoint, coalesce(next_attempt_at, lease_until) AS due_at,
            json_extract(channel, '$.configs.rate_limit') AS rate
          FROM deliveries INDEXED BY deliveries_lease WHERE status = 'leased' AND lease_until <= @now`,
  live: `SELECT endpoint, organization_id, leased_by = @worker AS mine, count(*) AS n
         FROM deliveries INDEXED BY deliveries_lease WHERE status = 'leased' AND lease_until > @now GROUP BY endpoint, organization_id, mine`,
  paced: 'SELECT endpoint, paced_until FROM delivery_endpoints WHERE paced_until > ?',
  // From the index alone (the endpoint's organization is its head's): [delivery_id, next_attempt_at].
  endpointDue: `SELECT delivery_id, next_attempt_at FROM deliveries INDEXED BY deliveries_endpoint_due
                WHERE status = 'scheduled' AND endpoint = @endpoint AND next_attempt_at <= @now ORDER BY next_attempt_at, delivery_id LIMIT @n`,
  endpointDueAfter: `SELECT delivery_id, next_attempt_at FROM deliveries INDEXED BY deliveries_endpoint_due
                WHERE status = 'scheduled' AND endpoint = @endpoint AND next_attempt_at <= @now AND (next_attempt_at, delivery_id) > (@dueAt, @id)
                ORDER BY next_attempt_at, delivery_id LIMIT @n`,
  // Leases the picked jobs (@ids, a JSON array) that are still due as read; `rows` reads them with their messages, in the order given.
  lease: `UPDATE deliveries SET status = 'leased', lease_until = @leaseUntil, leased_by = @worker, claims = claims + 1
          WHERE delivery_id IN (SELECT value FROM json_each(@ids))
            AND ((+status = 'scheduled' AND +next_attempt_at <= @now) OR (+status = 'leased' AND +lease_until <= @now)) -- (+: by key, not a scan of the due index)
          RETURNING delivery_id`,
  rows: `SELECT d.delivery_id, d.message_id, d.organization_id, d.webhook_id, d.webhook_name, d.channel_index, d.channel, d.attempts, d.claims - 1 AS claims,
          coalesce(d.channel_id, 'ch_' || (d.channel_index + 1)) AS channel_id, m.event_type, m.data, m.accepted_at
        FROM json_each(?) j CROSS JOIN deliveries d ON d.delivery_id = j.value CROSS JOIN messages m ON m.message_id = d.message_id
        ORDER BY j.key`,
} as const;

/** Past pacing says nothing (pacing starts from now): such rows are deleted as new ones are written. */
export const PACE_SQL = {
  upsert: 'INSERT INTO delivery_endpoints (endpoint, paced_until) VALUES (?, ?) ON CONFLICT (endpoint) DO UPDATE SET paced_until = excluded.paced_until',
  prune: 'DELETE FROM delivery_endpoints WHERE paced_until < ?',
} as const;

/** The head, stale and live queries' parameters. */
export const claimReadParams = (o: ClaimOptions) => ({ now: o.now, worker: o.workerId });
