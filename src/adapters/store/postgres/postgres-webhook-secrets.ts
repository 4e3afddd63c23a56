import type { Pool } from 'pg';
import type { WebhookSecretSet, WebhookSecrets } from '../../../ports/webhook-secrets.js';
import { type SecretRow, toSecretSet as toSet } from '../../shared/storage/secret-rows.js';

export class PostgresWebhookSecrets implements WebhookSecrets {
  constructor(private readonly pool: Pool) {}

  async issue(webhookId: string, secret: string): Promise<void> {
    await this.pool.query('INSERT INTO webhook_secrets (webhook_id, current) VALUES ($1, $2) ON CONFLICT (webhook_id) DO NOTHING', [webhookId, secret]);
  }

  async get(webhookId: string): Promise<WebhookSecretSet | undefined> {
    const result = await this.pool.query<SecretRow>('SELECT current, previous, previous_expires_at FROM webhook_secrets WHERE webhook_id = $1', [webhookId]);
    return result.rows[0] ? toSet(result.rows[0]) : undefined;
  }

  async rotate(webhookId: string, secret: string, previousExpiresAt: string): Promise<WebhookSecretSet> {
    // One statement, so two rotations at once each see the other's result: a webhook without a
    // secret simply gets this one; rotating to the current secret again changes nothing.
    const result = await this.pool.query<SecretRow>(
      `INSERT INTO webhook_secrets (webhook_id, current) VALUES ($1, $2)
       ON CONFLICT (webhook_id) DO UPDATE SET previous = webhook_secrets.current, previous_expires_at = $3, current = excluded.current
         WHERE webhook_secrets.current <> excluded.current
       RETURNING current, previous, previous_expires_at`,
      [webhookId, secret, previousExpiresAt],
    );
    return result.rows[0] ? toSet(result.rows[0]) : (await this.get(webhookId))!;
  }
}
