import type { Database, Statement } from 'better-sqlite3';
import type { ExistingWebhook } from '../../../domain/index.js';
import type { WebhookListPage, WebhookListQuery, WebhookReadModel, WebhookRow } from '../../../ports/webhook-read-model.js';

const NAME = 'webhook_list';

interface Row { state: string; version: number; sequence: number }
const toRow = (r: Row): WebhookRow => ({ webhook: JSON.parse(r.state) as ExistingWebhook, version: r.version, sequence: r.sequence });

// A subscription pattern selects the type when it is '*', the type itself, or a prefix wildcard of it.
const EVENT_TYPE_FILTER = `(@eventType IS NULL OR EXISTS (
  SELECT 1 FROM json_each(webhook_list.event_types) p
  WHERE p.value = '*' OR p.value = @eventType
     OR (substr(p.value, -1) = '*' AND substr(@eventType, 1, length(p.value) - 1) = substr(p.value, 1, length(p.value) - 1))))`;
const WHERE = `organization_id = @organizationId AND status != 'deleted'
  AND (@isActive IS NULL OR status = CASE WHEN @isActive = 1 THEN 'active' ELSE 'paused' END)
  AND ${EVENT_TYPE_FILTER}`;

/**
 * The list projection in the `webhook_list` table (migration 2). Filters, order
 * and paging run in SQL; rows and the `webhook_list` checkpoint change in one
 * IMMEDIATE transaction, so it can share a file (and connection) with the event log.
 */
export class SqliteWebhookReadModel implements WebhookReadModel {
  private readonly selectCheckpoint: Statement<[string], { position: number }>;
  private readonly selectOne: Statement<[string], Row>;
  private readonly upsert: Statement;
  private readonly saveCheckpoint: Statement;
  private readonly count: Statement<Record<string, unknown>, { n: number }>;
  private readonly pageByOffset: Statement<Record<string, unknown>, Row>;
  private readonly pageByCursor: Statement<Record<string, unknown>, Row>;
  private readonly deleteRows: Statement;
  private readonly deleteCheckpoint: Statement;

  constructor(private readonly db: Database) {
    this.selectCheckpoint = db.prepare('SELECT position FROM projection_checkpoints WHERE name = ?');
    this.selectOne = db.prepare('SELECT state, version, sequence FROM webhook_list WHERE webhook_id = ?');
    this.upsert = db.prepare(
      `INSERT INTO webhook_list (webhook_id, organization_id, sequence, status, event_types, version, state)
       VALUES (@webhook_id, @organization_id, @sequence, @status, @event_types, @version, @state)
       ON CONFLICT (webhook_id) DO UPDATE SET sequence = excluded.sequence, status = excluded.status, event_types = excluded.event_types,
         version = excluded.version, state = excluded.state`,
    );
    this.saveCheckpoint = db.prepare(
      'INSERT INTO projection_checkpoints (name, position) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET position = excluded.position',
    );
    this.count = db.prepare(`SELECT count(*) AS n FROM webhook_list WHERE ${WHERE}`);
    this.pageByOffset = db.prepare(`SELECT state, version, sequence FROM webhook_list WHERE ${WHERE} ORDER BY sequence LIMIT @limit OFFSET @offset`);
    this.pageByCursor = db.prepare(
      `SELECT state, version, sequence FROM webhook_list WHERE ${WHERE} AND sequence > @after ORDER BY sequence LIMIT @limit`,
    );
    this.deleteRows = db.prepare('DELETE FROM webhook_list');
    this.deleteCheckpoint = db.prepare('DELETE FROM projection_checkpoints WHERE name = ?');
  }

  async checkpoint(): Promise<number> {
    return this.selectCheckpoint.get(NAME)?.position ?? 0;
  }

  async get(webhookId: string): Promise<WebhookRow | undefined> {
    const row = this.selectOne.get(webhookId);
    return row ? toRow(row) : undefined;
  }

  async apply(rows: readonly WebhookRow[], checkpoint: number): Promise<void> {
    this.db
      .transaction(() => {
        // Re-checked inside the write lock: two processes catching up at once apply a batch once.
        if ((this.selectCheckpoint.get(NAME)?.position ?? 0) >= checkpoint) return;
        for (const { webhook, version, sequence } of rows) {
          this.upsert.run({
            webhook_id: webhook.webhook_id,
            organization_id: webhook.organization_id,
            sequence,
            status: webhook.status,
            event_types: JSON.stringify(webhook.event_types),
            version,
            state: JSON.stringify(webhook),
          });
        }
        this.saveCheckpoint.run(NAME, checkpoint);
      })
      .immediate();
  }

  async list(query: WebhookListQuery): Promise<WebhookListPage> {
    const params = {
      organizationId: query.organizationId,
      isActive: query.isActive === undefined ? null : query.isActive ? 1 : 0,
      eventType: query.eventType ?? null,
    };
    const rows =
      query.afterSequence === undefined
        ? this.pageByOffset.all({ ...params, limit: query.limit, offset: query.offset ?? 0 })
        : this.pageByCursor.all({ ...params, limit: query.limit, after: query.afterSequence });
    return { rows: rows.map(toRow), total: this.count.get(params)!.n };
  }

  async reset(): Promise<void> {
    this.db
      .transaction(() => {
        this.deleteRows.run();
        this.deleteCheckpoint.run(NAME);
      })
      .immediate();
  }
}
