/**
 * One attempt the worker made, as metrics and the log see it: identifiers, the outcome and
 * the receiver's status, never the payload, headers or secrets.
 */
export interface AttemptObservation {
  readonly messageId: string;
  readonly webhookId: string;
  /** The channel kind: webhook, slack, email or sms. */
  readonly channel: string;
  /**
   * `succeeded`; `retry` (tried again later); `exhausted` (retryable, but no attempt is left);
   * `final` and `gone` (not retried); `abandoned` (a poison job set aside unsent); `cancelled`
   * (its channel was removed: not sent, nothing failed).
   */
  readonly outcome: string;
  /** 1 for the first attempt. */
  readonly attempt: number;
  readonly statusCode: number | null;
  readonly error: string | undefined;
  readonly latencyMs: number;
  /** On a success: from the message's acceptance to the receiver's answer. */
  readonly sinceAcceptedMs?: number | undefined;
}

/** Called once per attempt; it must not throw (the worker reports it if it does and goes on). */
export type DeliveryObserver = (attempt: AttemptObservation) => void;
