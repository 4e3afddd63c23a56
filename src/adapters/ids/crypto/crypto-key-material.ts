import { hash, timingSafeEqual } from 'node:crypto';
import type { KeyMaterial } from '../../../ports/key-material.js';
import { randomAlphanumeric } from './crypto-ids.js';

/** Hashes of recently presented keys kept; past it the oldest goes first. */
const MAX_REMEMBERED_HASHES = 1000;
const KEY_ID_LENGTH = 12;
const KEY_SECRET_LENGTH = 32;
/** `sk_<id>_<secret>`: only a string shaped like our keys is remembered, not whatever a client sends (up to 16 KiB each). */
const KEY_LENGTH = 'sk__'.length + KEY_ID_LENGTH + KEY_SECRET_LENGTH;

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
    const keyId = randomAlphanumeric(KEY_ID_LENGTH);
    return { keyId, key: `sk_${keyId}_${randomAlphanumeric(KEY_SECRET_LENGTH)}` };
  }

  hash(key: string): string {
    let digest = this.hashes.get(key);
    if (digest === undefined) {
      // One-shot (Node >= 20.12): no Hash object per call.
      digest = hash('sha256', key, 'hex');
      if (key.length !== KEY_LENGTH) return digest;
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
