import { rebuildWebhookList } from '../../application/index.js';
import type { EventStore } from '../../ports/event-store.js';
import type { OrganizationStore } from '../../ports/organizations.js';
import type { WebhookReadModel, WebhookRow } from '../../ports/webhook-read-model.js';
import { type Io, type ProgressTarget, printJson } from './cli-kit.js';

export interface ReplayDeps {
  readonly eventStore: EventStore;
  readonly readModel: WebhookReadModel;
  readonly organizations: OrganizationStore;
}

export interface ReplayOptions {
  readonly json?: boolean | undefined;
  /** Where progress is drawn, and only when it is a terminal (default stderr). */
  readonly progress?: ProgressTarget | undefined;
}

const progressBar = (target: ProgressTarget, label: string, done: number, total: number) => {
  const width = 30;
  const filled = total === 0 ? width : Math.round((done / total) * width);
  target.write(`\r${label} [${'#'.repeat(filled)}${' '.repeat(width - filled)}] ${done}/${total}`);
};

/** Every organization's listed webhooks, keyed by id: what `replay` compares before and after. */
const snapshot = async (deps: ReplayDeps): Promise<Map<string, string>> => {
  const rows = new Map<string, string>();
  for (const org of await deps.organizations.listOrganizations()) {
    let after: number | undefined;
    for (;;) {
      const page = await deps.readModel.list({ organizationId: org.id, limit: 500, afterSequence: after });
      for (const r of page.rows as WebhookRow[]) rows.set(r.webhook.webhook_id, JSON.stringify({ ...r.webhook, version: r.version }));
      if (page.rows.length < 500) break;
      after = page.rows.at(-1)!.sequence;
    }
  }
  return rows;
};

/** `hookledger replay`: rebuilds the read model from the event log and reports what it repaired. */
export const runReplay = async (deps: ReplayDeps, options: ReplayOptions, io: Io): Promise<number> => {
  const progress = options.progress ?? process.stderr;
  const before = await snapshot(deps);
  // Progress only for a person watching: counting the log first costs a second read of it.
  const tty = progress.isTTY === true;
  let total = 0;
  for (let after = 0; tty;) {
    const page = await deps.eventStore.readAll({ after, limit: 10_000 });
    if (page.length === 0) break;
    total += page.length;
    after = page.at(-1)!.position;
  }
  const result = await rebuildWebhookList(deps, tty ? (_position, applied) => progressBar(progress, 'replaying', applied, total) : undefined);
  if (tty) {
    progressBar(progress, 'replaying', total, total);
    progress.write('\n');
  }
  const after = await snapshot(deps);
  const differences = [...new Set([...before.keys(), ...after.keys()])]
    .filter((id) => before.get(id) !== after.get(id))
    .map((id) => ({ webhook_id: id, change: before.has(id) ? (after.has(id) ? 'changed' : 'no longer listed') : 'was missing' }));
  if (options.json) {
    printJson(io, { applied: result.applied, position: result.position, listed: after.size, differences, matched: differences.length === 0 });
    return 0;
  }
  io.out(`replayed ${result.applied} webhook events up to position ${result.position}; ${after.size} webhooks listed`);
  for (const d of differences) io.out(`difference: ${d.webhook_id} ${d.change}`);
  io.out(differences.length === 0 ? 'the read model matched the event log' : `${differences.length} difference(s) repaired`);
  return 0;
};
