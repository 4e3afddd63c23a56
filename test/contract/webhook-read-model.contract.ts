import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ExistingWebhook, type WebhookEvent, fold, matches } from '../../src/domain/index.js';
import type { WebhookListQuery, WebhookReadModel, WebhookRow } from '../../src/ports/webhook-read-model.js';
import { T2, created, deleted, paused } from '../support/webhook-fixtures.js';

export interface WebhookReadModelFixture {
  readonly model: WebhookReadModel;
  /** For durable adapters: a second, independent instance on the same storage (another process). */
  readonly reopen?: () => WebhookReadModel;
  readonly cleanup: () => Promise<void>;
}

export const ORG_A = 'int_aaaaaaaaaaaaaaaaaaaaaaaa';
export const ORG_B = 'int_bbbbbbbbbbbbbbbbbbbbbbbb';

export const idOf = (sequence: number) => `wh_${String(sequence).padStart(10, '0')}`;

/** A row folded from real domain events; version = number of events. */
export const row = (sequence: number, overrides: Parameters<typeof created>[0] = {}, ...more: WebhookEvent[]): WebhookRow => {
  const history = [created({ webhook_id: idOf(sequence), organization_id: ORG_A, webhook_name: `W${sequence}`, ...overrides }), ...more];
  const state = fold(history);
  if (state.status === 'initial') throw new Error('fixture folded to nothing');
  return { webhook: state as ExistingWebhook, version: history.length, sequence };
};

const ids = (rows: readonly WebhookRow[]) => rows.map((r) => r.webhook.webhook_id);

/**
 * The seed: org A has live webhooks (some paused), a deleted one and awkward
 * patterns; org B has rows that would match every filter. Applied out of order.
 */
const seed = (): WebhookRow[] => [
  row(7, { event_types: ['collection.*'] }),
  row(1, { event_types: ['*'] }),
  row(3, { event_types: ['object.created', 'cluster.created'] }, paused()),
  row(2, { event_types: ['object.*'] }),
  row(5, { event_types: ['object.created'] }, deleted()),
  row(6, { organization_id: ORG_B, event_types: ['*'] }),
  row(8, { organization_id: ORG_B, event_types: ['object.*'] }, paused()),
  row(9, { event_types: ['a_b.*', 'x%'] }),
  row(11, { event_types: ['objects.created'] }, paused()),
  row(12, { event_types: ['*'] }, paused(), deleted(T2)),
  row(14, { event_types: ['object.deleted'] }),
];

const EVENT_TYPES = [
  'object.created',
  'objects.created',
  'object.deleted',
  'collection.created',
  'cluster.created',
  'a_b.x',
  'axb.x',
  'x%',
  'xyz',
  'object.',
  'object',
  "x' OR 1=1 --",
  '',
];

/** The reference semantics the adapter's list must reproduce, from the domain's `matches`. */
const expected = (rows: readonly WebhookRow[], q: Omit<WebhookListQuery, 'limit'>) =>
  rows
    .filter(({ webhook: w }) => w.organization_id === q.organizationId && w.status !== 'deleted')
    .filter(({ webhook: w }) => q.isActive === undefined || (w.status === 'active') === q.isActive)
    .filter(({ webhook: w }) => q.eventType === undefined || matches(w.event_types, q.eventType))
    .sort((a, b) => a.sequence - b.sequence);

/** The behaviour every WebhookReadModel adapter must have; see ADR 0005. */
export const webhookReadModelContract = (name: string, factory: () => Promise<WebhookReadModelFixture>) => {
  describe(`WebhookReadModel contract: ${name}`, () => {
    let fixture: WebhookReadModelFixture;
    let model: WebhookReadModel;
    const rows = seed();
    const list = (q: Partial<WebhookListQuery> = {}) => model.list({ organizationId: ORG_A, limit: 100, ...q });

    beforeEach(async () => {
      fixture = await factory();
      model = fixture.model;
      await model.apply(rows.slice(0, 4), 10);
      await model.apply(rows.slice(4), 20);
    });
    afterEach(async () => fixture.cleanup());

    it('starts empty at checkpoint 0', async () => {
      await model.reset();
      expect(await model.checkpoint()).toBe(0);
      expect(await model.get(idOf(1))).toBeUndefined();
      expect(await list()).toEqual({ rows: [], total: 0 });
    });

    it('round-trips rows intact, deleted ones included', async () => {
      for (const r of rows) expect(await model.get(r.webhook.webhook_id)).toEqual(r);
      expect((await model.get(idOf(5)))?.webhook.status).toBe('deleted');
    });

    it('lists one organization’s live webhooks ordered by sequence, never deleted or foreign ones', async () => {
      const page = await list();
      expect(ids(page.rows)).toEqual([1, 2, 3, 7, 9, 11, 14].map(idOf));
      expect(page.rows.map((r) => r.sequence)).toEqual([1, 2, 3, 7, 9, 11, 14]);
      expect(page.total).toBe(7);
      expect(ids((await list({ organizationId: ORG_B })).rows)).toEqual([idOf(6), idOf(8)]);
      expect(await list({ organizationId: 'int_nobody' })).toEqual({ rows: [], total: 0 });
    });

    it('agrees with the domain’s matches for every filter combination, never leaking another organization', async () => {
      for (const organizationId of [ORG_A, ORG_B]) {
        for (const isActive of [undefined, true, false]) {
          for (const eventType of [undefined, ...EVENT_TYPES]) {
            const query = { organizationId, isActive, eventType };
            const page = await model.list({ ...query, limit: 100 });
            const want = expected(rows, query);
            expect(page.rows, JSON.stringify(query)).toEqual(want);
            expect(page.total, JSON.stringify(query)).toBe(want.length);
            expect(page.rows.every((r) => r.webhook.organization_id === organizationId && r.webhook.status !== 'deleted')).toBe(true);
          }
        }
      }
    });

    it('filters by event type: `*`, `object.*` and exact names, and `object.*` does not match `objects.created`', async () => {
      expect(ids((await list({ eventType: 'object.created' })).rows)).toEqual([1, 2, 3].map(idOf));
      expect(ids((await list({ eventType: 'objects.created' })).rows)).toEqual([1, 11].map(idOf));
      expect(ids((await list({ eventType: 'object.deleted' })).rows)).toEqual([1, 2, 14].map(idOf));
      expect(ids((await list({ eventType: 'collection.created' })).rows)).toEqual([1, 7].map(idOf));
      // `_` and `%` are literal characters, not LIKE wildcards.
      expect(ids((await list({ eventType: 'axb.x' })).rows)).toEqual([idOf(1)]);
      expect(ids((await list({ eventType: 'a_b.x' })).rows)).toEqual([1, 9].map(idOf));
      expect(ids((await list({ eventType: 'xyz' })).rows)).toEqual([idOf(1)]);
      expect((await list({ eventType: "x' OR 1=1 --" })).total).toBe(1);
    });

    it('filters by is_active', async () => {
      expect(ids((await list({ isActive: false })).rows)).toEqual([3, 11].map(idOf));
      expect(ids((await list({ isActive: true })).rows)).toEqual([1, 2, 7, 9, 14].map(idOf));
      expect((await list({ isActive: true, eventType: 'object.created' })).total).toBe(2);
    });

    it('pages by offset and by cursor, each visiting every row exactly once, with a total independent of paging', async () => {
      for (const filters of [{}, { isActive: true }, { eventType: 'object.created' }] as const) {
        const all = await list(filters);
        for (let limit = 1; limit <= all.rows.length + 1; limit++) {
          const byOffset: WebhookRow[] = [];
          for (let offset = 0; ; offset += limit) {
            const page = await list({ ...filters, limit, offset });
            expect(page.total).toBe(all.total);
            byOffset.push(...page.rows);
            if (page.rows.length < limit) break;
          }
          expect(ids(byOffset)).toEqual(ids(all.rows));

          const byCursor: WebhookRow[] = [];
          for (let after: number | undefined; ;) {
            const page = await list({ ...filters, limit, afterSequence: after });
            expect(page.total).toBe(all.total);
            byCursor.push(...page.rows);
            if (page.rows.length < limit) break;
            after = page.rows.at(-1)!.sequence;
          }
          expect(ids(byCursor)).toEqual(ids(all.rows));
        }
      }
      expect(await list({ offset: 50 })).toEqual({ rows: [], total: 7 });
      expect(await list({ afterSequence: 14 })).toEqual({ rows: [], total: 7 });
      expect(ids((await list({ afterSequence: 4, limit: 2 })).rows)).toEqual([7, 9].map(idOf));
    });

    it('upserts a webhook in place, keeping its sequence, and drops it from the list once deleted', async () => {
      const pausedTwo = row(2, { event_types: ['object.*'] }, paused());
      await model.apply([pausedTwo], 21);
      expect(await model.get(idOf(2))).toEqual(pausedTwo);
      expect(ids((await list({ isActive: false })).rows)).toEqual([2, 3, 11].map(idOf));
      await model.apply([row(2, { event_types: ['object.*'] }, paused(), deleted(T2))], 22);
      expect(ids((await list()).rows)).toEqual([1, 3, 7, 9, 11, 14].map(idOf));
      expect((await model.get(idOf(2)))?.version).toBe(3);
    });

    it('moves the checkpoint with its rows and never backwards; a stale batch writes nothing', async () => {
      expect(await model.checkpoint()).toBe(20);
      await model.apply([row(1, { webhook_name: 'stale' }), row(30)], 19);
      await model.apply([row(1, { webhook_name: 'same' }), row(31)], 20);
      expect(await model.checkpoint()).toBe(20);
      expect((await model.get(idOf(1)))?.webhook.webhook_name).toBe('W1');
      expect(await model.get(idOf(30))).toBeUndefined();
      expect(await model.get(idOf(31))).toBeUndefined();
      await model.apply([row(1, { webhook_name: 'fresh' })], 25);
      expect((await model.get(idOf(1)))?.webhook.webhook_name).toBe('fresh');
      expect(await model.checkpoint()).toBe(25);
      await model.apply([], 26);
      expect(await model.checkpoint()).toBe(26);
    });

    it('does not let a second instance on the same storage move the checkpoint back or re-apply a batch', async () => {
      if (!fixture.reopen) return;
      const other = fixture.reopen();
      expect(await other.checkpoint()).toBe(20);
      expect(ids((await other.list({ organizationId: ORG_A, limit: 100 })).rows)).toEqual(ids((await list()).rows));
      await model.apply([row(1, { webhook_name: 'first' })], 30);
      await other.apply([row(1, { webhook_name: 'late' })], 30);
      await other.apply([row(1, { webhook_name: 'older' })], 25);
      expect(await other.checkpoint()).toBe(30);
      expect((await model.get(idOf(1)))?.webhook.webhook_name).toBe('first');
    });

    it('returns copies: changing a returned row does not change the model', async () => {
      const got = (await model.get(idOf(1))) as { webhook: { webhook_name: string } };
      got.webhook.webhook_name = 'mutated';
      const [listed] = (await list({ limit: 1 })).rows as unknown as { webhook: { webhook_name: string } }[];
      listed!.webhook.webhook_name = 'mutated';
      expect((await model.get(idOf(1)))?.webhook.webhook_name).toBe('W1');
    });

    it('forgets rows and checkpoint on reset, and can be rebuilt from 0', async () => {
      await model.reset();
      expect(await model.checkpoint()).toBe(0);
      expect(await model.get(idOf(5))).toBeUndefined();
      expect((await list()).total).toBe(0);
      expect((await list({ organizationId: ORG_B })).total).toBe(0);
      await model.apply([row(1)], 3);
      expect(await model.checkpoint()).toBe(3);
      expect(ids((await list()).rows)).toEqual([idOf(1)]);
    });
  });
};
