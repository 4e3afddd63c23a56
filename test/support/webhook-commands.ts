/** Typed webhook commands for specifications: the compiler checks every valid command a test writes. */
import type { CommandMetadata, WebhookCommand, WebhookCommandType } from '../../src/domain/index.js';
import { T1, meta } from './webhook-fixtures.js';

/** The command of one type, e.g. `CommandOf<'RenameWebhook'>`. */
export type CommandOf<T extends WebhookCommandType> = Extract<WebhookCommand, { type: T }>;
/** A command without its metadata; distributive, so each type keeps its own `data`. */
export type BareCommand = WebhookCommand extends infer C ? (C extends WebhookCommand ? Omit<C, 'metadata'> : never) : never;

/** `bare` with the fixture's metadata at `now`: `command({ type: 'RenameWebhook', data: { webhook_name: 'B' } })`. */
export const command = (bare: BareCommand, now = T1): WebhookCommand => ({ ...bare, metadata: meta(now) });

/** UpdateWebhook (PATCH when fields are left out) at `now`. */
export const updateWebhook = (data: CommandOf<'UpdateWebhook'>['data'], now = T1): WebhookCommand => ({
  type: 'UpdateWebhook',
  data,
  metadata: meta(now),
});

/** CreateWebhook for the fixture's webhook (the one `created()` records); `data` overrides its fields. */
export const createWebhook = (data: Partial<CommandOf<'CreateWebhook'>['data']> = {}, metadata: CommandMetadata = meta()): WebhookCommand => ({
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
});

/**
 * Input as a hostile caller sends it, which no type describes (an unknown channel kind, a
 * misspelt key, metadata missing). `decide` validates every command it is given, so it takes
 * this too: the one place a test hands it something the compiler cannot check.
 */
export const untrusted = <C = WebhookCommand>(input: unknown): C => input as C;

/** CreateWebhook as `createWebhook` builds it, with `data` and `metadata` as a hostile caller may send them. */
export const untrustedCreate = (data: Record<string, unknown>, metadata: unknown = meta()): WebhookCommand =>
  untrusted({ ...createWebhook(), data: { ...createWebhook().data, ...data }, metadata });
