import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/adapters/clock/manual/manual-clock.js';
import { SqliteDeliveryQueue } from '../../src/adapters/store/sqlite/sqlite-delivery-queue.js';
import { type DeliveryDeps, runDeliveryCycle } from '../../src/application/index.js';
import { type Channel, type ExistingWebhook, type WebhookEvent, fold } from '../../src/domain/index.js';
import type { AcceptedMessage } from '../../src/ports/delivery-queue.js';
import type { AttemptResult, Notifier } from '../../src/ports/notifier.js';
import { tempSqlite } from '../support/sqlite-temp.js';
import { channelsChanged, created, deleted, paused } from '../support/webhook-fixtures.js';

const ORG = 'int_aaaaaaaaaaaaaaaaaaaaaaaa';
const HOOK = 'wh_0000000001';
const T0 = Date.parse('2026-11-22T10:00:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();
const old: Channel = { channel: 'webhook', configs: { url: 'https://old.example/hook', headers: { Authorization: 'Bearer old' }, timeout: 10 } };
const repaired: Channel = { channel: 'webhook', configs: { url: 'https://new.example/hook', headers: { Authorization: 'Bearer new' }, timeout: 10 } };
const other: Channel = { channel: 'webhook', configs: { url: 'https://other.example/hook', headers: {}, timeout: 10 } };
const message = (n: number, at = T0): AcceptedMessage => ({
  messageId: `msg_${n}`,
  organizationId: ORG,
  eventType: 'object.created',
  data: { n },
  acceptedAt: iso(at),
});

describe('each attempt reads the webhook’s current settings (real SQLite queue file)', () => {
  let t: ReturnType<typeof tempSqlite>;
  let queue: SqliteDeliveryQueue;
  let clock: ManualClock;
  let history: WebhookEvent[];
  let sent: { url: string; authorization: string | undefined; webhookName: string }[];
  let answer: AttemptResult;
  let pauses: string[];

  const notifier: Notifier = {
    kind: 'webhook',
    send: async (channel, m) => {
      if (channel.channel !== 'webhook') throw new Error('webhook channels only');
      sent.push({ url: channel.configs.url, authorization: channel.configs.headers.Authorization, webhookName: m.webhookName });
      return answer;
    },
  };
  const deps = (): DeliveryDeps => ({
    queue,
    notifiers: [notifier],
    secrets: { get: async () => ({ current: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' }) } as unknown as DeliveryDeps['secrets'],
    clock,
    schedule: [0, 1000, 1000, 1000, 1000],
    random: () => 0.5,
    pause: async (_d, reason) => void pauses.push(reason),
    autoPause: { afterFailures: 2, afterMs: 86_400_000 },
    currentWebhook: async () => fold(history) as ExistingWebhook,
  });
  const cycle = { workerId: 'w1', leaseMs: 60_000, batchSize: 10 };
  const run = () => runDeliveryCycle(deps(), cycle);
  const log = () => queue.attempts({ organizationId: ORG, webhookId: HOOK, limit: 20 });
  // As publishing does: one job per channel of the webhook as it is, referring to each by id.
  const publish = async (n: number) => {
    const webhook = fold(history) as ExistingWebhook;
    await queue.enqueue(
      message(n, clock.now().getTime()),
      webhook.channels.map((channel, channelIndex) => ({
        webhookId: HOOK,
        webhookName: webhook.webhook_name,
        channelIndex,
        channelId: channel.channel_id,
        channel,
      })),
    );
  };

  beforeEach(() => {
    t = tempSqlite();
    queue = new SqliteDeliveryQueue(t.db);
    clock = new ManualClock(new Date(T0));
    history = [created({ webhook_id: HOOK, organization_id: ORG, channels: [old], at: iso(T0) })];
    sent = [];
    pauses = [];
    answer = { disposition: 'retry', statusCode: 503, latencyMs: 1, error: 'HTTP 503' };
  });
  afterEach(() => t.cleanup());

  it('sends a retry to the URL and headers of now, under the name of now, after the channel was repaired', async () => {
    await publish(1);
    await run();
    expect(sent).toEqual([{ url: 'https://old.example/hook', authorization: 'Bearer old', webhookName: 'Slack Engineering Alerts' }]);
    // The owner repairs the channel (same place, same kind: it keeps ch_1) and renames the webhook.
    history.push(channelsChanged([repaired], iso(T0 + 500)), { type: 'WebhookRenamed', version: 1, data: { webhook_name: 'Fixed', at: iso(T0 + 500) } });
    answer = { disposition: 'succeeded', statusCode: 204, latencyMs: 1 };
    clock.set(new Date(T0 + 1000));
    await run();
    expect(sent.slice(1)).toEqual([{ url: 'https://new.example/hook', authorization: 'Bearer new', webhookName: 'Fixed' }]);
    expect((await log()).map((a) => a.deliveryStatus)).toEqual(['succeeded', 'succeeded']);
  });

  it('cancels, visibly and without sending, a job whose channel was removed, and keeps the other channel’s job', async () => {
    history = [created({ webhook_id: HOOK, organization_id: ORG, channels: [old, other], at: iso(T0) })];
    await publish(1);
    history.push(channelsChanged([{ ...other, channel_id: 'ch_2' }], iso(T0 + 10)));
    answer = { disposition: 'succeeded', statusCode: 204, latencyMs: 1 };
    await run();
    expect(sent.map((s) => s.url)).toEqual(['https://other.example/hook']);
    const attempts = await log();
    expect(attempts.map((a) => [a.succeeded, a.error ?? null, a.deliveryStatus]).sort()).toEqual([
      [false, 'cancelled: channel ch_1 was removed from the webhook; nothing was sent', 'cancelled'],
      [true, null, 'succeeded'],
    ]);
    // A cancellation is not the webhook's delivery error, and nothing more is claimed.
    expect(await queue.lastErrors([HOOK])).toEqual(new Map());
    clock.set(new Date(T0 + 86_400_000));
    expect(await run()).toBe(0);
  });

  it('cancels a deleted webhook’s queued jobs, tests included', async () => {
    await publish(1);
    await queue.enqueue({ ...message(2), eventType: 'webhook.test' }, [
      { webhookId: HOOK, webhookName: 'W', channelIndex: 0, channelId: 'ch_1', channel: old },
    ]);
    history.push(deleted(iso(T0 + 10)));
    await run();
    expect(sent).toEqual([]);
    expect((await log()).map((a) => [a.error, a.deliveryStatus])).toEqual([
      ['cancelled: the webhook was deleted; nothing was sent', 'cancelled'],
      ['cancelled: the webhook was deleted; nothing was sent', 'cancelled'],
    ]);
  });

  it('sends a test event to a paused webhook’s current channel, and holds an event', async () => {
    history.push(paused(iso(T0 + 1)));
    await publish(1);
    await queue.enqueue({ ...message(2), eventType: 'webhook.test' }, [
      { webhookId: HOOK, webhookName: 'W', channelIndex: 0, channelId: 'ch_1', channel: other },
    ]);
    answer = { disposition: 'succeeded', statusCode: 204, latencyMs: 1 };
    await run();
    expect(sent.map((s) => s.url)).toEqual(['https://old.example/hook']);
    expect(t.db.prepare("SELECT status FROM deliveries WHERE message_id = 'msg_1'").pluck().get()).toBe('held');
  });

  it('restarts the failure streak when the webhook is resumed: a resumed webhook is not paused by its next single failure', async () => {
    await publish(1);
    await run();
    expect(pauses).toEqual([]);
    clock.set(new Date(T0 + 1000));
    await run();
    expect(pauses).toEqual([`auto-paused: 2 failed delivery attempts in a row since ${iso(T0)}`]);
    history.push(paused(iso(T0 + 1100)), { type: 'WebhookResumed', version: 1, data: { at: iso(T0 + 1200) } });
    clock.set(new Date(T0 + 2000));
    await run();
    expect(await queue.failureStreak(HOOK)).toMatchObject({ count: 3 });
    expect(pauses).toHaveLength(1);
    clock.set(new Date(T0 + 3000));
    await run();
    expect(pauses).toEqual([expect.any(String), `auto-paused: 2 failed delivery attempts in a row since ${iso(T0 + 2000)}`]);
  });

  it('restarts the failure streak when the channels change', async () => {
    await publish(1);
    await run();
    history.push(channelsChanged([repaired], iso(T0 + 500)));
    clock.set(new Date(T0 + 1000));
    await run();
    expect(pauses).toEqual([]);
  });
});
