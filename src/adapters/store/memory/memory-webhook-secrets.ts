import type { WebhookSecretSet, WebhookSecrets } from '../../../ports/webhook-secrets.js';

export class InMemoryWebhookSecrets implements WebhookSecrets {
  private readonly sets = new Map<string, WebhookSecretSet>();

  async issue(webhookId: string, secret: string): Promise<void> {
    if (!this.sets.has(webhookId)) this.sets.set(webhookId, { current: secret });
  }

  async get(webhookId: string): Promise<WebhookSecretSet | undefined> {
    return this.sets.get(webhookId);
  }

  async rotate(webhookId: string, secret: string, previousExpiresAt: string): Promise<WebhookSecretSet> {
    const existing = this.sets.get(webhookId);
    const next: WebhookSecretSet = existing ? { current: secret, previous: { secret: existing.current, expiresAt: previousExpiresAt } } : { current: secret };
    this.sets.set(webhookId, next);
    return next;
  }
}
