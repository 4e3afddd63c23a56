import type { Database, Statement } from 'better-sqlite3';
import type { WebhookSecretSet, WebhookSecrets } from '../../../ports/webhook-secrets.js';
import { type SecretRow, toSecretSet as toSet } from '../../shared/storage/secret-rows.js';

export class SqliteWebhookSecrets implements WebhookSecrets {
  private readonly insert: Statement;
  private readonly select: Statement<[string], SecretRow>;
  private readonly update: Statement;

  constructor(private readonly db: Database) {
    this.insert = db.prepare('INSERT INTO webhook_secrets (webhook_id, current) VALUES (?, ?) ON CONFLICT (webhook_id) DO NOTHING');
    this.select = db.prepare('SELECT current, previous, previous_expires_at FROM webhook_secrets WHERE webhook_id = ?');
    this.update = db.prepare('UPDATE webhook_secrets SET previous = current, previous_expires_at = ?, current = ? WHERE webhook_id = ?');
  }

  async issue(webhookId: string, secret: string): Promise<void> {
    this.insert.run(webhookId, secret);
  }

  async get(webhookId: string): Promise<WebhookSecretSet | undefined> {
    const row = this.select.get(webhookId);
    return row ? toSet(row) : undefined;
  }

  async rotate(webhookId: string, secret: string, previousExpiresAt: string): Promise<WebhookSecretSet> {
    return this.db
      .transaction(() => {
        this.insert.run(webhookId, secret); // a webhook without a secret yet simply gets this one
        if (this.select.get(webhookId)?.current !== secret) this.update.run(previousExpiresAt, secret, webhookId);
        return toSet(this.select.get(webhookId)!);
      })
      .immediate();
  }
}
