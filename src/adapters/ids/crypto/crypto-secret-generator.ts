import { randomBytes } from 'node:crypto';
import type { SecretGenerator } from '../../../ports/secret-generator.js';

/** `whsec_` + base64 of 32 random bytes (Standard Webhooks). */
export class CryptoSecretGenerator implements SecretGenerator {
  newSecret(): string {
    return `whsec_${randomBytes(32).toString('base64')}`;
  }
}
