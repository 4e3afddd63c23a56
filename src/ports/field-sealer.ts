/**
 * Envelope encryption of sensitive values at rest (ADR 0018): each webhook has its own data
 * key, stored wrapped by the master key. Sealed values are strings; what is sealed, and where,
 * is the domain's `sensitive-fields.ts`.
 */

/** Seals and opens the values of one webhook with its data key; synchronous once the key is at hand. */
export interface WebhookSeal {
  /** Any JSON value → an opaque string (`isSealed` is true of it). */
  seal(value: unknown): string;
  /** The value `seal` was given. Throws when the text was not sealed with this webhook's key. */
  open(sealed: string): unknown;
}

export interface FieldSealer {
  /** Whether a value is a sealed string (anything else is stored in clear: written before sealing, or not sensitive). */
  isSealed(value: unknown): value is string;
  /**
   * The webhook's data key: `create` makes one when it has none yet (to seal); otherwise
   * `undefined` when it never had one, `'forgotten'` once it was destroyed. Throws
   * `SealingUnavailableError` when the key cannot be unwrapped (a wrong master key).
   */
  forWebhook(webhookId: string, create: boolean): Promise<WebhookSeal | 'forgotten' | undefined>;
  /** Destroys the webhook's data key (crypto-shredding): what was sealed with it is unreadable from now on, everywhere. */
  forget(webhookId: string, at: string): Promise<void>;
}

/** Sealed data exists but cannot be opened with this process's master key: answered 503, never served. */
export class SealingUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SealingUnavailableError';
  }
}
