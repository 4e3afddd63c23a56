import { type WebhookState, WEBHOOK_STREAM_PREFIX, evolve, initialState, webhookIdOfStream } from '../domain/index.js';
import type { EventStore } from '../ports/event-store.js';
import type { WebhookListPage, WebhookListQuery, WebhookReadModel, WebhookRow } from '../ports/webhook-read-model.js';
import { readWebhookEvent } from './webhook-decider.js';

/** What the list projection needs: the event log and the read model. */
export interface ProjectionDeps {
  readonly eventStore: EventStore;
  readonly readModel: WebhookReadModel;
}

/**
 * Brings the webhook list up to the end of the event log: reads pages after
 * the checkpoint, folds each event into its row, and writes rows and the new
 * checkpoint together (ADR 0005). Safe to run from several processes at once:
 * the read model ignores a batch that is not ahead of its checkpoint, and an
 * event whose revision a row already holds is never folded twice.
 */
export const catchUpWebhookList = async (
  deps: ProjectionDeps,
  options: { batchSize?: number; onProgress?: (position: number, applied: number) => void } = {},
): Promise<{ applied: number; position: number }> => {
  let position = await deps.readModel.checkpoint();
  let applied = 0;
  for (;;) {
    const page = await deps.eventStore.readAll({ after: position, limit: options.batchSize ?? 500, streamPrefix: WEBHOOK_STREAM_PREFIX });
    if (page.length === 0) return { applied, position };
    const changed = new Map<string, { state: WebhookState; version: number; sequence: number }>();
    for (const stored of page) {
      const webhookId = webhookIdOfStream(stored.streamId)!;
      const current = changed.get(webhookId) ?? fromRow(await deps.readModel.get(webhookId));
      // Already folded into the row (another process applied a batch since we read the checkpoint):
      // evolving it again would double-apply, so skip it.
      if (current !== undefined && stored.revision <= current.version) continue;
      const state = evolve(current?.state ?? initialState(), readWebhookEvent(stored));
      // A webhook's place in the list is the position of its first event.
      changed.set(webhookId, { state, version: stored.revision, sequence: current?.sequence ?? stored.position });
    }
    const rows: WebhookRow[] = [];
    for (const { state, version, sequence } of changed.values()) {
      if (state.status !== 'initial') rows.push({ webhook: state, version, sequence });
    }
    position = page.at(-1)!.position;
    await deps.readModel.apply(rows, position);
    applied += page.length;
    options.onProgress?.(position, applied);
  }
};

const fromRow = (row: WebhookRow | undefined) => (row ? { state: row.webhook as WebhookState, version: row.version, sequence: row.sequence } : undefined);

/** Forgets the list and replays the whole log into it. */
export const rebuildWebhookList = async (deps: ProjectionDeps, onProgress?: (position: number, applied: number) => void) => {
  await deps.readModel.reset();
  return catchUpWebhookList(deps, { onProgress });
};

/** Lists after catching up, so a process always sees its own writes. */
export const listWebhooks = async (deps: ProjectionDeps, query: WebhookListQuery): Promise<WebhookListPage> => {
  await catchUpWebhookList(deps);
  return deps.readModel.list(query);
};

/**
 * Whether a webhook takes deliveries now (it exists and is active), from the list projection
 * caught up first. Callers at the same moment share one catch-up.
 */
export const deliveryGate = (deps: ProjectionDeps): ((webhookId: string) => Promise<boolean>) => {
  let running: Promise<unknown> | undefined;
  const catchUp = () =>
    (running ??= catchUpWebhookList(deps).finally(() => {
      running = undefined;
    }));
  return async (webhookId) => {
    await catchUp();
    return (await deps.readModel.get(webhookId))?.webhook.status === 'active';
  };
};
