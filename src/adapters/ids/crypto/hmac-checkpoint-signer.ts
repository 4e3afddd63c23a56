import { createHmac, timingSafeEqual } from 'node:crypto';
import type { CheckpointSigner } from '../../../ports/checkpoint-signer.js';

/** Fewer bytes than SHA-256's block of output would make the key the weak part. */
export const MIN_CHECKPOINT_KEY_BYTES = 32;

/** HMAC-SHA256 under HOOKLEDGER_CHECKPOINT_KEY (ADR 0019): whoever can check a checkpoint can also make one. */
export class HmacCheckpointSigner implements CheckpointSigner {
  constructor(private readonly key: string) {
    if (Buffer.byteLength(key, 'utf8') < MIN_CHECKPOINT_KEY_BYTES) {
      throw new Error(`HOOKLEDGER_CHECKPOINT_KEY must be at least ${MIN_CHECKPOINT_KEY_BYTES} bytes (e.g. openssl rand -base64 32)`);
    }
  }

  sign(text: string): string {
    return createHmac('sha256', this.key).update(text, 'utf8').digest('hex');
  }

  verify(text: string, signature: string): boolean {
    const expected = Buffer.from(this.sign(text), 'hex');
    const given = Buffer.from(/^[0-9a-f]*$/.test(signature) ? signature : '', 'hex');
    return given.length === expected.length && timingSafeEqual(given, expected);
  }
}
