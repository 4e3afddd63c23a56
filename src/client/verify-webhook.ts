import { createHmac, timingSafeEqual } from 'node:crypto';

/** Why a delivery was refused. */
export type WebhookVerificationReason = 'missing-headers' | 'bad-timestamp' | 'timestamp-too-old' | 'timestamp-too-new' | 'no-matching-signature' | 'bad-body';

/** A delivery that is not what it claims: tampered, too old, or signed with another secret. */
export class WebhookVerificationError extends Error {
  override readonly name = 'WebhookVerificationError';
  constructor(
    readonly reason: WebhookVerificationReason,
    message: string,
  ) {
    super(message);
  }
}

/** The Standard Webhooks payload Hookledger sends (a channel's `payload_template` may send another shape). */
export interface WebhookPayload<D = unknown> {
  readonly type: string;
  readonly timestamp: string;
  readonly data: D;
}

/** How strict `verifyWebhook` is about time. */
export interface VerifyOptions {
  /** How far `webhook-timestamp` may be from now, in seconds (default 300). */
  readonly toleranceSeconds?: number;
  /** The current time (default Date.now), for tests. */
  readonly now?: () => number;
}

/** Node's `req.headers`, a fetch `Headers`, or a plain record. */
export type HeaderSource = Headers | Readonly<Record<string, string | readonly string[] | undefined>>;

const header = (headers: HeaderSource, name: string): string | undefined => {
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined;
  const record = headers as Readonly<Record<string, string | readonly string[] | undefined>>;
  const key = Object.keys(record).find((k) => k.toLowerCase() === name);
  const value = key === undefined ? undefined : record[key];
  return Array.isArray(value) ? value.join(' ') : (value as string | undefined);
};

/** The key bytes of a `whsec_<base64>` secret (a bare base64 secret works too). */
const keyOf = (secret: string): Buffer => Buffer.from(secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : secret, 'base64');

/**
 * Checks a delivery per Standard Webhooks and returns its parsed body. `secrets` may hold several
 * (during a rotation, the new and the old); `webhook-signature` may carry several `v1,<base64>`
 * signatures separated by spaces; one match is enough. Pass the body exactly as received (the raw
 * bytes or text, not re-serialised JSON). Throws `WebhookVerificationError` otherwise.
 */
export const verifyWebhook = <D = unknown>(
  secrets: string | readonly string[],
  headers: HeaderSource,
  body: string | Uint8Array,
  options: VerifyOptions = {},
): WebhookPayload<D> => {
  const id = header(headers, 'webhook-id');
  const timestamp = header(headers, 'webhook-timestamp');
  const signatures = header(headers, 'webhook-signature');
  if (!id || !timestamp || !signatures)
    throw new WebhookVerificationError('missing-headers', 'webhook-id, webhook-timestamp and webhook-signature are required');
  if (!/^\d{1,15}$/.test(timestamp)) throw new WebhookVerificationError('bad-timestamp', 'webhook-timestamp is not a number of seconds');
  const tolerance = options.toleranceSeconds ?? 300;
  const skew = Number(timestamp) - Math.floor((options.now ?? Date.now)() / 1000);
  if (skew < -tolerance) throw new WebhookVerificationError('timestamp-too-old', `webhook-timestamp is more than ${tolerance} s old`);
  if (skew > tolerance) throw new WebhookVerificationError('timestamp-too-new', `webhook-timestamp is more than ${tolerance} s ahead`);

  const text = typeof body === 'string' ? body : Buffer.from(body).toString('utf8');
  const offered = signatures
    .split(' ')
    .filter((s) => s.startsWith('v1,'))
    .map((s) => Buffer.from(s.slice(3), 'base64'));
  const matches = [secrets].flat().some((secret) => {
    const expected = createHmac('sha256', keyOf(secret)).update(`${id}.${timestamp}.${text}`).digest();
    // Every offered signature is compared, in constant time for its length.
    return offered.reduce((found, sig) => (sig.length === expected.length && timingSafeEqual(sig, expected)) || found, false);
  });
  if (!matches) throw new WebhookVerificationError('no-matching-signature', 'no signature matches the body with these secrets');
  try {
    return JSON.parse(text) as WebhookPayload<D>;
  } catch {
    throw new WebhookVerificationError('bad-body', 'the signed body is not JSON');
  }
};
