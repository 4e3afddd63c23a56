import type { Pool } from 'pg';
import type { ExistingWebhook } from '../../../domain/index.js';
import type { WebhookListPage, WebhookListQuery, WebhookReadModel, WebhookRow } from '../../../ports/webhook-read-model.js';
import { inTransaction } from './transaction.js';

const NAME = 'webhook_list';
// Serialises catch-ups from several processes on this projection (any fixed number).
const PROJECTION_LOCK = 7_321_003;

interface Row {
  state: string;
  version: number;
  sequence: string;
}
const toRow = (r: Row): WebhookRow => ({ webhook: JSON.parse(r.state) as ExistingWebhook, version: r.version, sequence: Number(r.sequence) });

// $1 organization, $2 is_active (null = any), $3 event type (null = any). A pattern selects the
// type when it is '*', the type itself, or a prefix wildcard of it ('object.*' selects 'object.created').
const WHERE = `organization_id = $1 AND status <> 'deleted'
  AND ($2::boolean IS NULL OR status = CASE WHEN $2 THEN 'active' ELSE 'paused' END)
  AND ($3::text IS NULL OR EXISTS (
    SELECT 1 FROM unnest(event_types) AS p
    WHERE p = '*' OR p = $3 OR (right(p, 1) = '*' AND starts_with($3, left(p, -1)))))`;

/** The list projection on PostgreSQL: the same table and checkpoint as SQLite's (ADR 0005). */
export class PostgresWebhookReadModel implements WebhookReadModel {
  constructor(private readonly pool: Pool) {}

  async checkpoint(): Promise<number> {
    const result = await this.pool.query<{ position: string }>('SELECT position FROM projection_checkpoints WHERE name = $1', [NAME]);
    return Number(result.rows[0]?.position ?? 0);
  }

  async get(webhookId: string): Promise<WebhookRow | undefined> {
    const result = await this.pool.query<Row>('SELECT state, version, sequence FROM webhook_list WHERE webhook_id = $1', [webhookId]);
    return result.rows[0] ? toRow(result.rows[0]) : undefined;
  }

  async getMany(webhookIds: readonly string[]): Promise<ReadonlyMap<string, WebhookRow>> {
    if (webhookIds.length === 0) return new Map();
    const result = await this.pool.query<Row & { webhook_id: string }>(
      'SELECT webhook_id, state, version, sequence FROM webhook_list WHERE webhook_id = ANY($1)',
      [webhookIds],
    );
    return new Map(result.rows.map((r) => [r.webhook_id, toRow(r)]));
  }

  async apply(rows: readonly WebhookRow[], checkpoint: number): Promise<void> {
    await inTransaction(this.pool, async (client) => {
      await client.query('SELECT pg_advisory_xact_lock($1)', [PROJECTION_LOCK]);
      // Re-checked under the lock: two processes catching up at once apply a batch once.
      const current = await client.query<{ position: string }>('SELECT position FROM projection_checkpoints WHERE name = $1', [NAME]);
      if (Number(current.rows[0]?.position ?? 0) >= checkpoint) return;
      if (rows.length > 0) {
        // One statement for the batch; event types travel as JSON text per row.
        await client.query(
          `INSERT INTO webhook_list (webhook_id, organization_id, sequence, status, event_types, version, state)
           SELECT r.webhook_id, r.organization_id, r.sequence, r.status, ARRAY(SELECT json_array_elements_text(r.event_types::json)), r.version, r.state
           FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[], $5::text[], $6::int[], $7::text[])
             AS r(webhook_id, organization_id, sequence, status, event_types, version, state)
           ON CONFLICT (webhook_id) DO UPDATE SET sequence = excluded.sequence, status = excluded.status,
             event_types = excluded.event_types, version = excluded.version, state = excluded.state`,
          [
            rows.map((r) => r.webhook.webhook_id),
            rows.map((r) => r.webhook.organization_id),
            rows.map((r) => r.sequence),
            rows.map((r) => r.webhook.status),
            rows.map((r) => JSON.stringify(r.webhook.event_types)),
            rows.map((r) => r.version),
            rows.map((r) => JSON.stringify(r.webhook)),
          ],
        );
      }
      await client.query('INSERT INTO projection_checkpoints (name, position) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET position = excluded.position', [
        NAME,
        checkpoint,
      ]);
    });
  }

  async list(query: WebhookListQuery): Promise<WebhookListPage> {
    const filters = [query.organizationId, query.isActive ?? null, query.eventType ?? null];
    const page =
      query.afterSequence === undefined
        ? this.pool.query<Row>(`SELECT state, version, sequence FROM webhook_list WHERE ${WHERE} ORDER BY sequence LIMIT $4 OFFSET $5`, [
            ...filters,
            query.limit,
            query.offset ?? 0,
          ])
        : this.pool.query<Row>(`SELECT state, version, sequence FROM webhook_list WHERE ${WHERE} AND sequence > $5 ORDER BY sequence LIMIT $4`, [
            ...filters,
            query.limit,
            query.afterSequence,
          ]);
    const count = this.pool.query<{ n: string }>(`SELECT count(*) AS n FROM webhook_list WHERE ${WHERE}`, filters);
    const [rows, total] = await Promise.all([page, count]);
    return { rows: rows.rows.map(toRow), total: Number(total.rows[0]!.n) };
  }

  async reset(): Promise<void> {
    await inTransaction(this.pool, async (client) => {
      await client.query('SELECT pg_advisory_xact_lock($1)', [PROJECTION_LOCK]);
      await client.query('DELETE FROM webhook_list');
      await client.query('DELETE FROM projection_checkpoints WHERE name = $1', [NAME]);
    });
  }
}
