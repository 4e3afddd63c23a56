import type { AttemptDisposition, Channel, ChannelKind } from '../domain/index.js';
import type { WebhookSecretSet } from './webhook-secrets.js';

/** One event as it goes out to every channel of one webhook. */
export interface OutboundMessage {
  /** `msg_…`: the same on every retry and every channel (the receiver's idempotency key). */
  readonly messageId: string;
  readonly eventType: string;
  /** ISO-8601 time the event was accepted. */
  readonly timestamp: string;
  readonly data: unknown;
  readonly webhookId: string;
  readonly webhookName: string;
}

/**
 * What one attempt achieved. `retry` failures are tried again on the
 * schedule; `final` ones are not (a user can still retry them by hand);
 * `gone` (HTTP 410) is final and pauses the webhook. See ADR 0007.
 */
export type Disposition = AttemptDisposition;

export interface AttemptResult {
  readonly disposition: Disposition;
  readonly statusCode: number | null;
  readonly latencyMs: number;
  /** The receiver's answer, truncated (4 KiB). */
  readonly responseBody?: string | undefined;
  /** Why it failed, for `last_error`; absent on success. */
  readonly error?: string | undefined;
  /** The receiver's Retry-After, when it sent one. */
  readonly retryAfterMs?: number | undefined;
}

export interface SendContext {
  /** Signing secrets of the webhook (HTTP channel). */
  readonly secrets?: WebhookSecretSet | undefined;
  readonly now: Date;
}

/** Delivers one message to one channel of a kind. */
export interface Notifier {
  readonly kind: ChannelKind;
  send(channel: Channel, message: OutboundMessage, context: SendContext): Promise<AttemptResult>;
}
