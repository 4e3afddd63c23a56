import type { WebhookSecretSet } from '../../../ports/webhook-secrets.js';

/** The webhook_secrets table has the same columns in SQLite and PostgreSQL. */
export interface SecretRow {
  current: string;
  previous: string | null;
  previous_expires_at: string | null;
}

export const toSecretSet = (row: SecretRow): WebhookSecretSet => ({
  current: row.current,
  previous: row.previous && row.previous_expires_at ? { secret: row.previous, expiresAt: row.previous_expires_at } : undefined,
});
