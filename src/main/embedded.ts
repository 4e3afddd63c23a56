/**
 * Hookledger's use cases running in your process on in-memory adapters:
 * `import { createEmbeddedHookledger } from 'hookledger/memory'`.
 * For durable storage, implement the ports (`EventStore`, …) yourself or
 * run the service.
 */
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
import { readConfig } from './config.js';
import { compose } from './container.js';
import { createLogger } from './logger.js';
import { TOKENS } from './tokens.js';

export { InMemoryEventStore, InMemoryWebhookReadModel };

/**
 * A self-contained Hookledger for one process: webhooks, their history and lists, no I/O.
 * Channel URLs naming a private address or localhost are refused unless `allowPrivateDestinations` is true.
 */
export const createEmbeddedHookledger = (options: { clock?: Clock; allowPrivateDestinations?: boolean } = {}) => {
  const eventStore = new InMemoryEventStore();
  // The service's own composition on `memory:` (no file, no server, no environment read); ports resolve on first use.
  const base = readConfig({});
  const config = { ...base, databaseUrl: 'memory:', delivery: { ...base.delivery, allowPrivateDestinations: options.allowPrivateDestinations === true } };
  const composed = compose(config, { eventStore, logger: createLogger('silent'), ...(options.clock ? { clock: options.clock } : {}) });
  const deps = async () => (await composed).get(TOKENS.Webhooks);
  const listDeps = async () => ({ eventStore, readModel: (await composed).get(TOKENS.ReadModel) });
  return {
    eventStore,
    create: async (caller: Caller, settings: WebhookSettingsInput) => createWebhook(await deps(), caller, settings),
    execute: async (caller: Caller, webhookId: string, command: WebhookCommandInput, expectedVersion?: number) =>
      executeWebhookCommand(await deps(), caller, webhookId, command, { expectedVersion }),
    get: async (organizationId: string, webhookId: string, asOf?: Date) => loadWebhook(await deps(), organizationId, webhookId, asOf),
    history: async (organizationId: string, webhookId: string) => webhookHistory(await deps(), organizationId, webhookId),
    list: async (organizationId: string, filter: { eventType?: string; isActive?: boolean } = {}) =>
      listWebhooks(await listDeps(), { organizationId, ...filter, limit: 100 }),
  };
};
