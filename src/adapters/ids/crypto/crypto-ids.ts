import { randomInt, randomUUID } from 'node:crypto';
import type { IdGenerator } from '../../../ports/id-generator.js';

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** `length` characters from a CSPRNG; randomInt avoids modulo bias. */
export const randomAlphanumeric = (length: number): string => {
  let out = '';
  for (let i = 0; i < length; i++) out += ALPHANUMERIC[randomInt(ALPHANUMERIC.length)];
  return out;
};

export class CryptoIds implements IdGenerator {
  webhookId(): string {
    return `wh_${randomAlphanumeric(10)}`;
  }

  eventId(): string {
    return randomUUID();
  }

  messageId(): string {
    return `msg_${randomAlphanumeric(24)}`;
  }
}
