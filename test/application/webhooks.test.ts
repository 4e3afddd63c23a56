import { beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/adapters/clock/manual/manual-clock.js';
import { CryptoIds } from '../../src/adapters/ids/crypto/crypto-ids.js';
import { InMemoryEventStore } from '../../src/adapters/store/memory/memory-event-store.js';
import { UnreadableEventError, type WebhookDeps, createWebhook, executeWebhookCommand, loadWebhook, webhookHistory } from '../../src/application/index.js';
import { streamIdOf } from '../../src/domain/index.js';
import type { EventStore } from '../../src/ports/event-store.js';
import { orgA, orgB, opsSettings as settings, unwrap } from '../support/use-case-fixtures.js';

describe('webhook use cases', () => {
  let store: InMemoryEventStore;
  let clock: ManualClock;
  let deps: WebhookDeps;

  beforeEach(() => {
    store = new InMemoryEventStore();
    clock = new ManualClock('2026-11-22T10:00:00.000Z');
    deps = { eventStore: store, clock, ids: new CryptoIds() };
  });

  it('creates a webhook at version 1 and records who did it and when', async () => {
    const view = unwrap(await createWebhook(deps, orgA, settings));
    expect(view.version).toBe(1);
    expect(view.webhook).toMatchObject({ status: 'active', webhook_name: 'Ops', created_at: '2026-11-22T10:00:00.000Z' });
    expect(view.webhook.webhook_id).toMatch(/^wh_[A-Za-z0-9]{10}$/);
    const [event] = await store.readStream(streamIdOf(view.webhook.webhook_id));
    expect(event).toMatchObject({
      type: 'WebhookCreated',
      revision: 1,
      metadata: { organizationId: orgA.organizationId, actor: 'key:a', recordedAt: '2026-11-22T10:00:00.000Z' },
    });
  });

  it('records nothing, and keeps updated_at and version, for an update that changes nothing', async () => {
    const { webhook } = unwrap(await createWebhook(deps, orgA, settings));
    clock.advance(60_000);
    const view = unwrap(await executeWebhookCommand(deps, orgA, webhook.webhook_id, { type: 'UpdateWebhook', data: { ...settings, is_active: true } }));
    expect(view).toMatchObject({ version: 1, recorded: [] });
    expect(view.webhook.updated_at).toBe(webhook.updated_at);
    expect(await store.readAll()).toHaveLength(1);
  });

  it('answers another organization exactly as for a webhook that does not exist', async () => {
    const { webhook } = unwrap(await createWebhook(deps, orgA, settings));
    const before = await store.readAll();
    for (const type of ['PauseWebhook', 'DeleteWebhook', 'ResumeWebhook'] as const) {
      const theirs = await executeWebhookCommand(deps, orgB, webhook.webhook_id, { type, data: {} });
      const missing = await executeWebhookCommand(deps, orgB, 'wh_0000000000', { type, data: {} });
      expect(theirs).toEqual({ _tag: 'Left', left: { type: 'WebhookNotFound', message: `webhook ${webhook.webhook_id} not found` } });
      expect(missing).toEqual({ _tag: 'Left', left: { type: 'WebhookNotFound', message: 'webhook wh_0000000000 not found' } });
    }
    expect(await loadWebhook(deps, orgB.organizationId, webhook.webhook_id)).toBeUndefined();
    expect(await webhookHistory(deps, orgB.organizationId, webhook.webhook_id)).toBeUndefined();
    expect(await store.readAll()).toEqual(before);
  });

  it('fails with PreconditionFailed when the expected version is stale, and records nothing', async () => {
    const { webhook } = unwrap(await createWebhook(deps, orgA, settings));
    unwrap(await executeWebhookCommand(deps, orgA, webhook.webhook_id, { type: 'RenameWebhook', data: { webhook_name: 'B' } }));
    const stale = await executeWebhookCommand(deps, orgA, webhook.webhook_id, { type: 'RenameWebhook', data: { webhook_name: 'C' } }, { expectedVersion: 1 });
    expect(stale).toMatchObject({ _tag: 'Left', left: { type: 'PreconditionFailed', expected: 1, actual: 2 } });
    const fresh = unwrap(
      await executeWebhookCommand(deps, orgA, webhook.webhook_id, { type: 'RenameWebhook', data: { webhook_name: 'C' } }, { expectedVersion: 2 }),
    );
    expect(fresh.version).toBe(3);
  });

  it('loses no change when writers race: each is decided again on the fresh state', async () => {
    const { webhook } = unwrap(await createWebhook(deps, orgA, settings));
    const id = webhook.webhook_id;
    const results = await Promise.all([
      executeWebhookCommand(deps, orgA, id, { type: 'RenameWebhook', data: { webhook_name: 'Renamed' } }),
      executeWebhookCommand(deps, orgA, id, { type: 'ChangeEventTypes', data: { event_types: ['object.*'] } }),
      executeWebhookCommand(deps, orgA, id, { type: 'ChangeChannels', data: { channels: [{ channel: 'sms', configs: { phone_numbers: ['+15551234567'] } }] } }),
      executeWebhookCommand(deps, orgA, id, { type: 'PauseWebhook', data: { reason: 'maintenance' } }),
    ]);
    for (const r of results) expect(r._tag).toBe('Right');
    const now = await loadWebhook(deps, orgA.organizationId, id);
    expect(now?.version).toBe(5);
    expect(now?.webhook).toMatchObject({
      status: 'paused',
      webhook_name: 'Renamed',
      event_types: ['object.*'],
      channels: [{ channel: 'sms' }],
      paused_reason: 'maintenance',
    });
  });

  it('gives up with ConcurrencyConflict after a bounded number of lost races', async () => {
    const { webhook } = unwrap(await createWebhook(deps, orgA, settings));
    // Another writer slips one event in before every append of ours.
    const contended: EventStore = {
      ...store,
      readStream: store.readStream.bind(store),
      readAll: store.readAll.bind(store),
      close: store.close.bind(store),
      append: async (streamId, expected, events) => {
        const rival = await store.readStream(streamId);
        const n = rival.length;
        await store.append(streamId, n, [
          { ...events[0]!, eventId: `rival-${n}`, type: 'WebhookRenamed', data: { webhook_name: `rival ${n}`, at: events[0]!.metadata.recordedAt } },
        ]);
        return store.append(streamId, expected, events);
      },
    };
    const result = await executeWebhookCommand({ ...deps, eventStore: contended }, orgA, webhook.webhook_id, { type: 'PauseWebhook', data: {} });
    expect(result).toMatchObject({ _tag: 'Left', left: { type: 'ConcurrencyConflict', attempts: 5 } });
    const history = await store.readStream(streamIdOf(webhook.webhook_id));
    expect(history.map((e) => e.type)).toEqual(['WebhookCreated', ...Array(5).fill('WebhookRenamed')]);
  });

  it('shows the state as of any past moment, and keeps history after deletion', async () => {
    const { webhook } = unwrap(await createWebhook(deps, orgA, settings));
    const id = webhook.webhook_id;
    clock.set('2026-11-22T11:00:00.000Z');
    unwrap(await executeWebhookCommand(deps, orgA, id, { type: 'RenameWebhook', data: { webhook_name: 'Second' } }));
    clock.set('2026-11-22T12:00:00.000Z');
    unwrap(await executeWebhookCommand(deps, orgA, id, { type: 'DeleteWebhook', data: {} }));

    const at = async (iso: string) => loadWebhook(deps, orgA.organizationId, id, new Date(iso));
    expect(await at('2026-11-22T09:59:59.999Z')).toBeUndefined();
    expect((await at('2026-11-22T10:30:00.000Z'))?.webhook).toMatchObject({ webhook_name: 'Ops', status: 'active' });
    expect((await at('2026-11-22T11:00:00.000Z'))?.webhook).toMatchObject({ webhook_name: 'Second', updated_at: '2026-11-22T11:00:00.000Z' });
    expect((await loadWebhook(deps, orgA.organizationId, id))?.webhook.status).toBe('deleted');
    expect((await webhookHistory(deps, orgA.organizationId, id))?.map((e) => e.type)).toEqual(['WebhookCreated', 'WebhookRenamed', 'WebhookDeleted']);
  });

  it('refuses to fold a stream holding an event it cannot read', async () => {
    const { webhook } = unwrap(await createWebhook(deps, orgA, settings));
    await store.append(streamIdOf(webhook.webhook_id), 1, [
      {
        eventId: 'bad',
        type: 'WebhookRenamed',
        version: 1,
        data: { webhook_name: 42 },
        metadata: { organizationId: orgA.organizationId, actor: 'x', recordedAt: '2026-11-22T10:00:00.000Z' },
      },
    ]);
    await expect(loadWebhook(deps, orgA.organizationId, webhook.webhook_id)).rejects.toBeInstanceOf(UnreadableEventError);
  });
});
