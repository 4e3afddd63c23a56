import type { Clock } from '../ports/clock.js';
import type { OrganizationStore } from '../ports/organizations.js';

/** How often one process records a key's use at most: `last_used_at` is exact to about this. */
export const KEY_USE_INTERVAL_MS = 60_000;

/**
 * Records `last_used_at` without a write per request (ADR 0020): a key's use is written at most
 * once per interval per process, after the request's authentication, without waiting for it.
 * The keys remembered are bounded; forgetting one costs at most one extra write.
 */
export class KeyUseRecorder {
  private readonly lastWritten = new Map<string, number>();

  constructor(
    private readonly store: Pick<OrganizationStore, 'recordKeyUse'>,
    private readonly clock: Clock,
    private readonly onError: (error: unknown) => void = () => undefined,
    private readonly options: { readonly intervalMs?: number; readonly maxKeys?: number } = {},
  ) {}

  /** Notes a use; returns the write when one was started (tests await it), else undefined. */
  record(keyId: string): Promise<void> | undefined {
    const now = this.clock.now().getTime();
    const last = this.lastWritten.get(keyId);
    if (last !== undefined && now - last < (this.options.intervalMs ?? KEY_USE_INTERVAL_MS)) return undefined;
    this.lastWritten.delete(keyId);
    if (this.lastWritten.size >= (this.options.maxKeys ?? 10_000)) this.lastWritten.delete(this.lastWritten.keys().next().value!);
    this.lastWritten.set(keyId, now);
    // A failed write only makes last_used_at older; the request it came with is not failed for it.
    return this.store.recordKeyUse(keyId, new Date(now).toISOString()).catch(this.onError);
  }
}
