import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/adapters/clock/manual/manual-clock.js';
import { CryptoIds } from '../../src/adapters/ids/crypto/crypto-ids.js';
import { InMemoryEventStore } from '../../src/adapters/store/memory/memory-event-store.js';
import { InMemoryWebhookReadModel } from '../../src/adapters/store/memory/memory-webhook-read-model.js';
import { SqliteEventStore } from '../../src/adapters/store/sqlite/sqlite-event-store.js';
import { SqliteWebhookReadModel } from '../../src/adapters/store/sqlite/sqlite-webhook-read-model.js';
import {
  type Caller,
  catchUpWebhookList,
  createWebhook,
  executeWebhookCommand,
  loadWebhook,
  rebuildWebhookList,
} from '../../src/application/index.js';
import { dottedCatalog } from '../../src/domain/index.js';
import type { EventStore } from '../../src/ports/event-store.js';
import type { WebhookReadModel } from '../../src/ports/webhook-read-model.js';
import { tempSqlite } from '../support/sqlite-temp.js';

const caller: Caller = { organizationId: 'int_aaaaaaaaaaaaaaaaaaaaaaaa', actor: 'test', catalog: dottedCatalog };

describe.each([
  ['in-memory', () => ({ eventStore: new InMemoryEventStore() as EventStore, readModel: new InMemoryWebhookReadModel() as WebhookReadModel, cleanup: async () => {} })],
  ['SQLite (one file, shared connection)', () => {
    const t = tempSqlite();
    return { eventStore: new SqliteEventStore(t.db) as EventStore, readModel: new SqliteWebhookReadModel(t.db) as WebhookReadModel, cleanup: t.cleanup };
  }],
])('webhook list projection (%s)', (_name, setup) => {
  it('matches the folded state of every webhook, rebuilds identically, and ignores other streams', async () => {
    const { eventStore, readModel, cleanup } = setup();
    try {
      const deps = { eventStore, clock: new ManualClock(), ids: new CryptoIds() };
      const ids: string[] = [];
      for (let i = 0; i < 12; i++) {
        const r = await createWebhook(deps, caller, { webhook_name: `W${i}`, event_types: ['object.*'], channels: [{ channel: 'webhook', configs: { url: `https://e.com/${i}` } }] });
        if (r._tag === 'Left') throw new Error(r.left.message);
        ids.push(r.right.webhook.webhook_id);
        if (i % 3 === 0) await executeWebhookCommand(deps, caller, r.right.webhook.webhook_id, { type: 'PauseWebhook', data: {} });
        if (i % 4 === 0) await executeWebhookCommand(deps, caller, r.right.webhook.webhook_id, { type: 'DeleteWebhook', data: {} });
      }
      await eventStore.append('delivery-x', 0, [{ eventId: 'other', type: 'SomethingElse', version: 1, data: {}, metadata: { organizationId: caller.organizationId, actor: 't', recordedAt: '2026-01-01T00:00:00.000Z' } }]);

      const first = await catchUpWebhookList({ eventStore, readModel }, { batchSize: 7 });
      expect(first.applied).toBeGreaterThan(12);
      for (const id of ids) {
        const folded = await loadWebhook(deps, caller.organizationId, id);
        const row = await readModel.get(id);
        expect(row?.webhook).toEqual(folded?.webhook);
        expect(row?.version).toBe(folded?.version);
      }
      expect((await catchUpWebhookList({ eventStore, readModel })).applied).toBe(0);

      const before = await readModel.list({ organizationId: caller.organizationId, limit: 100 });
      expect(before.total).toBe(ids.length - 3);
      await rebuildWebhookList({ eventStore, readModel });
      expect(await readModel.list({ organizationId: caller.organizationId, limit: 100 })).toEqual(before);
    } finally {
      await cleanup();
    }
  });
});
