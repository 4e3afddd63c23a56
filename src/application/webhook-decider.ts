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

export const readWebhookEvent = (stored: StoredEvent): WebhookEvent => {
  const result = upcast(stored);
  if (result._tag === 'Left') throw new UnreadableEventError(stored, result.left);
  return result.right;
};

export const webhookDecider: Decider<WebhookCommand, WebhookEvent, WebhookState, DomainError> = {
  decide,
  evolve,
  initialState,
  read: readWebhookEvent,
};
