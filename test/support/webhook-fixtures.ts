import {
  type CommandMetadata,
  type EventCatalog,
  type WebhookEvent,
  dottedCatalog,
} from '../../src/domain/index.js';

export const T0 = '2026-11-22T10:00:00.000Z';
export const T1 = '2026-11-22T11:00:00.000Z';
export const T2 = '2026-11-22T12:00:00.000Z';

export const meta = (now = T1, catalog: EventCatalog = dottedCatalog): CommandMetadata => ({ now, catalog });

export const httpChannel = (url = 'https://example.com/hook') =>
  ({ channel: 'webhook', configs: { url, headers: {}, timeout: 10 } }) as const;

export const slackChannel = { channel: 'slack', configs: { webhook_url: 'https://hooks.slack.com/services/T/B/X', channel: '#alerts' } } as const;

export const created = (overrides: Partial<Extract<WebhookEvent, { type: 'WebhookCreated' }>['data']> = {}): WebhookEvent => ({
  type: 'WebhookCreated',
  version: 1,
  data: {
    webhook_id: 'wh_abc123def4',
    organization_id: 'int_000000000000000000000001',
    webhook_name: 'Slack Engineering Alerts',
    event_types: ['cluster.execution.completed', 'cluster.execution.failed'],
    channels: [httpChannel()],
    is_active: true,
    at: T0,
    ...overrides,
  },
});

/** A CreateWebhook command for the fixture's webhook; `data` overrides its fields. */
export const createCommand = (data: Record<string, unknown> = {}, metadata: unknown = meta()) =>
  ({
    type: 'CreateWebhook',
    data: {
      webhook_id: 'wh_abc123def4',
      organization_id: 'int_000000000000000000000001',
      webhook_name: 'Slack Engineering Alerts',
      event_types: ['cluster.execution.completed', 'cluster.execution.failed'],
      channels: [{ channel: 'webhook', configs: { url: 'https://example.com/hook' } }],
      ...data,
    },
    metadata,
  }) as never;

export const paused = (at = T1, reason = 'paused on request'): WebhookEvent => ({
  type: 'WebhookPaused', version: 1, data: { reason, automatic: false, at },
});
export const deleted = (at = T1): WebhookEvent => ({ type: 'WebhookDeleted', version: 1, data: { at } });
