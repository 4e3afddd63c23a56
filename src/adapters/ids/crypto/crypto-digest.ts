import type { Digest } from '../../../ports/digest.js';
import { sha256 } from '../../shared/storage/sha256.js';

export class CryptoDigest implements Digest {
  sha256(text: string): string {
    return sha256(text);
  }
}
