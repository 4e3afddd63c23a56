import { type AttemptScope, DELIVERY_PAGE } from '../../../application/index.js';
import { ATTEMPT_TEXT_LIMITS, type DeliveryAttemptView } from '../../../ports/delivery-queue.js';
import { taggedCursor } from './tagged-cursor.js';

/** Page sizes of GET …/deliveries (the use case's). */
export { DELIVERY_PAGE };

/**
 * The most bytes one attempt takes in a page: its response body and error as encoded in the
 * JSON (so an escaped control character counts six), its event type, and at most 512 bytes for
 * the keys and the fixed-size values (ids, times, numbers, statuses).
 */
export const ATTEMPT_MAX_BYTES = ATTEMPT_TEXT_LIMITS.responseBody + ATTEMPT_TEXT_LIMITS.error + 256 + 512;
/** The most bytes a page of GET …/deliveries takes: a full page of the largest attempts and the pagination object. */
export const DELIVERY_PAGE_MAX_BYTES = DELIVERY_PAGE.maxLimit * ATTEMPT_MAX_BYTES + 256;

/** Bytes one UTF-16 unit (or surrogate pair) takes inside a JSON string as JSON.stringify writes it, and how many units it spans. */
const encodedSize = (text: string, i: number): [bytes: number, units: number] => {
  const c = text.charCodeAt(i);
  if (c === 0x22 || c === 0x5c || c === 0x08 || c === 0x09 || c === 0x0a || c === 0x0c || c === 0x0d) return [2, 1];
  if (c < 0x20) return [6, 1]; // \u00XX
  if (c < 0x80) return [1, 1];
  if (c < 0x800) return [2, 1];
  if (c >= 0xd800 && c <= 0xdbff && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) return [4, 2];
  if (c >= 0xd800 && c <= 0xdfff) return [6, 1]; // a lone surrogate is written as \udXXX
  return [3, 1];
};

/** The longest start of `text` that JSON-encodes (quotes aside) in at most `maxBytes` bytes. */
export const clipEncoded = (text: string, maxBytes: number): string => {
  let bytes = 0;
  for (let i = 0; i < text.length;) {
    const [n, units] = encodedSize(text, i);
    if (bytes + n > maxBytes) return text.slice(0, i);
    bytes += n;
    i += units;
  }
  return text;
};

/** One attempt as the API shows it: no payload (GET …/messages/{message_id} serves it), texts within the page's byte bound. */
export const presentAttempt = (a: DeliveryAttemptView) => ({
  message_id: a.messageId,
  event_type: clipEncoded(a.eventType, 256),
  channel: a.channel,
  attempt: a.attempt,
  at: a.at,
  status: a.succeeded ? ('succeeded' as const) : ('failed' as const),
  status_code: a.statusCode,
  latency_ms: a.latencyMs,
  response_body: a.responseBody === undefined ? null : clipEncoded(a.responseBody, ATTEMPT_TEXT_LIMITS.responseBody),
  error: a.error === undefined ? null : clipEncoded(a.error, ATTEMPT_TEXT_LIMITS.error),
  delivery_status: a.deliveryStatus,
});

/** Attempt pages continue after a place in the log (opaque to clients), bound to the webhook and the filters. */
export const attemptCursor = taggedCursor(
  'a',
  (scope: AttemptScope) => [scope.webhookId, scope.status ?? '', scope.channel ?? '', scope.eventType ?? '', scope.since ?? '', scope.until ?? ''],
  {
    message: 'cursor is not one this API issued for this webhook and these filters',
    detail: 'unknown cursor: pass next_cursor from the previous page, with the same filters',
  },
);
