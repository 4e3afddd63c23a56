import type { Database, Statement } from 'better-sqlite3';
import type { ExistingWebhook } from '../../../domain/index.js';
import type { WebhookListPage, WebhookListQuery, WebhookReadModel, WebhookRow } from '../../../ports/webhook-read-model.js';

const NAME = 'webhook_list';

interface Row {
  state: string;
  version: number;
  sequence: number;
}
// A page's rows as arrays (better-sqlite3's raw mode): no object per row; the states come from the parsed cache.
type Key = [webhookId: string, version: number, sequence: number];
const toRow = (r: Row): WebhookRow => ({ webhook: JSON.parse(r.state) as ExistingWebhook, version: r.version, sequence: r.sequence });

// Parsed states kept by webhook id: a row at the same version holds the same state, so a list
// parses only what changed. Bounded by the length of their JSON; the oldest go first.
const PARSED_MAX_CHARS = 32 * 1024 * 1024;

// A subscription pattern selects the type when it is '*', the type itself, or a prefix wildcard of it.
const EVENT_TYPE_FILTER = `(@eventType IS NULL OR EXISTS (
  SELECT 1 FROM json_each(webhook_list.event_types) p
  WHERE p.value = '*' OR p.value = @eventType
     OR (substr(p.value, -1) = '*' AND substr(@eventType, 1, length(p.value) - 1) = substr(p.value, 1, length(p.value) - 1))))`;
const BASE_WHERE = `organization_id = @organizationId AND status != 'deleted'
  AND (@isActive IS NULL OR status = CASE WHEN @isActive = 1 THEN 'active' ELSE 'paused' END)`;
// SQLite evaluates the correlated json_each subquery for every row even when @eventType is NULL,
// so a list without an event type runs statements without it (a third of the page's cost).
const WHERE = `${BASE_WHERE} AND ${EVENT_TYPE_FILTER}`;

interface PageStatements {
  readonly count: Statement<Record<string, unknown>, { n: number }>;
  readonly pageByOffset: Statement<Record<string, unknown>, Key>;
  readonly pageByCursor: Statement<Record<string, unknown>, Key>;
}

const pageStatements = (db: Database, where: string): PageStatements => ({
  count: db.prepare(`SELECT count(*) AS n FROM webhook_list WHERE ${where}`),
  pageByOffset: db
    .prepare<Record<string, unknown>, Key>(
      `SELECT webhook_id, version, sequence FROM webhook_list WHERE ${where} ORDER BY sequence LIMIT @limit OFFSET @offset`,
    )
    .raw(),
  pageByCursor: db
    .prepare<Record<string, unknown>, Key>(
      `SELECT webhook_id, version, sequence FROM webhook_list WHERE ${where} AND sequence > @after ORDER BY sequence LIMIT @limit`,
    )
    .raw(),
});

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
  private readonly byEventType: PageStatements;
  private readonly anyEventType: PageStatements;
  private readonly selectState: Statement<[string], { state: string }>;
  private readonly selectMany: Statement<[string], Row & { webhook_id: string }>;
  private readonly parsed = new Map<string, { readonly version: number; readonly webhook: ExistingWebhook; readonly chars: number }>();
  private parsedChars = 0;
  private readonly readPage: (query: WebhookListQuery) => WebhookListPage;
  private readonly deleteRows: Statement;
  private readonly deleteCheckpoint: Statement;

  constructor(private readonly db: Database) {
    this.selectCheckpoint = db.prepare('SELECT position FROM projection_checkpoints WHERE name = ?');
    this.selectOne = db.prepare('SELECT state, version, sequence FROM webhook_list WHERE webhook_id = ?');
    this.upsert = db.prepare(
      `INSERT INTO webhook_list (webhook_id, organization_id, sequence, status, event_types, version, state)
       VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (webhook_id) DO UPDATE SET sequence = excluded.sequence, status = excluded.status, event_types = excluded.event_types,
         version = excluded.version, state = excluded.state`,
    );
    this.saveCheckpoint = db.prepare(
      'INSERT INTO projection_checkpoints (name, position) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET position = excluded.position',
    );
    this.byEventType = pageStatements(db, WHERE);
    this.anyEventType = pageStatements(db, BASE_WHERE);
    this.selectState = db.prepare('SELECT state FROM webhook_list WHERE webhook_id = ?');
    this.selectMany = db.prepare('SELECT webhook_id, state, version, sequence FROM webhook_list WHERE webhook_id IN (SELECT value FROM json_each(?))');
    // Page, total and the states not parsed yet in one read transaction: one snapshot, one lock.
    this.readPage = db.transaction((query: WebhookListQuery): WebhookListPage => {
      const params: Record<string, unknown> = {
        organizationId: query.organizationId,
        isActive: query.isActive === undefined ? null : query.isActive ? 1 : 0,
      };
      if (query.eventType !== undefined) params.eventType = query.eventType;
      const statements = query.eventType === undefined ? this.anyEventType : this.byEventType;
      const keys =
        query.afterSequence === undefined
          ? statements.pageByOffset.all({ ...params, limit: query.limit, offset: query.offset ?? 0 })
          : statements.pageByCursor.all({ ...params, limit: query.limit, after: query.afterSequence });
      const rows = keys.map(([webhookId, version, sequence]): WebhookRow => ({ webhook: this.stateOf(webhookId, version), version, sequence }));
      return { rows, total: statements.count.get(params)!.n };
    });
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

  async getMany(webhookIds: readonly string[]): Promise<ReadonlyMap<string, WebhookRow>> {
    if (webhookIds.length === 0) return new Map();
    return new Map(this.selectMany.all(JSON.stringify(webhookIds)).map((r) => [r.webhook_id, toRow(r)]));
  }

  async apply(rows: readonly WebhookRow[], checkpoint: number): Promise<void> {
    this.db
      .transaction(() => {
        // Re-checked inside the write lock: two processes catching up at once apply a batch once.
        if ((this.selectCheckpoint.get(NAME)?.position ?? 0) >= checkpoint) return;
        for (const { webhook, version, sequence } of rows) {
          // Positional parameters: no object per row (replay writes thousands per transaction).
          this.upsert.run(
            webhook.webhook_id,
            webhook.organization_id,
            sequence,
            webhook.status,
            JSON.stringify(webhook.event_types),
            version,
            JSON.stringify(webhook),
          );
        }
        this.saveCheckpoint.run(NAME, checkpoint);
      })
      .immediate();
  }

  async list(query: WebhookListQuery): Promise<WebhookListPage> {
    return this.readPage(query);
  }

  /** The state of a row at `version`, parsed once (callers treat states as immutable). Inside the page's transaction. */
  private stateOf(webhookId: string, version: number): ExistingWebhook {
    const known = this.parsed.get(webhookId);
    if (known !== undefined && known.version === version) return known.webhook;
    const text = this.selectState.get(webhookId)!.state;
    const webhook = JSON.parse(text) as ExistingWebhook;
    if (known !== undefined) {
      this.parsed.delete(webhookId);
      this.parsedChars -= known.chars;
    }
    this.parsed.set(webhookId, { version, webhook, chars: text.length });
    this.parsedChars += text.length;
    for (const [oldest, entry] of this.parsed) {
      if (this.parsedChars <= PARSED_MAX_CHARS) break;
      this.parsed.delete(oldest);
      this.parsedChars -= entry.chars;
    }
    return webhook;
  }

  async reset(): Promise<void> {
    this.db
      .transaction(() => {
        this.deleteRows.run();
        this.deleteCheckpoint.run(NAME);
      })
      .immediate();
    this.parsed.clear();
    this.parsedChars = 0;
  }
}
