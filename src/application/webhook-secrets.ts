import { type Either, right } from 'fp-ts/lib/Either.js';
import type { DomainError, WebhookSettingsInput } from '../domain/index.js';
import type { SecretGenerator } from '../ports/secret-generator.js';
import type { WebhookSecrets } from '../ports/webhook-secrets.js';
import type { WebhookResourceView } from './webhook-resource.js';
import { type Caller, type WebhookDeps, type WebhookError, createWebhook, executeWebhookCommand, findWebhook } from './webhooks.js';

/** How long the previous secret keeps signing after a rotation, so receivers can switch without losing deliveries. */
export const PREVIOUS_SECRET_GRACE_MS = 24 * 60 * 60 * 1000;

/** What the secret use cases need beside the command handler's ports. */
export interface SecretDeps extends WebhookDeps {
  readonly secrets: WebhookSecrets;
  readonly secretGenerator: SecretGenerator;
}

/** Creates a webhook and issues its first signing secret, shown to the caller this once (and by `revealSecret`). */
export const createWebhookWithSecret = async (
  deps: SecretDeps,
  caller: Caller,
  settings: WebhookSettingsInput,
): Promise<Either<WebhookError, WebhookResourceView & { secret: string }>> => {
  const created = await createWebhook(deps, caller, settings);
  if (created._tag === 'Left') return created;
  const { webhook, version } = created.right;
  const secret = deps.secretGenerator.newSecret();
  await deps.secrets.issue(webhook.webhook_id, secret);
  // A new webhook has no delivery attempt yet: no `last_error` to read.
  return right({ webhook, version, secret });
};

/** The live webhook's current secret; one lost to a crash between creation and `issue` is issued now. */
export const revealSecret = async (
  deps: SecretDeps,
  caller: Pick<Caller, 'organizationId'>,
  webhookId: string,
): Promise<Either<DomainError, { secret: string }>> => {
  const found = await findWebhook(deps, caller.organizationId, webhookId);
  if (found._tag === 'Left') return found;
  const id = found.right.webhook.webhook_id;
  const secrets = await deps.secrets.get(id);
  if (secrets) return right({ secret: secrets.current });
  const secret = deps.secretGenerator.newSecret();
  await deps.secrets.issue(id, secret);
  // `issue` keeps a secret another process issued first: show the stored one.
  return right({ secret: (await deps.secrets.get(id))?.current ?? secret });
};

/** Rotates the signing secret; the previous one keeps signing for `PREVIOUS_SECRET_GRACE_MS`. */
export const rotateSecret = async (deps: SecretDeps, caller: Caller, webhookId: string): Promise<Either<WebhookError, { secret: string; version: number }>> => {
  const previousValidUntil = new Date(deps.clock.now().getTime() + PREVIOUS_SECRET_GRACE_MS).toISOString();
  // The event first: a rotation that happened is always in the history, even if storing the secret then fails.
  const rotated = await executeWebhookCommand(deps, caller, webhookId, { type: 'RotateWebhookSecret', data: { previous_valid_until: previousValidUntil } });
  if (rotated._tag === 'Left') return rotated;
  const secrets = await deps.secrets.rotate(rotated.right.webhook.webhook_id, deps.secretGenerator.newSecret(), previousValidUntil);
  return right({ secret: secrets.current, version: rotated.right.version });
};
