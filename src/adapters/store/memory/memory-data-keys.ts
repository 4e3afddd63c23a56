import type { DataKeyStore, StoredDataKey } from '../../../ports/data-key-store.js';

/** Wrapped data keys in memory (with `memory:`, where the master key is ephemeral too). */
export class InMemoryDataKeys implements DataKeyStore {
  private check: string | undefined;
  private readonly keys = new Map<string, StoredDataKey>();

  async keyCheck(value: string): Promise<string> {
    return (this.check ??= value);
  }

  async get(webhookId: string): Promise<StoredDataKey | undefined> {
    return this.keys.get(webhookId);
  }

  async insert(webhookId: string, wrapped: string, keyCheck: string): Promise<void> {
    if (this.check === keyCheck && !this.keys.has(webhookId)) this.keys.set(webhookId, { wrapped });
  }

  async destroy(webhookId: string, at: string): Promise<void> {
    const key = this.keys.get(webhookId);
    // The first destruction is the one on record.
    if (!key || 'wrapped' in key) this.keys.set(webhookId, { destroyedAt: at });
  }

  async rewrapAll(rewrap: (webhookId: string, wrapped: string) => string, oldCheck: string, newCheck: string): Promise<number> {
    if (this.check !== oldCheck) throw new Error('the master key check changed during the rotation');
    const next = new Map<string, StoredDataKey>();
    for (const [id, key] of this.keys) next.set(id, 'wrapped' in key ? { wrapped: rewrap(id, key.wrapped) } : key);
    for (const [id, key] of next) this.keys.set(id, key);
    this.check = newCheck;
    return [...next.values()].filter((k) => 'wrapped' in k).length;
  }
}
