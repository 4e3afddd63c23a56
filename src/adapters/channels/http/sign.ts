import { createHmac } from 'node:crypto';
import type { WebhookSecretSet } from '../../../ports/webhook-secrets.js';

/** The key bytes of a `whsec_<base64>` secret. */
const keyOf = (secret: string): Buffer => Buffer.from(secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : secret, 'base64');

/** Standard Webhooks: `v1,` + base64 HMAC-SHA256 of `{id}.{timestamp}.{body}`. */
export const sign = (secret: string, messageId: string, timestamp: number, body: string): string =>
  `v1,${createHmac('sha256', keyOf(secret)).update(`${messageId}.${timestamp}.${body}`).digest('base64')}`;

/** Every signature a receiver may check: the current secret, plus the previous one during its 24 h grace. */
export const signatureHeader = (secrets: WebhookSecretSet, messageId: string, timestamp: number, body: string, now: Date): string => {
  const signatures = [sign(secrets.current, messageId, timestamp, body)];
  if (secrets.previous && Date.parse(secrets.previous.expiresAt) > now.getTime()) {
    signatures.push(sign(secrets.previous.secret, messageId, timestamp, body));
  }
  return signatures.join(' ');
};
