import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/adapters/clock/manual/manual-clock.js';
import { CryptoIds } from '../../src/adapters/ids/crypto/crypto-ids.js';
import { SqliteDeliveryQueue } from '../../src/adapters/store/sqlite/sqlite-delivery-queue.js';
import { SqliteEventStore } from '../../src/adapters/store/sqlite/sqlite-event-store.js';
import { SqliteWebhookReadModel } from '../../src/adapters/store/sqlite/sqlite-webhook-read-model.js';
import {
  type Caller,
  type PublishDeps,
  type WebhookCommandInput,
  type WebhookDeps,
  createWebhook,
  executeWebhookCommand,
  publishEvent,
} from '../../src/application/index.js';
import { dottedCatalog } from '../../src/domain/index.js';
import { tempSqlite } from '../support/sqlite-temp.js';

const org: Caller = { organizationId: 'int_aaaaaaaaaaaaaaaaaaaaaaaa', actor: 'key:a', catalog: dottedCatalog };

/**
 * Publishing reads its targets once per (organization, event type) until a webhook changes
 * (ADR 0013). Every change here is made through another connection to the same file, as
 * another process would, so only the projection's position can tell the publisher.
 */
describe('publish targets: read once, dropped as soon as any webhook changes, in any process (real SQLite file)', () => {
  let t: ReturnType<typeof tempSqlite>;
  let publisher: PublishDeps;
  let other: WebhookDeps;
  let queue: SqliteDeliveryQueue;
  let n: number;

  beforeEach(() => {
    t = tempSqlite();
    const clock = new ManualClock('2026-11-22T10:00:00.000Z');
    queue = new SqliteDeliveryQueue(t.db);
    publisher = { eventStore: new SqliteEventStore(t.db), readModel: new SqliteWebhookReadModel(t.db), queue, clock, ids: new CryptoIds() };
    other = { eventStore: new SqliteEventStore(t.reopen()), clock, ids: new CryptoIds() };
    n = 0;
  });
  afterEach(() => t.cleanup());

  const create = async (eventTypes: string[]) => {
    const made = await createWebhook(other, org, {
      webhook_name: eventTypes.join(),
      event_types: eventTypes,
      channels: [{ channel: 'webhook', configs: { url: 'https://e.com/h' } }],
    });
    if (made._tag === 'Left') throw new Error(JSON.stringify(made.left));
    return made.right.webhook.webhook_id;
  };
  const run = async (webhookId: string, command: WebhookCommandInput) => {
    const done = await executeWebhookCommand(other, org, webhookId, command);
    if (done._tag === 'Left') throw new Error(JSON.stringify(done.left));
  };
  /** Publishes one event; the webhooks its due jobs went to (held ones aside). */
  const publish = async (eventType = 'object.created') => {
    const published = await publishEvent(publisher, org, { event_type: eventType, data: { n: ++n } });
    if (published._tag === 'Left') throw new Error(JSON.stringify(published.left));
    const claimed = await queue.claim({ workerId: 'w', now: Date.parse('2026-11-22T11:00:00.000Z'), leaseMs: 60_000, limit: 100 });
    expect(claimed.length).toBe(published.right.deliveries);
    return claimed.map((d) => d.webhookId).sort();
  };

  it('sees every webhook created, paused, resumed, changed or deleted before each publish', async () => {
    const first = await create(['object.*']);
    expect(await publish()).toEqual([first]);
    expect(await publish()).toEqual([first]);
    const second = await create(['*']);
    expect(await publish()).toEqual([first, second].sort());
    expect(await publish('cluster.created')).toEqual([second]);
    await run(first, { type: 'PauseWebhook', data: {} });
    expect(await publish()).toEqual([second]);
    await run(second, { type: 'ChangeEventTypes', data: { event_types: ['cluster.*'] } });
    expect(await publish()).toEqual([]);
    expect(await publish('cluster.created')).toEqual([second]);
    await run(first, { type: 'ResumeWebhook', data: {} });
    expect(await publish()).toEqual([first]);
    await run(first, { type: 'DeleteWebhook', data: {} });
    expect(await publish()).toEqual([]);
  });

  it('keeps each organization’s targets to itself', async () => {
    const mine = await create(['*']);
    const stranger: Caller = { ...org, organizationId: 'int_bbbbbbbbbbbbbbbbbbbbbbbb' };
    expect(await publish()).toEqual([mine]);
    const theirs = await publishEvent(publisher, stranger, { event_type: 'object.created', data: {} });
    expect(theirs._tag === 'Right' && theirs.right.deliveries).toBe(0);
    expect(await publish()).toEqual([mine]);
  });
});
