import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Database } from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/adapters/clock/manual/manual-clock.js';
import { CryptoIds } from '../../src/adapters/ids/crypto/crypto-ids.js';
import { InMemoryEventStore } from '../../src/adapters/store/memory/memory-event-store.js';
import { InMemoryWebhookReadModel } from '../../src/adapters/store/memory/memory-webhook-read-model.js';
import { openSqliteDatabase } from '../../src/adapters/store/sqlite/open-database.js';
import { SqliteEventStore } from '../../src/adapters/store/sqlite/sqlite-event-store.js';
import { SqliteWebhookReadModel } from '../../src/adapters/store/sqlite/sqlite-webhook-read-model.js';
import {
  type Caller,
  type WebhookCommandInput,
  type WebhookDeps,
  catchUpWebhookList,
  createWebhook,
  executeWebhookCommand,
  listWebhooks,
  loadWebhook,
  rebuildWebhookList,
} from '../../src/application/index.js';
import { WEBHOOK_STREAM_PREFIX } from '../../src/domain/index.js';
import type { EventStore, NewEvent } from '../../src/ports/event-store.js';
import type { WebhookReadModel, WebhookRow } from '../../src/ports/webhook-read-model.js';
import { orgA, orgB, unwrap } from '../support/use-case-fixtures.js';

interface Setup {
  readonly eventStore: EventStore;
  readonly readModel: WebhookReadModel;
  /** Another read model on the same storage (a second process), if the adapter has one. */
  readonly second: () => WebhookReadModel;
  readonly cleanup: () => Promise<void>;
}

const inMemory = (): Setup => {
  const readModel = new InMemoryWebhookReadModel();
  return { eventStore: new InMemoryEventStore(), readModel, second: () => readModel, cleanup: async () => {} };
};

/** The event log and the projection in one real SQLite file, sharing a connection. */
const sqlite = (): Setup => {
  const dir = mkdtempSync(join(tmpdir(), 'hookledger-projection-'));
  const path = join(dir, 'hookledger.db');
  const opened: Database[] = [openSqliteDatabase(path)];
  return {
    eventStore: new SqliteEventStore(opened[0]!),
    readModel: new SqliteWebhookReadModel(opened[0]!),
    second: () => {
      const db = openSqliteDatabase(path);
      opened.push(db);
      return new SqliteWebhookReadModel(db);
    },
    cleanup: async () => {
      for (const db of opened) if (db.open) db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
};

const foreign = (eventId: string): NewEvent => ({
  eventId,
  type: 'SomethingElse',
  version: 1,
  data: { not: 'a webhook event' },
  metadata: { organizationId: orgA.organizationId, actor: 'test', recordedAt: '2026-11-22T10:00:00.000Z' },
});

describe.each([
  ['in-memory', inMemory],
  ['SQLite (event store and read model in one file)', sqlite],
])('webhook list projection (%s)', (_name, setup) => {
  let s: Setup;
  let deps: WebhookDeps;
  let clock: ManualClock;
  /** Every webhook created, with its organization, in creation order. */
  let webhooks: { caller: Caller; id: string }[];
  let webhookEvents: number;

  const run = async (caller: Caller, id: string, command: WebhookCommandInput) => {
    clock.advance(1000);
    unwrap(await executeWebhookCommand(deps, caller, id, command));
    webhookEvents += 1;
  };

  /** What the list must show: each live webhook as folded from its own stream, in creation order. */
  const foldedList = async (caller: Caller): Promise<WebhookRow[]> => {
    const rows: WebhookRow[] = [];
    for (const { caller: owner, id } of webhooks) {
      if (owner !== caller) continue;
      const loaded = await loadWebhook(deps, caller.organizationId, id);
      if (loaded && loaded.webhook.status !== 'deleted') rows.push({ ...loaded, sequence: expect.any(Number) as unknown as number });
    }
    return rows;
  };

  const listAll = (readModel: WebhookReadModel, caller: Caller) => readModel.list({ organizationId: caller.organizationId, limit: 1000 });

  beforeEach(async () => {
    s = setup();
    clock = new ManualClock('2026-11-22T10:00:00.000Z');
    deps = { eventStore: s.eventStore, clock, ids: new CryptoIds() };
    webhooks = [];
    webhookEvents = 0;
    for (let i = 0; i < 14; i++) {
      const caller = i % 5 === 4 ? orgB : orgA;
      clock.advance(1000);
      const view = unwrap(
        await createWebhook(deps, caller, {
          webhook_name: `W${i}`,
          event_types: i % 2 === 0 ? ['object.*'] : ['object.created', 'cluster.created'],
          channels: [{ channel: 'webhook', configs: { url: `https://example.com/${i}` } }],
        }),
      );
      webhookEvents += 1;
      webhooks.push({ caller, id: view.webhook.webhook_id });
      // Streams that are not webhooks, interleaved; `webhooks-` shares all but the dash of the prefix.
      if (i % 4 === 1) await s.eventStore.append(`delivery-${i}`, 0, [foreign(`d-${i}`)]);
      if (i === 6) await s.eventStore.append('webhooks-index', 0, [foreign('w-6')]);
    }
    for (const [i, { caller, id }] of webhooks.entries()) {
      if (i % 3 === 0) await run(caller, id, { type: 'PauseWebhook', data: {} });
      if (i % 6 === 0) await run(caller, id, { type: 'ResumeWebhook', data: {} });
      if (i % 4 === 1) await run(caller, id, { type: 'RenameWebhook', data: { webhook_name: `Renamed ${i}` } });
      if (i % 5 === 2) await run(caller, id, { type: 'ChangeEventTypes', data: { event_types: ['*'] } });
      if (i % 7 === 5) await run(caller, id, { type: 'DeleteWebhook', data: {} });
    }
  });
  afterEach(() => s.cleanup());

  it('catches up to the folded state of every webhook, ignoring events of other streams', async () => {
    const progress: number[] = [];
    const result = await catchUpWebhookList(s, { batchSize: 7, onProgress: (position) => progress.push(position) });
    const log = await s.eventStore.readAll({ limit: 10_000 });
    const webhookLog = log.filter((e) => e.streamId.startsWith(WEBHOOK_STREAM_PREFIX));
    expect(webhookLog.length).toBeLessThan(log.length);
    expect(result).toEqual({ applied: webhookEvents, position: webhookLog.at(-1)!.position });
    expect(progress).toHaveLength(Math.ceil(webhookEvents / 7));
    expect([...progress].sort((a, b) => a - b)).toEqual(progress);
    expect(await s.readModel.checkpoint()).toBe(result.position);

    for (const { caller, id } of webhooks) {
      const folded = await loadWebhook(deps, caller.organizationId, id);
      const row = await s.readModel.get(id);
      expect(row?.webhook).toEqual(folded?.webhook);
      expect(row?.version).toBe(folded?.version);
      // A webhook's place in the list is the position of the event that created it.
      const [first] = await s.eventStore.readStream(`${WEBHOOK_STREAM_PREFIX}${id}`, { toRevision: 1 });
      expect(row?.sequence).toBe(first!.position);
    }
    for (const caller of [orgA, orgB]) {
      const page = await listAll(s.readModel, caller);
      expect(page.rows).toEqual(await foldedList(caller));
      expect(page.rows.map((r) => [r.webhook.webhook_name, r.webhook.status, r.version])).toEqual(
        (await foldedList(caller)).map((r) => [r.webhook.webhook_name, r.webhook.status, r.version]),
      );
      expect(page.total).toBe(page.rows.length);
    }
    expect((await listAll(s.readModel, orgA)).rows.some((r) => r.webhook.status === 'paused')).toBe(true);
    expect((await listAll(s.readModel, orgA)).rows.some((r) => r.webhook.webhook_name.startsWith('Renamed'))).toBe(true);
  });

  it('applies nothing when caught up, and only the new events afterwards', async () => {
    const first = await catchUpWebhookList(s);
    expect(await catchUpWebhookList(s)).toEqual({ applied: 0, position: first.position });
    await s.eventStore.append('delivery-late', 0, [foreign('late')]);
    expect(await catchUpWebhookList(s)).toEqual({ applied: 0, position: first.position });
    const { caller, id } = webhooks[1]!;
    await run(caller, id, { type: 'PauseWebhook', data: { reason: 'maintenance' } });
    const again = await catchUpWebhookList(s);
    expect(again.applied).toBe(1);
    expect(await s.readModel.get(id)).toMatchObject({ webhook: { status: 'paused', paused_reason: 'maintenance' } });
  });

  it('rebuilds to the identical list', async () => {
    await catchUpWebhookList(s, { batchSize: 5 });
    const before = await Promise.all([orgA, orgB].map((c) => listAll(s.readModel, c)));
    const rows = await Promise.all(webhooks.map(({ id }) => s.readModel.get(id)));
    const positions: number[] = [];
    const rebuilt = await rebuildWebhookList(s, (position) => positions.push(position));
    expect(rebuilt.applied).toBe(webhookEvents);
    expect(positions.at(-1)).toBe(rebuilt.position);
    expect(await Promise.all([orgA, orgB].map((c) => listAll(s.readModel, c)))).toEqual(before);
    expect(await Promise.all(webhooks.map(({ id }) => s.readModel.get(id)))).toEqual(rows);
  });

  it('folds several pages into one write (applyEvery) and ends in the same list, as replay does', async () => {
    const writes: number[] = [];
    const result = await catchUpWebhookList(s, { batchSize: 4, applyEvery: 12, onProgress: (position) => writes.push(position) });
    expect(result.applied).toBe(webhookEvents);
    expect(writes).toHaveLength(Math.ceil(webhookEvents / 12));
    expect(writes.at(-1)).toBe(result.position);
    expect(await s.readModel.checkpoint()).toBe(result.position);
    for (const c of [orgA, orgB]) expect((await listAll(s.readModel, c)).rows).toEqual(await foldedList(c));
    // Memory stays bounded by rows too: a write as soon as 3 webhooks are held, whatever applyEvery says.
    await s.readModel.reset();
    const bounded: number[] = [];
    await catchUpWebhookList(s, { batchSize: 4, applyEvery: 1000, maxRows: 3, onProgress: (position) => bounded.push(position) });
    expect(bounded.length).toBeGreaterThanOrEqual(Math.ceil(webhooks.length / 3));
    for (const c of [orgA, orgB]) expect((await listAll(s.readModel, c)).rows).toEqual(await foldedList(c));
  });

  it('lists after catching up, so a process sees its own writes at once', async () => {
    const list = () => listWebhooks(s, { organizationId: orgA.organizationId, limit: 1000 });
    const before = await list();
    expect(before.rows).toEqual(await foldedList(orgA));
    clock.advance(1000);
    const view = unwrap(
      await createWebhook(deps, orgA, {
        webhook_name: 'Fresh',
        event_types: ['trigger.*'],
        channels: [{ channel: 'webhook', configs: { url: 'https://example.com/fresh' } }],
      }),
    );
    const after = await list();
    expect(after.total).toBe(before.total + 1);
    expect(after.rows.at(-1)).toMatchObject({ webhook: { webhook_id: view.webhook.webhook_id, webhook_name: 'Fresh' }, version: 1 });
    unwrap(await executeWebhookCommand(deps, orgA, view.webhook.webhook_id, { type: 'DeleteWebhook', data: {} }));
    expect((await list()).rows.map((r) => r.webhook.webhook_id)).not.toContain(view.webhook.webhook_id);
    expect(
      (await listWebhooks(s, { organizationId: orgA.organizationId, eventType: 'trigger.fired', limit: 10 })).rows.every((r) =>
        r.webhook.event_types.includes('*'),
      ),
    ).toBe(true);
  });

  it('ends in the folded state when two catch-ups run at once', async () => {
    const other = s.second();
    await Promise.all([
      catchUpWebhookList(s, { batchSize: 3 }),
      catchUpWebhookList({ eventStore: s.eventStore, readModel: other }, { batchSize: 4 }),
      catchUpWebhookList(s, { batchSize: 5 }),
    ]);
    for (const caller of [orgA, orgB]) {
      expect((await listAll(s.readModel, caller)).rows).toEqual(await foldedList(caller));
      expect((await listAll(other, caller)).rows).toEqual(await foldedList(caller));
    }
  });

  it('reads no row for a webhook first met at its creation, even one another process wrote meanwhile', async () => {
    const asked: string[] = [];
    /** Reads the checkpoint, then another process catches the whole list up before this one reads the log. */
    const stale: WebhookReadModel = {
      checkpoint: async () => {
        const position = await s.readModel.checkpoint();
        await catchUpWebhookList({ eventStore: s.eventStore, readModel: s.second() }, { batchSize: 5 });
        return position;
      },
      apply: (rows, checkpoint) => s.readModel.apply(rows, checkpoint),
      list: (query) => s.readModel.list(query),
      reset: () => s.readModel.reset(),
      get: (id) => s.readModel.get(id),
      getMany: (ids) => {
        asked.push(...ids);
        return s.readModel.getMany(ids);
      },
    };
    const result = await catchUpWebhookList({ eventStore: s.eventStore, readModel: stale }, { batchSize: 1000 });
    // Every webhook's stream starts in this one page: each folds from its first event, whatever its row says.
    expect(asked).toEqual([]);
    expect(result.applied).toBe(webhookEvents);
    expect(await s.readModel.checkpoint()).toBe(result.position);
    for (const c of [orgA, orgB]) expect((await listAll(s.readModel, c)).rows).toEqual(await foldedList(c));
    // Pages that meet webhooks mid-stream read those rows (and only those).
    await s.readModel.reset();
    await catchUpWebhookList({ eventStore: s.eventStore, readModel: stale }, { batchSize: 3 });
    expect(asked.length).toBeGreaterThan(0);
    for (const c of [orgA, orgB]) expect((await listAll(s.readModel, c)).rows).toEqual(await foldedList(c));
  });

  it('ends in the folded state when another process applies part of its page mid-way', async () => {
    // Between this catch-up reading the log and reading a row, another process catches the row up:
    // the row it then gets already holds some of the events of its page.
    let raced = false;
    let cut = 0;
    /** The other process sees the log only up to `cut`, so it stops in the middle of our page. */
    const cutStore: EventStore = {
      append: (streamId, expected, events) => s.eventStore.append(streamId, expected, events),
      readStream: (streamId, options) => s.eventStore.readStream(streamId, options),
      readAll: async (options) => (await s.eventStore.readAll(options)).filter((e) => e.position <= cut),
      close: async () => {},
    };
    const raceOnce = async () => {
      if (!raced) {
        raced = true;
        const other = await catchUpWebhookList({ eventStore: cutStore, readModel: s.second() }, { batchSize: 9 });
        expect(other.position).toBe(cut);
      }
    };
    const racing: WebhookReadModel = {
      checkpoint: () => s.readModel.checkpoint(),
      apply: (rows, checkpoint) => s.readModel.apply(rows, checkpoint),
      list: (query) => s.readModel.list(query),
      reset: () => s.readModel.reset(),
      get: async (id) => {
        await raceOnce();
        return s.readModel.get(id);
      },
      // A batch reads its rows at once: the race lands between reading the log and reading them.
      getMany: async (ids) => {
        await raceOnce();
        return s.readModel.getMany(ids);
      },
    };
    const { caller, id } = webhooks[2]!;
    await catchUpWebhookList(s, { batchSize: 9 });
    // Two more events on one webhook, then the race over them and some later ones.
    await run(caller, id, { type: 'PauseWebhook', data: { reason: 'first' } });
    await run(caller, id, { type: 'ResumeWebhook', data: {} });
    await run(webhooks[0]!.caller, webhooks[0]!.id, { type: 'RenameWebhook', data: { webhook_name: 'After race' } });
    await run(caller, id, { type: 'PauseWebhook', data: { reason: 'second' } });
    const stream = await s.eventStore.readStream(`${WEBHOOK_STREAM_PREFIX}${id}`);
    cut = stream.find((e) => e.type === 'WebhookResumed' && e.revision > 2)?.position ?? stream.at(-2)!.position;
    const result = await catchUpWebhookList({ eventStore: s.eventStore, readModel: racing }, { batchSize: 100 });
    expect(raced).toBe(true);
    expect(await s.readModel.checkpoint()).toBe(result.position);
    expect(result.position).toBeGreaterThan(cut);
    for (const c of [orgA, orgB]) expect((await listAll(s.readModel, c)).rows).toEqual(await foldedList(c));
    expect(await s.readModel.get(id)).toMatchObject({ webhook: { status: 'paused', paused_reason: 'second' } });
  });
});
