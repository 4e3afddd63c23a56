/// <reference lib="dom" />
import { describe, expect, it } from 'vitest';
import type { Attempt, HistoryEvent } from '../../console/src/api.js';
import { hourlySeries } from '../../console/src/chart-buckets.js';
import { asOf, show, timeline } from '../../console/src/history.js';

const T = (minute: number) => new Date(Date.UTC(2026, 10, 22, 10, minute)).toISOString();
const channel = { channel_id: 'ch_1', channel: 'webhook', configs: { url: 'https://example.com/hook', headers: {}, timeout: 10 } };
const entry = (revision: number, type: string, data: Record<string, unknown>): HistoryEvent => ({
  revision,
  type,
  data: { ...data, at: T(revision) },
  recorded_at: T(revision),
  actor: 'key_1',
});
const history: HistoryEvent[] = [
  entry(1, 'WebhookCreated', { webhook_id: 'wh_abc123def4', webhook_name: 'Orders', event_types: ['object.*'], channels: [channel], is_active: true }),
  entry(2, 'WebhookPaused', { reason: 'paused on request', automatic: false }),
  entry(3, 'WebhookRenamed', { webhook_name: 'Orders feed' }),
  entry(4, 'WebhookSecretRotated', { previous_valid_until: T(99) }),
  entry(5, 'WebhookDeleted', {}),
];
/** Each entry's lines as the timeline prints them. */
const lines = (events: HistoryEvent[]) =>
  timeline(events).map(({ changes }) => changes.map((c) => `${c.field}: ${c.hadBefore ? `${show(c.before)} → ` : ''}${show(c.after)}`));

describe('the console’s history timeline, folded with the domain’s evolve', () => {
  it('shows what each event changed, old → new, and the facts it carries', () => {
    expect(lines(history)).toEqual([
      ['webhook_name: Orders', 'event_types: ["object.*"]', `channels: ${JSON.stringify([channel])}`, 'is_active: true'],
      ['is_active: true → false', 'reason: paused on request'],
      ['webhook_name: Orders → Orders feed'],
      [`previous_secret_valid_until: ${T(99)}`],
      [`deleted_at: ${T(5)}`],
    ]);
  });

  it('computes the webhook as of an event as the API’s as_of does: the state after the last event recorded by then', () => {
    const entries = timeline(history);
    expect(asOf(entries, T(2))).toMatchObject({ version: 2, state: { status: 'paused', webhook_name: 'Orders' } });
    expect(asOf(entries, T(5))).toMatchObject({ version: 5, state: { status: 'deleted', webhook_name: 'Orders feed' } });
    expect(asOf(entries, T(0))).toBeUndefined();
  });

  it('shows an event it cannot read without a change, and keeps folding the rest', () => {
    expect(lines([history[0]!, entry(2, 'WebhookExploded', {}), history[2]!]).slice(1)).toEqual([[], ['webhook_name: Orders → Orders feed']]);
  });
});

describe('the delivery chart’s hourly buckets', () => {
  const now = Date.parse(T(0)) + 24 * 3_600_000;
  const attempt = (hoursAgo: number, status: Attempt['status'], latency_ms: number, channel = 'webhook'): Attempt => ({
    message_id: 'msg_1',
    event_type: 'object.created',
    channel,
    attempt: 1,
    at: new Date(now - hoursAgo * 3_600_000).toISOString(),
    status,
    status_code: status === 'succeeded' ? 200 : 500,
    latency_ms,
    response_body: null,
    error: null,
    delivery_status: 'delivered',
  });

  it('counts each channel’s attempts by hour, newest hour last, with its success rate and latencies', () => {
    const [webhook, slack] = hourlySeries(
      [attempt(0.5, 'succeeded', 100), attempt(0.2, 'failed', 300), attempt(30, 'succeeded', 50), attempt(2.5, 'succeeded', 10, 'slack')],
      now,
    );
    expect(webhook).toMatchObject({ channel: 'webhook', total: 3, ok: 2, latency: 150, maxLatency: 200, max: 2 });
    expect(webhook!.hours[23]).toEqual({ ok: 1, bad: 1, latency: 400 });
    expect(webhook!.hours[0]).toEqual({ ok: 1, bad: 0, latency: 50 }); // older than 23 h: the first hour
    expect(slack).toMatchObject({ channel: 'slack', total: 1, ok: 1 });
    expect(slack!.hours[21]).toEqual({ ok: 1, bad: 0, latency: 10 });
  });
});
