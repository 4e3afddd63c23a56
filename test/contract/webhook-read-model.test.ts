import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InMemoryWebhookReadModel } from '../../src/adapters/store/memory/memory-webhook-read-model.js';
import { SqliteWebhookReadModel } from '../../src/adapters/store/sqlite/sqlite-webhook-read-model.js';
import { type ExistingWebhook, type WebhookEvent, fold } from '../../src/domain/index.js';
import type { WebhookReadModel, WebhookRow } from '../../src/ports/webhook-read-model.js';
import { tempSqlite } from '../support/sqlite-temp.js';
import { created, deleted, paused } from '../support/webhook-fixtures.js';

const ORG_A = 'int_aaaaaaaaaaaaaaaaaaaaaaaa';
const ORG_B = 'int_bbbbbbbbbbbbbbbbbbbbbbbb';

/** A row folded from real domain events. */
const row = (sequence: number, overrides: Parameters<typeof created>[0] = {}, ...more: WebhookEvent[]): WebhookRow => {
  const history = [created({ webhook_id: `wh_${String(sequence).padStart(10, '0')}`, organization_id: ORG_A, ...overrides }), ...more];
  return { webhook: fold(history) as ExistingWebhook, version: history.length, sequence };
};

const contract = (name: string, factory: () => { model: WebhookReadModel; cleanup: () => Promise<void> }) =>
  describe(`WebhookReadModel contract: ${name}`, () => {
    let f: ReturnType<typeof factory>;
    const ids = (rows: readonly WebhookRow[]) => rows.map((r) => r.webhook.webhook_id);
    beforeEach(async () => {
      f = factory();
      await f.model.apply(
        [
          row(1, { event_types: ['*'] }),
          row(2, { event_types: ['object.*'] }),
          row(3, { event_types: ['object.created', 'cluster.created'] }, paused()),
          row(4, { event_types: ['collection.*'] }),
          row(5, { event_types: ['object.created'] }, deleted()),
          row(6, { organization_id: ORG_B, event_types: ['*'] }),
        ],
        10,
      );
    });
    afterEach(() => f.cleanup());

    const list = (q: Partial<Parameters<WebhookReadModel['list']>[0]> = {}) => f.model.list({ organizationId: ORG_A, limit: 50, ...q });

    it('lists one organization’s live webhooks in a stable order, never deleted or foreign ones', async () => {
      const page = await list();
      expect(ids(page.rows)).toEqual(['wh_0000000001', 'wh_0000000002', 'wh_0000000003', 'wh_0000000004']);
      expect(page.total).toBe(4);
      expect(ids((await f.model.list({ organizationId: ORG_B, limit: 50 })).rows)).toEqual(['wh_0000000006']);
    });

    it('filters by the event type a webhook would receive, wildcards included', async () => {
      expect(ids((await list({ eventType: 'object.created' })).rows)).toEqual(['wh_0000000001', 'wh_0000000002', 'wh_0000000003']);
      expect(ids((await list({ eventType: 'objects.created' })).rows)).toEqual(['wh_0000000001']);
      expect(ids((await list({ eventType: 'collection.created' })).rows)).toEqual(['wh_0000000001', 'wh_0000000004']);
      expect((await list({ eventType: "x' OR 1=1 --" })).total).toBe(1);
    });

    it('filters by is_active', async () => {
      expect(ids((await list({ isActive: false })).rows)).toEqual(['wh_0000000003']);
      expect((await list({ isActive: true })).total).toBe(3);
    });

    it('pages by offset and by cursor, each visiting every row once; total ignores paging', async () => {
      const byOffset = [...(await list({ limit: 3, offset: 0 })).rows, ...(await list({ limit: 3, offset: 3 })).rows];
      expect(ids(byOffset)).toEqual(ids((await list()).rows));
      const first = await list({ limit: 3 });
      expect(first.total).toBe(4);
      const second = await list({ limit: 3, afterSequence: first.rows.at(-1)!.sequence });
      expect(ids([...first.rows, ...second.rows])).toEqual(ids(byOffset));
      expect(second.total).toBe(4);
    });

    it('applies rows and checkpoint together, never moving the checkpoint back', async () => {
      expect(await f.model.checkpoint()).toBe(10);
      await f.model.apply([row(1, { webhook_name: 'stale' })], 9);
      expect((await f.model.get('wh_0000000001'))?.webhook.webhook_name).toBe('Slack Engineering Alerts');
      await f.model.apply([row(1, { webhook_name: 'fresh' })], 11);
      expect((await f.model.get('wh_0000000001'))?.webhook.webhook_name).toBe('fresh');
      expect(await f.model.checkpoint()).toBe(11);
    });

    it('forgets everything on reset', async () => {
      await f.model.reset();
      expect(await f.model.checkpoint()).toBe(0);
      expect((await list()).total).toBe(0);
    });
  });

contract('in-memory', () => ({ model: new InMemoryWebhookReadModel(), cleanup: async () => {} }));
contract('SQLite file', () => {
  const t = tempSqlite();
  return { model: new SqliteWebhookReadModel(t.db), cleanup: t.cleanup };
});
