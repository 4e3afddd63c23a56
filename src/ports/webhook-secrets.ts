/**
 * Signing secrets (`whsec_…`). Kept out of the event log, which is exported
 * and shown in /history; only the fact of a rotation is an event.
 */
export interface WebhookSecretSet {
  readonly current: string;
  /** The secret before the last rotation, still signing until `expiresAt`. */
  readonly previous?: { readonly secret: string; readonly expiresAt: string } | undefined;
}

export interface WebhookSecrets {
  /** Stores the first secret; a second call for the same webhook keeps the first. */
  issue(webhookId: string, secret: string): Promise<void>;
  get(webhookId: string): Promise<WebhookSecretSet | undefined>;
  /** Makes `secret` current; the old one signs too until `previousExpiresAt`. */
  rotate(webhookId: string, secret: string, previousExpiresAt: string): Promise<WebhookSecretSet>;
}
