import type { Channel } from './channels.js';

interface Configured {
  readonly webhook_id: string;
  readonly organization_id: string;
  readonly webhook_name: string;
  readonly event_types: readonly string[];
  readonly channels: readonly Channel[];
  readonly created_at: string;
  /** Moves only when an event is recorded. */
  readonly updated_at: string;
}

/** A union keyed on status, so impossible states (a deleted, active webhook) cannot be written. */
export type WebhookState =
  | { readonly status: 'initial' }
  | (Configured & { readonly status: 'active' })
  | (Configured & { readonly status: 'paused'; readonly paused_reason: string; readonly paused_automatically: boolean })
  | (Configured & { readonly status: 'deleted'; readonly deleted_at: string });

export type ExistingWebhook = Exclude<WebhookState, { status: 'initial' }>;
export type LiveWebhook = Extract<WebhookState, { status: 'active' | 'paused' }>;

export const initialState = (): WebhookState => ({ status: 'initial' });

export const isLive = (state: WebhookState): state is LiveWebhook =>
  state.status === 'active' || state.status === 'paused';
