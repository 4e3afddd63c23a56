import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness, webhookBody } from '../support/http-harness.js';
import { startReceiver } from '../support/receivers.js';
import { waitFor } from '../support/wait-for.js';

const W = '/v1/organizations/webhooks';

/** The value of one sample in Prometheus text, 0 when absent (a labelled series appears on its first use). */
const sample = (text: string, name: string, labels = ''): number => {
  const line = text.split('\n').find((l) => l.startsWith(`${name}${labels ? `{${labels}}` : ''} `));
  return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : 0;
};

describe('delivery metrics and the failed-attempt log line (real API, worker, SQLite file, loopback receivers)', () => {
  let h: Harness;
  const logs: string[] = [];
  const closers: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    h = await startHarness('sqlite-file', logs, { worker: true, realClock: true });
  });
  afterAll(async () => {
    await Promise.all(closers.map((c) => c()));
    await h.close();
  });

  const scrape = async () => {
    const res = await h.request('GET', '/metrics');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    return res.text;
  };
  /** A webhook in an organization of its own, so no other test's events reach it. */
  const hookTo = async (answer: Parameters<typeof startReceiver>[0], headers: Record<string, string> = {}) => {
    const r = await startReceiver(answer);
    closers.push(r.close);
    const { key } = await h.newOrg();
    const res = await h.request('POST', `${W}/`, {
      key,
      body: webhookBody({ event_types: ['object.*'], channels: [{ channel: 'webhook', configs: { url: `${r.url}/in`, headers } }] }),
    });
    expect(res.status, res.text).toBe(201);
    const id = res.body.webhook_id as string;
    return {
      r,
      id,
      secret: res.body.secret as string,
      publish: (body: Record<string, unknown>) => h.request('POST', '/v1/events', { key, body }),
      attempts: async () => (await h.request('GET', `${W}/${id}/deliveries`, { key })).body.results as { status: string; delivery_status: string }[],
    };
  };

  it('counts accepted events (not idempotent repeats), successful attempts, and the time from acceptance to success by channel kind', async () => {
    const { r, publish, attempts } = await hookTo((_req, res) => res.writeHead(204).end());
    const before = await scrape();
    const first = await publish({ event_type: 'object.created', data: { n: 1 }, idempotency_key: 'once' });
    const repeat = await publish({ event_type: 'object.created', data: { n: 1 }, idempotency_key: 'once' });
    expect(repeat.body.message_id).toBe(first.body.message_id);
    await waitFor(() => r.received.length === 1, 10_000, 'the delivery');
    await waitFor(async () => (await attempts()).length === 1, 10_000, 'the recorded attempt');
    const after = await scrape();

    expect(sample(after, 'hookledger_events_accepted_total') - sample(before, 'hookledger_events_accepted_total')).toBe(1);
    const succeeded = 'channel="webhook",outcome="succeeded"';
    expect(sample(after, 'hookledger_delivery_attempts_total', succeeded) - sample(before, 'hookledger_delivery_attempts_total', succeeded)).toBe(1);
    const count = (t: string) => sample(t, 'hookledger_delivery_publish_to_success_seconds_count', 'channel="webhook"');
    const sum = (t: string) => sample(t, 'hookledger_delivery_publish_to_success_seconds_sum', 'channel="webhook"');
    expect(count(after) - count(before)).toBe(1);
    const seconds = sum(after) - sum(before);
    expect(seconds).toBeGreaterThan(0);
    expect(seconds).toBeLessThan(10);
    expect(after).toMatch(/^hookledger_delivery_publish_to_success_seconds_bucket\{le="\+Inf",channel="webhook"\} \d+$/m);
  });

  it('counts a retryable failure with no attempt left as exhausted, and logs each failed attempt once at warn without payload or secrets', async () => {
    const { r, id, secret, publish, attempts } = await hookTo((_req, res) => res.writeHead(500).end('down'), { Authorization: 'Bearer tenant-credential-7' });
    const before = await scrape();
    const marker = 'payload-marker-that-must-not-be-logged';
    const event = await publish({ event_type: 'object.updated', data: { marker } });
    expect(event.status).toBe(202);
    // The harness retries 0, 50 ms, 100 ms: three attempts, the last with nothing left.
    await waitFor(async () => (await attempts()).filter((a) => a.delivery_status === 'failed').length === 3, 10_000, 'three failed attempts');
    expect(r.received).toHaveLength(3);
    const after = await scrape();
    const delta = (outcome: string) =>
      sample(after, 'hookledger_delivery_attempts_total', `channel="webhook",outcome="${outcome}"`) -
      sample(before, 'hookledger_delivery_attempts_total', `channel="webhook",outcome="${outcome}"`);
    expect([delta('retry'), delta('exhausted'), delta('succeeded')]).toEqual([2, 1, 0]);
    const count = (t: string) => sample(t, 'hookledger_delivery_publish_to_success_seconds_count', 'channel="webhook"');
    expect(count(after)).toBe(count(before));

    const warnings = logs.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.messageId === event.body.message_id);
    expect(warnings.map((l) => [l.level, l.msg, l.attempt, l.outcome])).toEqual([
      [40, 'delivery attempt did not succeed', 1, 'retry'],
      [40, 'delivery attempt did not succeed', 2, 'retry'],
      [40, 'delivery attempt did not succeed', 3, 'exhausted'],
    ]);
    for (const w of warnings) expect(w).toMatchObject({ webhookId: id, channel: 'webhook', statusCode: 500, error: 'HTTP 500' });
    const all = logs.join('\n');
    for (const secretText of [marker, 'tenant-credential-7', secret, secret.slice(6)]) expect(all).not.toContain(secretText);
  });

  it('does not log a successful attempt at warn', async () => {
    const { r, publish, attempts } = await hookTo((_req, res) => res.writeHead(200).end('ok'));
    const event = await publish({ event_type: 'object.deleted', data: {} });
    await waitFor(() => r.received.length === 1, 10_000, 'the delivery');
    await waitFor(async () => (await attempts())[0]?.status === 'succeeded', 10_000, 'the recorded success');
    expect(logs.filter((l) => l.includes(event.body.message_id as string))).toEqual([]);
  });

  it('names metrics as promtool expects: counters end in _total, gauges do not', async () => {
    const text = await scrape();
    const types = [...text.matchAll(/^# TYPE (\S+) (\S+)$/gm)].map((m) => [m[1]!, m[2]!] as const);
    expect(types.length).toBeGreaterThan(10);
    for (const [name, type] of types) {
      expect(name).toMatch(/^hookledger_[a-z0-9_]+$/);
      if (type === 'counter') expect(name).toMatch(/_total$/);
      if (type === 'gauge' || type === 'histogram') expect(name).not.toMatch(/_total$/);
    }
    expect(types).toEqual(
      expect.arrayContaining([
        ['hookledger_events_accepted_total', 'counter'],
        ['hookledger_delivery_attempts_total', 'counter'],
        ['hookledger_delivery_publish_to_success_seconds', 'histogram'],
        ['hookledger_delivery_attempt_seconds', 'histogram'],
        ['hookledger_delivery_queue_depth', 'gauge'],
      ]),
    );
  });
});
