/**
 * Hookledger's use cases running in your process on in-memory adapters:
 * `import { createEmbeddedHookledger } from 'hookledger/memory'`.
 * For durable storage, implement the ports (`EventStore`, …) yourself or
 * run the service.
 */
import { SystemClock } from '../adapters/clock/system/system-clock.js';
import { CryptoIds } from '../adapters/ids/crypto/crypto-ids.js';
import { InMemoryEventStore } from '../adapters/store/memory/memory-event-store.js';
import { InMemoryWebhookReadModel } from '../adapters/store/memory/memory-webhook-read-model.js';
import {
  type Caller,
  type WebhookCommandInput,
  createWebhook,
  executeWebhookCommand,
  listWebhooks,
  loadWebhook,
  webhookHistory,
} from '../application/index.js';
import type { WebhookSettingsInput } from '../domain/index.js';
import type { Clock } from '../ports/clock.js';

export { InMemoryEventStore, InMemoryWebhookReadModel };

/**
 * A self-contained Hookledger for one process: webhooks, their history and lists, no I/O.
 * Channel URLs naming a private address or localhost are refused unless `allowPrivateDestinations` is true.
 */
export const createEmbeddedHookledger = (options: { clock?: Clock; allowPrivateDestinations?: boolean } = {}) => {
  const eventStore = new InMemoryEventStore();
  const readModel = new InMemoryWebhookReadModel();
  const deps = { eventStore, clock: options.clock ?? new SystemClock(), ids: new CryptoIds(), allowPrivateDestinations: options.allowPrivateDestinations };
  return {
    eventStore,
    create: (caller: Caller, settings: WebhookSettingsInput) => createWebhook(deps, caller, settings),
    execute: (caller: Caller, webhookId: string, command: WebhookCommandInput, expectedVersion?: number) =>
      executeWebhookCommand(deps, caller, webhookId, command, { expectedVersion }),
    get: (organizationId: string, webhookId: string, asOf?: Date) => loadWebhook(deps, organizationId, webhookId, asOf),
    history: (organizationId: string, webhookId: string) => webhookHistory(deps, organizationId, webhookId),
    list: (organizationId: string, filter: { eventType?: string; isActive?: boolean } = {}) =>
      listWebhooks({ eventStore, readModel }, { organizationId, ...filter, limit: 100 }),
  };
};
