import { hash, timingSafeEqual } from 'node:crypto';
import type { KeyMaterial } from '../../../ports/key-material.js';
import { randomAlphanumeric } from './crypto-ids.js';

/** Hashes of recently presented keys kept; past it the oldest goes first. */
const MAX_REMEMBERED_HASHES = 1000;

export class CryptoKeyMaterial implements KeyMaterial {
  /**
   * Key → its hash, so a client that sends the same key on every request costs a lookup, not a
   * SHA-256. Only the hash function is memoised: the stored hash is still compared in constant
   * time and revocation read from the credential store on every request.
   */
  private readonly hashes = new Map<string, string>();

  organizationId(): string {
    return `int_${randomAlphanumeric(24)}`;
  }

  apiKey(): { keyId: string; key: string } {
    const keyId = randomAlphanumeric(12);
    return { keyId, key: `sk_${keyId}_${randomAlphanumeric(32)}` };
  }

  hash(key: string): string {
    let digest = this.hashes.get(key);
    if (digest === undefined) {
      // One-shot (Node >= 20.12): no Hash object per call.
      digest = hash('sha256', key, 'hex');
      if (this.hashes.size >= MAX_REMEMBERED_HASHES) this.hashes.delete(this.hashes.keys().next().value!);
      this.hashes.set(key, digest);
    }
    return digest;
  }

  sameHash(a: string, b: string): boolean {
    const left = Buffer.from(a, 'utf8');
    const right = Buffer.from(b, 'utf8');
    // Lengths of hex SHA-256 digests are public; compare equal-length buffers only.
    return left.length === right.length && timingSafeEqual(left, right);
  }
}
