/**
 * Where wrapped data keys live (ADR 0018): a table beside the webhook secrets (SQLite,
 * PostgreSQL; with an EventStoreDB log, the READ_MODEL_URL store). The store never sees a key
 * in clear: only what the master key wrapped, and a key-check value that tells a wrong master key.
 */

/** A webhook's stored key: wrapped, or destroyed (forgotten) at a time. */
export type StoredDataKey = { readonly wrapped: string } | { readonly destroyedAt: string };

export interface DataKeyStore {
  /** The stored key-check value, or, when there is none yet, `value` stored as it (the first start). */
  keyCheck(value: string): Promise<string>;
  get(webhookId: string): Promise<StoredDataKey | undefined>;
  /**
   * Stores a webhook's first wrapped key, only while the key check is still `keyCheck` (a process
   * with a master key rotated away meanwhile stores nothing). An existing key is kept: read it back.
   */
  insert(webhookId: string, wrapped: string, keyCheck: string): Promise<void>;
  /** Replaces the webhook's key by a tombstone; also when it had none. */
  destroy(webhookId: string, at: string): Promise<void>;
  /**
   * Rewraps every live key with `rewrap` and sets the key check to `newCheck`, all or nothing, only
   * if the check is still `oldCheck`; returns the keys rewrapped. Throws what `rewrap` throws.
   */
  rewrapAll(rewrap: (webhookId: string, wrapped: string) => string, oldCheck: string, newCheck: string): Promise<number>;
}
