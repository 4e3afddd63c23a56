import { type CatalogState, type EventCatalog, catalogStreamOf, catalogView } from '../domain/index.js';
import type { Clock } from '../ports/clock.js';
import type { EventStore } from '../ports/event-store.js';
import { aggregateStream } from './handle-command.js';
import { catalogStreamDecider } from './catalog-stream.js';
import type { Folded } from './state-cache.js';

/** How long a catalog read from the log is served before the log is asked for newer events: the bound on seeing another process's change. */
export const CATALOG_TTL_MS = 1000;

interface Entry {
  readonly folded: Folded<CatalogState>;
  readonly checkedAt: number;
  /** The view last built from it, for the preset it was built with. */
  view?: { readonly preset: string; readonly catalog: EventCatalog };
}

/**
 * Each organization's catalog as folded in this process (ADR 0020). Every authenticated request
 * needs its caller's catalog, so an entry is served for `ttlMs` before the stream is read again,
 * and then only the events after it (usually none); callers that miss together share one read.
 * A change made through this process is seen at once (`remember`); one made by another process
 * within `ttlMs`. Reads that must be exact (the event-type routes) pass `fresh`.
 */
export class OrganizationCatalogs {
  private readonly entries = new Map<string, Entry>();
  private readonly loading = new Map<string, Promise<Entry>>();

  constructor(
    private readonly eventStore: EventStore,
    private readonly clock: Clock,
    private readonly options: { readonly ttlMs?: number; readonly maxEntries?: number } = {},
  ) {}

  /** The organization's catalog as the webhook rules and publishing read it; `presetId` is its preset (used until its first change). */
  async catalog(organizationId: string, presetId: string, fresh = false): Promise<EventCatalog> {
    const entry = await this.entry(organizationId, fresh);
    if (entry.view?.preset !== presetId) entry.view = { preset: presetId, catalog: catalogView(entry.folded.state, presetId, entry.folded.revision) };
    return entry.view.catalog;
  }

  /** The folded stream and its revision. */
  async state(organizationId: string, fresh = false): Promise<Folded<CatalogState>> {
    return (await this.entry(organizationId, fresh)).folded;
  }

  /** Keeps a state this process just wrote, unless a later one is kept already. */
  remember(organizationId: string, folded: Folded<CatalogState>): void {
    const existing = this.entries.get(organizationId);
    if (existing && existing.folded.revision >= folded.revision) return;
    this.keep(organizationId, { folded, checkedAt: this.clock.now().getTime() });
  }

  private async entry(organizationId: string, fresh: boolean): Promise<Entry> {
    const cached = this.entries.get(organizationId);
    const now = this.clock.now().getTime();
    if (cached && !fresh && now - cached.checkedAt < (this.options.ttlMs ?? CATALOG_TTL_MS)) return cached;
    const shared = fresh ? undefined : this.loading.get(organizationId);
    if (shared) return shared;
    const pending = this.load(organizationId, cached, now).finally(() => {
      if (this.loading.get(organizationId) === pending) this.loading.delete(organizationId);
    });
    if (!fresh) this.loading.set(organizationId, pending);
    return pending;
  }

  private async load(organizationId: string, cached: Entry | undefined, now: number): Promise<Entry> {
    const { state, revision } = await aggregateStream(this.eventStore, catalogStreamDecider, catalogStreamOf(organizationId), undefined, cached?.folded);
    const latest = this.entries.get(organizationId);
    // Another read or a write of this process got further meanwhile: keep that one.
    if (latest && latest.folded.revision > revision) return latest;
    const entry: Entry = revision === cached?.folded.revision && cached ? { ...cached, checkedAt: now } : { folded: { state, revision }, checkedAt: now };
    this.keep(organizationId, entry);
    return entry;
  }

  private keep(organizationId: string, entry: Entry): void {
    this.entries.delete(organizationId);
    if (this.entries.size >= (this.options.maxEntries ?? 10_000)) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(organizationId, entry);
  }
}
