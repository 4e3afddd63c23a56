import { randomBytes } from 'node:crypto';
import type { DataKeyStore } from '../../../ports/data-key-store.js';
import { type FieldSealer, SealingUnavailableError, type WebhookSeal } from '../../../ports/field-sealer.js';
import { SEALED_PREFIX, decrypt, encrypt, keyCheckMatches, keyCheckOf, unwrapDataKey, wrapDataKey } from './envelope.js';

/** How long an unwrapped data key is kept in memory: a key another process destroyed stops opening here within this time. */
const CACHE_MS = 30_000;
const CACHE_ENTRIES = 10_000;

type Entry = { readonly seal: WebhookSeal | 'forgotten'; readonly until: number };

const sealWith = (dataKey: Buffer, webhookId: string): WebhookSeal => ({
  // The webhook id is the associated data: a sealed value copied into another webhook does not open.
  seal: (value) => encrypt(dataKey, Buffer.from(JSON.stringify(value) ?? 'null', 'utf8'), webhookId, SEALED_PREFIX),
  open: (sealed) => JSON.parse(decrypt(dataKey, sealed, webhookId, SEALED_PREFIX).toString('utf8')) as unknown,
});

/**
 * Envelope encryption with node:crypto (ADR 0018): one AES-256 data key per webhook, wrapped by
 * the 256-bit master key with AES-256-GCM and kept in a `DataKeyStore`; values sealed with
 * AES-256-GCM under the data key. Unwrapped keys are cached briefly.
 */
export class AesGcmFieldSealer implements FieldSealer {
  private readonly cache = new Map<string, Entry>();

  private constructor(
    private readonly masterKey: Buffer,
    private readonly store: DataKeyStore,
    /** The stored key check; `undefined` when it is not this master key's. */
    private readonly check: string | undefined,
    private readonly now: () => number,
  ) {}

  /** Reads (on the first start: stores) the key check; a wrong master key is reported by `keyMatches`, not thrown. */
  static async start(masterKey: Buffer, store: DataKeyStore, now: () => number = Date.now): Promise<AesGcmFieldSealer> {
    const stored = await store.keyCheck(keyCheckOf(masterKey));
    return new AesGcmFieldSealer(masterKey, store, keyCheckMatches(masterKey, stored) ? stored : undefined, now);
  }

  /** False when the database was sealed with another master key: nothing sealed is served then. */
  get keyMatches(): boolean {
    return this.check !== undefined;
  }

  isSealed(value: unknown): value is string {
    return typeof value === 'string' && value.startsWith(SEALED_PREFIX);
  }

  async forWebhook(webhookId: string, create: boolean): Promise<WebhookSeal | 'forgotten' | undefined> {
    const check = this.check;
    if (check === undefined) throw new SealingUnavailableError(WRONG_KEY);
    const cached = this.cache.get(webhookId);
    if (cached && cached.until > this.now()) return cached.seal;
    let stored = await this.store.get(webhookId);
    if (stored === undefined) {
      if (!create) return undefined;
      await this.store.insert(webhookId, wrapDataKey(this.masterKey, webhookId, randomBytes(32)), check);
      // Another process may have stored its key first: use whichever is stored.
      stored = await this.store.get(webhookId);
      if (stored === undefined) throw new SealingUnavailableError(`${ROTATED}; restart this process with the new master key`);
    }
    let seal: WebhookSeal | 'forgotten';
    if ('destroyedAt' in stored) seal = 'forgotten';
    else {
      try {
        seal = sealWith(unwrapDataKey(this.masterKey, webhookId, stored.wrapped), webhookId);
      } catch {
        throw new SealingUnavailableError(`the data key of ${webhookId} does not open with this master key (${ROTATED}?)`);
      }
    }
    this.remember(webhookId, seal);
    return seal;
  }

  async forget(webhookId: string, at: string): Promise<void> {
    if (this.check === undefined) throw new SealingUnavailableError(WRONG_KEY);
    await this.store.destroy(webhookId, at);
    this.remember(webhookId, 'forgotten');
  }

  private remember(webhookId: string, seal: WebhookSeal | 'forgotten'): void {
    this.cache.delete(webhookId);
    if (this.cache.size >= CACHE_ENTRIES) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(webhookId, { seal, until: this.now() + CACHE_MS });
  }
}

const WRONG_KEY =
  'this database was sealed with another master key (its key check does not open): sealed settings and secrets cannot be read; start with the right HOOKLEDGER_MASTER_KEY or key file';
const ROTATED = 'the master key was rotated since this process started';

/**
 * Rewraps every data key from `oldKey` to `newKey` and moves the key check, in one transaction
 * of the store; fails, changing nothing, when `oldKey` is not the database's master key.
 */
export const rotateMasterKey = async (store: DataKeyStore, oldKey: Buffer, newKey: Buffer): Promise<number> => {
  const current = await store.keyCheck(keyCheckOf(oldKey));
  if (!keyCheckMatches(oldKey, current)) throw new Error(`cannot rotate: ${WRONG_KEY}`);
  return store.rewrapAll((webhookId, wrapped) => wrapDataKey(newKey, webhookId, unwrapDataKey(oldKey, webhookId, wrapped)), current, keyCheckOf(newKey));
};
