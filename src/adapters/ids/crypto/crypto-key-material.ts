import { createHash, timingSafeEqual } from 'node:crypto';
import type { KeyMaterial } from '../../../ports/key-material.js';
import { randomAlphanumeric } from './crypto-ids.js';

export class CryptoKeyMaterial implements KeyMaterial {
  organizationId(): string {
    return `int_${randomAlphanumeric(24)}`;
  }

  apiKey(): { keyId: string; key: string } {
    const keyId = randomAlphanumeric(12);
    return { keyId, key: `sk_${keyId}_${randomAlphanumeric(32)}` };
  }

  hash(key: string): string {
    return createHash('sha256').update(key, 'utf8').digest('hex');
  }

  sameHash(a: string, b: string): boolean {
    const left = Buffer.from(a, 'utf8');
    const right = Buffer.from(b, 'utf8');
    // Lengths of hex SHA-256 digests are public; compare equal-length buffers only.
    return left.length === right.length && timingSafeEqual(left, right);
  }
}
