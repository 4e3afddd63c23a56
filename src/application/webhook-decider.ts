import {
  type DomainError,
  type WebhookCommand,
  type WebhookEvent,
  type WebhookState,
  decide,
  evolve,
  initialState,
  upcast,
} from '../domain/index.js';
import type { StoredEvent } from '../ports/event-store.js';
import type { Decider } from './handle-command.js';

/** A stored event that no longer parses: the store is corrupt or newer than this code. */
export class UnreadableEventError extends Error {
  constructor(readonly stored: StoredEvent, reason: string) {
    super(`event ${stored.eventId} (${stored.streamId}@${stored.revision}) is unreadable: ${reason}`);
    this.name = 'UnreadableEventError';
  }
}

/** A stored event as a current-version webhook event (upcast and validated); throws `UnreadableEventError`. */
export const readWebhookEvent = (stored: StoredEvent): WebhookEvent => {
  const result = upcast(stored);
  if (result._tag === 'Left') throw new UnreadableEventError(stored, result.left);
  return result.right;
};

/** The webhook aggregate as a decider for `handleCommand`: decide, evolve, initial state and how to read events. */
export const webhookDecider: Decider<WebhookCommand, WebhookEvent, WebhookState, DomainError> = {
  decide,
  evolve,
  initialState,
  read: readWebhookEvent,
};
