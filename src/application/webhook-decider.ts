import {
  type DomainError,
  type WebhookCommand,
  type WebhookEvent,
  type WebhookState,
  readStoredEvent,
  webhookDecider as domainWebhookDecider,
} from '../domain/index.js';
import type { LoggedEvent, StoredEvent } from '../ports/event-store.js';
import type { Decider } from './handle-command.js';

/** A stored event that no longer parses: the store is corrupt or newer than this code. */
export class UnreadableEventError extends Error {
  constructor(
    readonly stored: LoggedEvent & { readonly eventId?: string },
    reason: string,
  ) {
    super(`event ${stored.eventId ?? `at position ${stored.position}`} (${stored.streamId}@${stored.revision}) is unreadable: ${reason}`);
    this.name = 'UnreadableEventError';
  }
}

/**
 * A stored event as a current-version webhook event; throws `UnreadableEventError`. Upcast and
 * shape-checked, not validated again: events are validated when written (ADR 0016).
 */
export const readWebhookEvent = (stored: LoggedEvent | StoredEvent): WebhookEvent => {
  const result = readStoredEvent(stored);
  if (result._tag === 'Left') throw new UnreadableEventError(stored, result.left);
  return result.right;
};

/** The webhook aggregate as a decider for `handleCommand`: the domain's decider and how to read events. */
export const webhookDecider: Decider<WebhookCommand, WebhookEvent, WebhookState, DomainError> = {
  ...domainWebhookDecider,
  read: readWebhookEvent,
};
