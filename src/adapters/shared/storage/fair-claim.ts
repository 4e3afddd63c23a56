import { type Channel, pacedAfter } from '../../../domain/index.js';
import type { ClaimOptions, ClaimedDelivery } from '../../../ports/delivery-queue.js';

/** A policy's absence, as a number the claim queries can compare with: larger than any claim. */
export const UNLIMITED = 1_000_000_000;

/** The numbers a fair-claim query takes (ADR 0014): slots, the per-endpoint limit, and how many due jobs to read per endpoint. */
export const claimPolicy = (o: ClaimOptions) => {
  const endpointLimit = o.fairness?.endpointConcurrency ?? UNLIMITED;
  // An endpoint never gives a claim more than its limit, nor more than the claim takes.
  return { slots: o.fairness?.slots ?? UNLIMITED, endpointLimit, perEndpoint: Math.min(endpointLimit, o.limit) };
};

/** What a fair-claim query adds to a claimed row: its endpoint, and that endpoint's rate limit and pacing. */
export interface PacedRow {
  readonly endpoint: string;
  readonly rate: number | null;
  readonly paced_until: number | null;
}

/** The new pacing of each rate-limited endpoint a claim took jobs of (the domain's `pacedAfter`). */
export const pacingAfter = (rows: readonly PacedRow[], now: number): Map<string, number> => {
  const started = new Map<string, { row: PacedRow; n: number }>();
  for (const row of rows) {
    if (row.rate === null) continue;
    const seen = started.get(row.endpoint);
    if (seen) seen.n += 1;
    else started.set(row.endpoint, { row, n: 1 });
  }
  return new Map(
    [...started].map(([endpoint, { row, n }]) => [
      endpoint,
      pacedAfter(Number(row.rate), row.paced_until === null ? undefined : Number(row.paced_until), now, n),
    ]),
  );
};

/** A claimed job as both stores' claim queries return it (PostgreSQL returns the bigint id as text). */
export interface ClaimRow {
  readonly delivery_id: number | string;
  readonly message_id: string;
  readonly organization_id: string;
  readonly webhook_id: string;
  readonly webhook_name: string;
  readonly channel_index: number;
  readonly channel_id: string;
  readonly channel: string;
  readonly attempts: number;
  /** Claims before this one that ended without an outcome. */
  readonly claims: number;
  readonly event_type: string;
  readonly data: string;
  readonly accepted_at: string;
}

/** A claim row as the port's ClaimedDelivery. */
export const toClaimedDelivery = (r: ClaimRow): ClaimedDelivery => ({
  deliveryId: Number(r.delivery_id),
  webhookId: r.webhook_id,
  webhookName: r.webhook_name,
  channelIndex: r.channel_index,
  channelId: r.channel_id,
  channel: JSON.parse(r.channel) as Channel,
  attempts: r.attempts,
  claimsWithoutOutcome: r.claims,
  message: {
    messageId: r.message_id,
    organizationId: r.organization_id,
    eventType: r.event_type,
    data: JSON.parse(r.data) as unknown,
    acceptedAt: r.accepted_at,
  },
});
