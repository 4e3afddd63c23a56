import type { ExistingWebhook } from '../domain/index.js';

/** One webhook as the list endpoint serves it: its folded state, version and ordering key. */
export interface WebhookRow {
  readonly webhook: ExistingWebhook;
  /** Stream revision after the last applied event. */
  readonly version: number;
  /** Global position of its WebhookCreated event: a stable, unique list order. */
  readonly sequence: number;
}

export interface WebhookListQuery {
  readonly organizationId: string;
  /** Only webhooks that would receive this event type (`*` and `object.*` match `object.created`). */
  readonly eventType?: string | undefined;
  readonly isActive?: boolean | undefined;
  readonly limit: number;
  /** Either an offset or a cursor (the `sequence` of the last row seen). */
  readonly offset?: number | undefined;
  readonly afterSequence?: number | undefined;
}

export interface WebhookListPage {
  readonly rows: readonly WebhookRow[];
  /** Rows matching the filters, over all pages. */
  readonly total: number;
}

/**
 * The list projection. `apply` writes a batch of upserts and the checkpoint
 * (the global position they reach) atomically, so a crash never leaves one
 * without the other. Deleted webhooks are kept (status `deleted`) but never listed.
 */
export interface WebhookReadModel {
  checkpoint(): Promise<number>;
  get(webhookId: string): Promise<WebhookRow | undefined>;
  /** The rows of these webhooks (those that exist), in one read: a projection batch looks up its rows at once. */
  getMany(webhookIds: readonly string[]): Promise<ReadonlyMap<string, WebhookRow>>;
  apply(rows: readonly WebhookRow[], checkpoint: number): Promise<void>;
  list(query: WebhookListQuery): Promise<WebhookListPage>;
  /** Forget everything (for a rebuild from position 0). */
  reset(): Promise<void>;
}
