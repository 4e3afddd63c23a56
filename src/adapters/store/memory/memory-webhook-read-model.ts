import { matches } from '../../../domain/index.js';
import type { WebhookListPage, WebhookListQuery, WebhookReadModel, WebhookRow } from '../../../ports/webhook-read-model.js';

const copy = <T>(value: T): T => structuredClone(value);

/** The list projection in memory (tests, embedding); same filters and order as the SQL adapters. */
export class InMemoryWebhookReadModel implements WebhookReadModel {
  private rows = new Map<string, WebhookRow>();
  private position = 0;

  async checkpoint(): Promise<number> {
    return this.position;
  }

  async get(webhookId: string): Promise<WebhookRow | undefined> {
    const row = this.rows.get(webhookId);
    return row ? copy(row) : undefined;
  }

  async getMany(webhookIds: readonly string[]): Promise<ReadonlyMap<string, WebhookRow>> {
    const found = new Map<string, WebhookRow>();
    for (const id of webhookIds) {
      const row = this.rows.get(id);
      if (row) found.set(id, copy(row));
    }
    return found;
  }

  async apply(rows: readonly WebhookRow[], checkpoint: number): Promise<void> {
    if (checkpoint <= this.position) return; // another catch-up got there first
    for (const row of rows) this.rows.set(row.webhook.webhook_id, copy(row));
    this.position = checkpoint;
  }

  async list(query: WebhookListQuery): Promise<WebhookListPage> {
    const matching = [...this.rows.values()]
      .filter(
        ({ webhook: w }) =>
          w.organization_id === query.organizationId &&
          w.status !== 'deleted' &&
          (query.isActive === undefined || (w.status === 'active') === query.isActive) &&
          (query.eventType === undefined || matches(w.event_types, query.eventType)),
      )
      .sort((a, b) => a.sequence - b.sequence);
    const start = query.afterSequence === undefined ? (query.offset ?? 0) : matching.findIndex((r) => r.sequence > query.afterSequence!);
    const rows = start < 0 ? [] : matching.slice(start, start + query.limit);
    return { rows: rows.map(copy), total: matching.length };
  }

  async reset(): Promise<void> {
    this.rows = new Map();
    this.position = 0;
  }
}
