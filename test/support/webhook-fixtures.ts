import { type Channel, type CommandMetadata, type IdentifiedChannel, type EventCatalog, type WebhookEvent, dottedCatalog } from '../../src/domain/index.js';

export const T0 = '2026-11-22T10:00:00.000Z';
export const T1 = '2026-11-22T11:00:00.000Z';
export const T2 = '2026-11-22T12:00:00.000Z';

export const meta = (now = T1, catalog: EventCatalog = dottedCatalog): CommandMetadata => ({ now, catalog });

export const httpChannel = (url = 'https://example.com/hook') => ({ channel: 'webhook', configs: { url, headers: {}, timeout: 10 } }) as const;

export const slackChannel = { channel: 'slack', configs: { webhook_url: 'https://hooks.slack.com/services/T/B/X', channel: '#alerts' } } as const;

/** Channels as a webhook keeps them: a channel without an id gets `ch_<position + 1>`, as the domain gives them to a new webhook. */
export const withIds = (channels: readonly Channel[]): IdentifiedChannel[] =>
  channels.map((c, i) => ({ channel_id: c.channel_id ?? `ch_${i + 1}`, ...c }) as IdentifiedChannel);

type CreatedData = Extract<WebhookEvent, { type: 'WebhookCreated' }>['data'];

/** WebhookCreated for the fixture's webhook; channels given without ids get them by position. */
export const created = (overrides: Partial<Omit<CreatedData, 'channels'>> & { channels?: readonly Channel[] } = {}): WebhookEvent => ({
  type: 'WebhookCreated',
  version: 2,
  data: {
    webhook_id: 'wh_abc123def4',
    organization_id: 'int_000000000000000000000001',
    webhook_name: 'Slack Engineering Alerts',
    event_types: ['cluster.execution.completed', 'cluster.execution.failed'],
    is_active: true,
    at: T0,
    ...overrides,
    channels: withIds(overrides.channels ?? [httpChannel()]),
  },
});

/** WebhookChannelsChanged (the current version); channels given without ids get them by position. */
export const channelsChanged = (channels: readonly Channel[], at = T1): WebhookEvent => ({
  type: 'WebhookChannelsChanged',
  version: 2,
  data: { channels: withIds(channels), at },
});

export const paused = (at = T1, reason = 'paused on request'): WebhookEvent => ({
  type: 'WebhookPaused',
  version: 1,
  data: { reason, automatic: false, at },
});
export const deleted = (at = T1): WebhookEvent => ({ type: 'WebhookDeleted', version: 1, data: { at } });
