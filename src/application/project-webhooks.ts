import { type ExistingWebhook, type WebhookState, WEBHOOK_STREAM_PREFIX, evolve, initialState, webhookIdOfStream } from '../domain/index.js';
import type { EventStore, LoggedEvent } from '../ports/event-store.js';
import type { WebhookListPage, WebhookListQuery, WebhookReadModel, WebhookRow } from '../ports/webhook-read-model.js';
import { readWebhookEvent } from './webhook-decider.js';

/** What the list projection needs: the event log and the read model. */
export interface ProjectionDeps {
  readonly eventStore: EventStore;
  readonly readModel: WebhookReadModel;
}

/** Options of a catch-up: how many events one read returns, how many one write may cover, and progress. */
export interface CatchUpOptions {
  /** Events per read of the log (default 1000): small pages keep short-lived garbage small. */
  readonly batchSize?: number;
  /** Events folded before their rows and the checkpoint are written (default: one page); more means fewer, larger transactions. */
  readonly applyEvery?: number;
  /** Rows held before a write, whatever `applyEvery` says (default 2,000): bounds the memory of a catch-up. */
  readonly maxRows?: number;
  /** After each write: the position reached and the events applied so far. */
  readonly onProgress?: (position: number, applied: number) => void;
}

type Folding = { state: WebhookState; version: number; sequence: number };

/**
 * Brings the webhook list up to the end of the event log: reads pages after
 * the checkpoint, folds each event into its row, and writes rows and the new
 * checkpoint together (ADR 0005). Safe to run from several processes at once:
 * the read model ignores a batch that is not ahead of its checkpoint, and an
 * event whose revision a row already holds is never folded twice.
 * Per page, the rows of the webhooks it meets mid-stream are read at once; rows are written once per
 * `applyEvery` events (ADR 0016: replay speed).
 */
export const catchUpWebhookList = async (deps: ProjectionDeps, options: CatchUpOptions = {}): Promise<{ applied: number; position: number }> => {
  const batchSize = options.batchSize ?? 1000;
  const applyEvery = Math.max(options.applyEvery ?? batchSize, batchSize);
  const maxRows = options.maxRows ?? 2000;
  let position = await deps.readModel.checkpoint();
  let applied = 0;
  let changed = new Map<string, Folding>();
  let folded = 0;
  const write = async () => {
    const rows: WebhookRow[] = [];
    for (const { state, version, sequence } of changed.values()) {
      if (state.status !== 'initial') rows.push({ webhook: state, version, sequence });
    }
    await deps.readModel.apply(rows, position);
    applied += folded;
    changed = new Map();
    folded = 0;
    options.onProgress?.(position, applied);
  };
  for (;;) {
    const read = { after: position, limit: batchSize, streamPrefix: WEBHOOK_STREAM_PREFIX };
    const page = await (deps.eventStore.readAllData ? deps.eventStore.readAllData(read) : deps.eventStore.readAll(read));
    if (page.length === 0) {
      if (folded > 0) await write();
      return { applied, position };
    }
    const { webhookIds, unseen } = webhooksOf(page, changed);
    foldPage(page, webhookIds, changed, unseen.length > 0 ? await deps.readModel.getMany(unseen) : NO_ROWS);
    position = page.at(-1)!.position;
    folded += page.length;
    if (folded >= applyEvery || changed.size >= maxRows) await write();
  }
};

// The per-event loops live in small synchronous functions: the JIT optimises them once and early,
// instead of recompiling the whole asynchronous catch-up (a replay is one cold pass).

/**
 * The webhook of each event (a stream's events mostly come together), and the webhooks whose rows
 * must be read first: those met mid-stream and not held yet. A webhook first met at its creation
 * folds from its first event whatever a row says (a row ahead of this batch means a checkpoint
 * ahead too, and the read model then ignores the batch): none in most of a replay.
 */
const webhooksOf = (page: readonly LoggedEvent[], changed: ReadonlyMap<string, Folding>): { webhookIds: string[]; unseen: string[] } => {
  const webhookIds: string[] = new Array(page.length);
  const met = new Set<string>();
  const unseen: string[] = [];
  let lastStream = '';
  let lastId = '';
  for (let i = 0; i < page.length; i++) {
    const stored = page[i]!;
    if (stored.streamId !== lastStream) {
      lastStream = stored.streamId;
      lastId = webhookIdOfStream(lastStream)!;
      if (!changed.has(lastId) && !met.has(lastId)) {
        met.add(lastId);
        if (stored.revision > 1) unseen.push(lastId);
      }
    }
    webhookIds[i] = lastId;
  }
  return { webhookIds, unseen };
};

/** Folds a page into the held records, starting from the rows read (`existing`) where they are not held yet. */
const foldPage = (page: readonly LoggedEvent[], webhookIds: readonly string[], changed: Map<string, Folding>, existing: ReadonlyMap<string, WebhookRow>) => {
  for (let i = 0; i < page.length; i++) {
    const stored = page[i]!;
    const webhookId = webhookIds[i]!;
    let current = changed.get(webhookId);
    if (current === undefined) {
      // A webhook's place in the list is the position of its first event.
      current = fromRow(existing.get(webhookId)) ?? { state: initialState(), version: 0, sequence: stored.position };
      changed.set(webhookId, current);
    }
    // Already folded into the row (another process applied a batch since we read the checkpoint):
    // evolving it again would double-apply, so skip it.
    if (stored.revision <= current.version) continue;
    // Updated in place: one record per webhook per write, not one per event.
    current.state = evolve(current.state, readWebhookEvent(stored));
    current.version = stored.revision;
  }
};

const NO_ROWS: ReadonlyMap<string, WebhookRow> = new Map();

const fromRow = (row: WebhookRow | undefined): Folding | undefined =>
  row ? { state: row.webhook as WebhookState, version: row.version, sequence: row.sequence } : undefined;

/** Forgets the list and replays the whole log into it. */
export const rebuildWebhookList = async (deps: ProjectionDeps, onProgress?: (position: number, applied: number) => void) => {
  await deps.readModel.reset();
  // Pages small enough to keep garbage young, transactions large enough to be few (ADR 0016).
  return catchUpWebhookList(deps, { onProgress, batchSize: 1000, applyEvery: 50_000 });
};

/** Lists after catching up, so a process always sees its own writes. */
export const listWebhooks = async (deps: ProjectionDeps, query: WebhookListQuery): Promise<WebhookListPage> => {
  await catchUpWebhookList(deps);
  return deps.readModel.list(query);
};

/**
 * A webhook as it is now (deleted ones included; undefined when unknown), from the list
 * projection caught up first: what each delivery attempt reads its settings from (ADR 0015).
 * Callers at the same moment share catch-ups, and each sees every event recorded before its call.
 */
export const currentWebhooks = (deps: ProjectionDeps): ((webhookId: string) => Promise<ExistingWebhook | undefined>) => {
  let running: Promise<unknown> | undefined;
  let next: Promise<unknown> | undefined;
  const start = (): Promise<unknown> =>
    (running = catchUpWebhookList(deps).finally(() => {
      running = undefined;
    }));
  const catchUp = (): Promise<unknown> => {
    if (!running) return start();
    // The one running may have read the log before this call (an edit just made would be missed):
    // one more runs after it, shared by every caller that arrived meanwhile.
    return (next ??= running
      .catch(() => undefined)
      .then(() => {
        next = undefined;
        return running ?? start();
      }));
  };
  return async (webhookId) => {
    await catchUp();
    return (await deps.readModel.get(webhookId))?.webhook;
  };
};
