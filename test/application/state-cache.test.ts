import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/adapters/clock/manual/manual-clock.js';
import { CryptoIds } from '../../src/adapters/ids/crypto/crypto-ids.js';
import { SqliteEventStore } from '../../src/adapters/store/sqlite/sqlite-event-store.js';
import {
  StateCache,
  type WebhookDeps,
  aggregateStream,
  createWebhook,
  executeWebhookCommand,
  loadWebhook,
  webhookDecider,
  webhookHistoryPage,
} from '../../src/application/index.js';
import { type WebhookState, streamIdOf } from '../../src/domain/index.js';
import type { EventStore, ReadStreamOptions } from '../../src/ports/event-store.js';
import { tempSqlite } from '../support/sqlite-temp.js';
import { orgA as org, orgB as other, opsSettings as settings, unwrap } from '../support/use-case-fixtures.js';

/** Records what each readStream asked for and how many events it returned. */
const spying = (store: EventStore) => {
  const reads: { options: ReadStreamOptions | undefined; returned: number }[] = [];
  const spy: EventStore = Object.assign(Object.create(store) as EventStore, {
    readStream: async (streamId: string, options?: ReadStreamOptions) => {
      const events = await store.readStream(streamId, options);
      reads.push({ options, returned: events.length });
      return events;
    },
  });
  return { spy, reads };
};

describe('StateCache', () => {
  it('keeps the state at the later revision when a slower reader finishes late', () => {
    const cache = new StateCache<string>({ sizeOf: () => 1 });
    cache.set('s', 'at 3', 3);
    cache.set('s', 'at 2', 2);
    expect(cache.get('s')).toMatchObject({ state: 'at 3', revision: 3 });
    cache.set('s', 'at 4', 4);
    expect(cache.get('s')).toMatchObject({ state: 'at 4', revision: 4 });
  });

  it('stays within its byte budget, dropping the least recently used first', () => {
    const cache = new StateCache<string>({ maxBytes: 10, sizeOf: (s) => s.length });
    cache.set('a', 'aaaa', 1);
    cache.set('b', 'bbbb', 1);
    cache.get('a'); // now b is the least recently used
    cache.set('c', 'cccc', 1);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')?.state).toBe('aaaa');
    expect(cache.size).toEqual({ entries: 2, bytes: 8 });
    cache.set('huge', 'x'.repeat(11), 1); // larger than the budget: not kept, nothing evicted for it
    expect(cache.size).toEqual({ entries: 2, bytes: 8 });
  });
});

describe('reading webhooks through the state cache (two processes on one SQLite file)', () => {
  let t: ReturnType<typeof tempSqlite>;
  let clock: ManualClock;
  let a: WebhookDeps & { states: StateCache<WebhookState> };
  let b: WebhookDeps & { states: StateCache<WebhookState> };
  let readsOfB: { options: ReadStreamOptions | undefined; returned: number }[];

  beforeEach(() => {
    t = tempSqlite();
    clock = new ManualClock('2026-11-22T10:00:00.000Z');
    const ids = new CryptoIds();
    a = { eventStore: new SqliteEventStore(t.db), clock, ids, states: new StateCache() };
    const { spy, reads } = spying(new SqliteEventStore(t.reopen()));
    readsOfB = reads;
    b = { eventStore: spy, clock, ids, states: new StateCache() };
  });
  afterEach(() => t.cleanup());

  it('folds a stream once, then reads only the events appended since, and gives what a full fold gives', async () => {
    const { webhook } = unwrap(await createWebhook(a, org, settings));
    for (let i = 0; i < 20; i++) unwrap(await executeWebhookCommand(a, org, webhook.webhook_id, { type: 'RenameWebhook', data: { webhook_name: `n${i}` } }));

    expect((await loadWebhook(b, org.organizationId, webhook.webhook_id))?.version).toBe(21);
    expect(readsOfB.at(-1)).toEqual({ options: undefined, returned: 21 }); // cold: the whole stream, once
    expect((await loadWebhook(b, org.organizationId, webhook.webhook_id))?.version).toBe(21);
    expect(readsOfB.at(-1)).toEqual({ options: { afterRevision: 21 }, returned: 0 });

    // Another process writes: the next read here sees it (read-your-writes across processes), reading one event.
    clock.advance(1000);
    unwrap(await executeWebhookCommand(a, org, webhook.webhook_id, { type: 'PauseWebhook', data: { reason: 'maintenance' } }));
    const seen = await loadWebhook(b, org.organizationId, webhook.webhook_id);
    expect(readsOfB.at(-1)).toEqual({ options: { afterRevision: 21 }, returned: 1 });
    const full = await aggregateStream(a.eventStore, webhookDecider, streamIdOf(webhook.webhook_id));
    expect(seen).toEqual({ webhook: full.state, version: full.revision });
    expect(seen?.webhook).toMatchObject({ status: 'paused', webhook_name: 'n19', updated_at: '2026-11-22T10:00:01.000Z' });
  });

  it('decides commands on the cached state plus what other processes appended, so no change is lost', async () => {
    const { webhook } = unwrap(await createWebhook(a, org, settings));
    unwrap(await executeWebhookCommand(b, org, webhook.webhook_id, { type: 'RenameWebhook', data: { webhook_name: 'from b' } }));
    unwrap(await executeWebhookCommand(a, org, webhook.webhook_id, { type: 'PauseWebhook', data: {} })); // a's cache is at 1: reads b's rename
    const view = unwrap(await executeWebhookCommand(b, org, webhook.webhook_id, { type: 'RenameWebhook', data: { webhook_name: 'again' } }));
    expect(readsOfB.at(-1)).toEqual({ options: { afterRevision: 2 }, returned: 1 });
    expect(view.version).toBe(4);
    expect(view.webhook).toMatchObject({ status: 'paused', webhook_name: 'again' });
    // An If-Match naming what another process already moved past is still refused.
    const stale = await executeWebhookCommand(a, org, webhook.webhook_id, { type: 'ResumeWebhook', data: {} }, { expectedVersion: 3 });
    expect(stale).toMatchObject({ _tag: 'Left', left: { type: 'PreconditionFailed', expected: 3, actual: 4 } });
  });

  it('answers another organization from the cache exactly as without it, and never caches unknown ids', async () => {
    const { webhook } = unwrap(await createWebhook(b, org, settings));
    expect(await loadWebhook(b, other.organizationId, webhook.webhook_id)).toBeUndefined();
    expect(await executeWebhookCommand(b, other, webhook.webhook_id, { type: 'PauseWebhook', data: {} })).toMatchObject({
      _tag: 'Left',
      left: { type: 'WebhookNotFound' },
    });
    expect(await loadWebhook(b, org.organizationId, 'wh_0000000000')).toBeUndefined();
    expect(b.states.size.entries).toBe(1);
  });

  it('reads one page of history, however long the stream: at most limit + 1 events per call', async () => {
    const { webhook } = unwrap(await createWebhook(a, org, settings));
    for (let i = 0; i < 30; i++) unwrap(await executeWebhookCommand(a, org, webhook.webhook_id, { type: 'RenameWebhook', data: { webhook_name: `n${i}` } }));
    await loadWebhook(b, org.organizationId, webhook.webhook_id); // warm: the tenancy check reads nothing more
    readsOfB.length = 0;
    const page = await webhookHistoryPage(b, org.organizationId, webhook.webhook_id, { afterRevision: 10, limit: 5 });
    expect(page?.events.map((e) => e.revision)).toEqual([11, 12, 13, 14, 15]);
    expect(page?.hasMore).toBe(true);
    expect(readsOfB).toEqual([
      { options: { afterRevision: 31 }, returned: 0 },
      { options: { afterRevision: 10, limit: 6 }, returned: 6 },
    ]);
    expect(await webhookHistoryPage(b, other.organizationId, webhook.webhook_id)).toBeUndefined();
  });

  it('still folds the log for as_of, whatever is cached', async () => {
    const { webhook } = unwrap(await createWebhook(a, org, settings));
    clock.advance(60_000);
    unwrap(await executeWebhookCommand(a, org, webhook.webhook_id, { type: 'RenameWebhook', data: { webhook_name: 'later' } }));
    const then = await loadWebhook(a, org.organizationId, webhook.webhook_id, new Date('2026-11-22T10:00:30.000Z'));
    expect(then).toMatchObject({ version: 1, webhook: { webhook_name: 'Ops' } });
    expect((await loadWebhook(a, org.organizationId, webhook.webhook_id))?.webhook.webhook_name).toBe('later');
  });
});
