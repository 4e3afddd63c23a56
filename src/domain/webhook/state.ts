import type { IdentifiedChannel } from './channels.js';

interface Configured {
  readonly webhook_id: string;
  readonly organization_id: string;
  readonly webhook_name: string;
  readonly event_types: readonly string[];
  readonly channels: readonly IdentifiedChannel[];
  /** The highest `ch_<n>` given out so far: a new channel gets the next, so a removed channel's id is never reused. */
  readonly last_channel_number: number;
  /**
   * When the webhook was created, last resumed or last had its channels changed: failed
   * attempts before it do not count towards auto-pause (ADR 0015).
   */
  readonly failure_streak_reset_at: string;
  readonly created_at: string;
  /** Moves only when an event is recorded. */
  readonly updated_at: string;
}

/** A union keyed on status, so impossible states (a deleted, active webhook) cannot be written. */
export type WebhookState =
  | { readonly status: 'initial' }
  | (Configured & { readonly status: 'active' })
  | (Configured & { readonly status: 'paused'; readonly paused_reason: string; readonly paused_automatically: boolean })
  | (Configured & { readonly status: 'deleted'; readonly deleted_at: string; readonly forgotten_at?: string });

/** A webhook that was created (active, paused or deleted). */
export type ExistingWebhook = Exclude<WebhookState, { status: 'initial' }>;
/** A webhook that can change and receive events (active or paused), i.e. not deleted. */
export type LiveWebhook = Extract<WebhookState, { status: 'active' | 'paused' }>;

/** The state of a webhook before its first event: fold from here. */
export const initialState = (): WebhookState => ({ status: 'initial' });

/** Whether a webhook exists and is not deleted (active or paused). */
export const isLive = (state: WebhookState): state is LiveWebhook => state.status === 'active' || state.status === 'paused';
