import { beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/adapters/clock/manual/manual-clock.js';
import { CryptoIds } from '../../src/adapters/ids/crypto/crypto-ids.js';
import { InMemoryEventStore } from '../../src/adapters/store/memory/memory-event-store.js';
import { InMemoryOrganizationStore } from '../../src/adapters/store/memory/memory-organization-store.js';
import { InMemoryWebhookReadModel } from '../../src/adapters/store/memory/memory-webhook-read-model.js';
import { InMemoryWebhookSecrets } from '../../src/adapters/store/memory/memory-webhook-secrets.js';
import {
  PREVIOUS_SECRET_GRACE_MS,
  type SecretDeps,
  autoPauseWebhook,
  createWebhook,
  createWebhookWithSecret,
  executeWebhookCommand,
  findWebhook,
  listWebhookPage,
  loadWebhook,
  recoverDeliveries,
  revealSecret,
  rotateSecret,
} from '../../src/application/index.js';
import { streamIdOf } from '../../src/domain/index.js';
import type { EventStore } from '../../src/ports/event-store.js';
import { orgA, orgB, opsSettings as settings, unwrap } from '../support/use-case-fixtures.js';

// The rules that routes used to hold, as use cases: no HTTP needed to see them hold.
describe('use cases the routes call', () => {
  let store: InMemoryEventStore;
  let clock: ManualClock;
  let secrets: InMemoryWebhookSecrets;
  let deps: SecretDeps;
  let issued: number;

  beforeEach(() => {
    store = new InMemoryEventStore();
    clock = new ManualClock('2026-11-22T10:00:00.000Z');
    secrets = new InMemoryWebhookSecrets();
    issued = 0;
    deps = { eventStore: store, clock, ids: new CryptoIds(), secrets, secretGenerator: { newSecret: () => `whsec_${++issued}` } };
  });

  it('issues a secret at creation, re-issues one a crash lost, and keeps the previous one signing for 24 h after a rotation', async () => {
    const created = unwrap(await createWebhookWithSecret(deps, orgA, settings));
    expect(created.secret).toBe('whsec_1');
    expect(unwrap(await revealSecret(deps, orgA, created.webhook.webhook_id))).toEqual({ secret: 'whsec_1' });

    const lost = unwrap(await createWebhook(deps, orgA, settings)).webhook.webhook_id;
    expect(unwrap(await revealSecret(deps, orgA, lost))).toEqual({ secret: 'whsec_2' });
    expect((await secrets.get(lost))?.current).toBe('whsec_2');

    const rotated = unwrap(await rotateSecret(deps, orgA, created.webhook.webhook_id));
    expect(rotated).toEqual({ secret: 'whsec_3', version: 2 });
    expect((await secrets.get(created.webhook.webhook_id))?.previous).toEqual({
      secret: 'whsec_1',
      expiresAt: new Date(clock.now().getTime() + PREVIOUS_SECRET_GRACE_MS).toISOString(),
    });
    expect(await revealSecret(deps, orgB, created.webhook.webhook_id)).toMatchObject({ _tag: 'Left', left: { type: 'WebhookNotFound' } });
  });

  it('answers a deleted webhook as not found, except where the audit trail and delivery log ask for it', async () => {
    const id = unwrap(await createWebhook(deps, orgA, settings)).webhook.webhook_id;
    unwrap(await executeWebhookCommand(deps, orgA, id, { type: 'DeleteWebhook', data: {} }));
    expect(await findWebhook(deps, orgA.organizationId, id)).toEqual({ _tag: 'Left', left: { type: 'WebhookNotFound', message: `webhook ${id} not found` } });
    expect(unwrap(await findWebhook(deps, orgA.organizationId, id, { includeDeleted: true })).webhook.status).toBe('deleted');
    expect(await revealSecret(deps, orgA, id)).toMatchObject({ _tag: 'Left', left: { type: 'WebhookNotFound' } });
  });

  it('refuses a recover window that ends before it starts, as a validation failure at until', async () => {
    const id = unwrap(await createWebhook(deps, orgA, settings)).webhook.webhook_id;
    const recoverDeps = { ...deps, queue: { reschedule: async () => 0 } };
    expect(await recoverDeliveries(recoverDeps, orgA, id, { since: '2026-11-22T10:00:00Z', until: '2026-11-22T09:00:00Z' })).toEqual({
      _tag: 'Left',
      left: { type: 'ValidationFailed', message: 'until is before since', details: [{ path: ['until'], message: 'must not be before since' }] },
    });
  });

  it('lists by offset or by cursor, never both', async () => {
    const listDeps = { eventStore: store, readModel: new InMemoryWebhookReadModel(), queue: { lastErrors: async () => new Map() } };
    const cursors = { encode: () => 'c1', decode: () => ({ _tag: 'Right' as const, right: 1 }) };
    expect(await listWebhookPage(listDeps, orgA, { offset: 0, cursor: 'c1' }, cursors)).toMatchObject({
      _tag: 'Left',
      left: { type: 'ValidationFailed', details: [{ path: ['cursor'], message: 'cannot be combined with offset' }] },
    });
  });

  describe('auto-pause', () => {
    const organizations = new InMemoryOrganizationStore();
    const delivery = (webhookId: string) => ({ webhookId, message: { organizationId: orgA.organizationId } });

    it('pauses through the domain, recorded as done by the system', async () => {
      const id = unwrap(await createWebhook(deps, orgA, settings)).webhook.webhook_id;
      await autoPauseWebhook({ ...deps, organizations })(delivery(id), 'auto-paused: 410 Gone');
      expect((await loadWebhook(deps, orgA.organizationId, id))?.webhook.status).toBe('paused');
      const [, paused] = await store.readStream(streamIdOf(id));
      expect(paused).toMatchObject({ type: 'WebhookPaused', metadata: { actor: 'system:delivery' } });
      expect(paused?.data).toMatchObject({ reason: 'auto-paused: 410 Gone', automatic: true });
    });

    it('has nothing to pause once the webhook is deleted', async () => {
      const id = unwrap(await createWebhook(deps, orgA, settings)).webhook.webhook_id;
      unwrap(await executeWebhookCommand(deps, orgA, id, { type: 'DeleteWebhook', data: {} }));
      await expect(autoPauseWebhook({ ...deps, organizations })(delivery(id), 'auto-paused')).resolves.toBeUndefined();
      expect((await store.readStream(streamIdOf(id))).map((e) => e.type)).toEqual(['WebhookCreated', 'WebhookDeleted']);
    });

    it('does not swallow a refusal: a conflict that outlasts the retries reaches the worker', async () => {
      // Once the webhook exists, another writer wins every race.
      class Contended extends InMemoryEventStore {
        refusing = false;
        override async append(...args: Parameters<EventStore['append']>): ReturnType<EventStore['append']> {
          return this.refusing ? { ok: false, expected: args[1], actual: args[1] + 1 } : super.append(...args);
        }
      }
      const contended = new Contended();
      const id = unwrap(await createWebhook({ ...deps, eventStore: contended }, orgA, settings)).webhook.webhook_id;
      contended.refusing = true;
      await expect(autoPauseWebhook({ ...deps, eventStore: contended, organizations })(delivery(id), 'auto-paused')).rejects.toThrow(/ConcurrencyConflict/);
    });
  });
});
