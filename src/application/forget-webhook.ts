import { type Either, left, right } from 'fp-ts/lib/Either.js';
import { dottedCatalog, streamIdOf } from '../domain/index.js';
import type { FieldSealer } from '../ports/field-sealer.js';
import { aggregateStream } from './handle-command.js';
import { webhookDecider } from './webhook-decider.js';
import { type Caller, type WebhookDeps, type WebhookError, type WebhookView, executeWebhookCommand } from './webhooks.js';

/** What forgetting needs beside the command handler: the sealer that holds the webhook's data key. */
export interface ForgetDeps extends WebhookDeps {
  /** Absent where nothing is sealed (`memory:`): then the event is all there is to forgetting. */
  readonly sealer?: FieldSealer | undefined;
}

/**
 * Deletes the webhook (if it is not yet) and forgets it (ADR 0018): `WebhookForgotten` records
 * who and when, then its data key is destroyed, so its sealed settings and secrets read as
 * "[forgotten]" everywhere from now on, backups included. The event comes first: a key that
 * failed to go is destroyed by forgetting again (idempotent), and no key goes unrecorded.
 * Queued jobs are cancelled when they come due, without sending (the webhook is gone; ADR 0015).
 */
export const forgetWebhook = async (
  deps: ForgetDeps,
  caller: Caller,
  webhookId: string,
  options: { expectedVersion?: number | undefined } = {},
): Promise<Either<WebhookError, WebhookView>> => {
  const result = await executeWebhookCommand(deps, caller, webhookId, { type: 'ForgetWebhook', data: {} }, options);
  if (result._tag === 'Left') return result;
  const { webhook } = result.right;
  await deps.sealer?.forget(
    webhook.webhook_id,
    webhook.status === 'deleted' ? (webhook.forgotten_at ?? deps.clock.now().toISOString()) : deps.clock.now().toISOString(),
  );
  return right(result.right);
};

/** `hookledger forget <id>`: the operator forgets any organization's webhook; recorded as done by `actor`. */
export const forgetWebhookAsOperator = async (deps: ForgetDeps, webhookId: string, actor = 'cli'): Promise<Either<WebhookError, WebhookView>> => {
  const { state } = await aggregateStream(deps.eventStore, webhookDecider, streamIdOf(webhookId));
  if (state.status === 'initial') return left({ type: 'WebhookNotFound', message: `webhook ${webhookId} not found` });
  return forgetWebhook(deps, { organizationId: state.organization_id, actor, catalog: dottedCatalog }, webhookId);
};
