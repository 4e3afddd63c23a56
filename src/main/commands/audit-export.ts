import { GENESIS, webhookIdOfStream } from '../../domain/index.js';
import type { EventStore } from '../../ports/event-store.js';
import type { OrganizationStore } from '../../ports/organizations.js';
import type { Io } from './cli-kit.js';

export interface ExportOptions {
  /** ISO-8601 times, both ends included. */
  readonly since?: string | undefined;
  readonly until?: string | undefined;
  /** An organization's name or id. */
  readonly org?: string | undefined;
  /**
   * Sealed settings in clear for their owner, "[forgotten]" where the key is destroyed. Off by
   * default: an export as stored recomputes to its hashes and carries no credential (ADR 0018).
   */
  readonly open?: boolean | undefined;
}

/**
 * `hookledger export`: NDJSON for a SIEM, one event per line, in global order, with what it needs
 * to recompute each hash and link on its own (README, "Verifying an export"; ADR 0019): the
 * previous hash in the stream and the previous chain in the log, also where a filter left those
 * events out.
 */
export const runExport = async (
  deps: {
    readonly eventStore: EventStore;
    readonly organizations: OrganizationStore;
    readonly openData?: ((webhookId: string, data: unknown) => Promise<unknown>) | undefined;
  },
  options: ExportOptions,
  io: Io,
): Promise<number> => {
  const { since, until } = options;
  let organizationId: string | undefined;
  if (options.org) {
    organizationId = (await deps.organizations.findOrganization(options.org))?.id;
    if (!organizationId) {
      io.err(`error: no organization '${options.org}'`);
      return 1;
    }
  }
  const lastOfStream = new Map<string, string>();
  let previousChain = GENESIS;
  for (let after = 0; ;) {
    const page = await deps.eventStore.readAll({ after, limit: 1000 });
    if (page.length === 0) return 0;
    for (const e of page) {
      const at = e.metadata.recordedAt;
      const previousHash = lastOfStream.get(e.streamId) ?? GENESIS;
      const chainBefore = previousChain;
      lastOfStream.set(e.streamId, e.hash);
      previousChain = e.chain;
      if ((since && at < since) || (until && at > until) || (organizationId && e.metadata.organizationId !== organizationId)) continue;
      const webhookId = options.open && deps.openData ? webhookIdOfStream(e.streamId) : undefined;
      const data = webhookId === undefined ? e.data : await deps.openData!(webhookId, e.data);
      io.out(
        JSON.stringify({
          position: e.position,
          event_id: e.eventId,
          stream: e.streamId,
          revision: e.revision,
          type: e.type,
          version: e.version,
          data,
          metadata: e.metadata,
          hash: e.hash,
          chain: e.chain,
          previous_hash: previousHash,
          previous_chain: chainBefore,
        }),
      );
    }
    after = page.at(-1)!.position;
  }
};
