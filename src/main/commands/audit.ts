import { parseArgs } from 'node:util';
import { rebuildWebhookList, readWebhookEvent, verifyEventLog } from '../../application/index.js';
import { type ExistingWebhook, type WebhookState, channelDestination, evolve, initialState, isLive, streamIdOf } from '../../domain/index.js';
import type { Digest } from '../../ports/digest.js';
import type { EventStore } from '../../ports/event-store.js';
import type { OrganizationStore } from '../../ports/organizations.js';
import type { WebhookReadModel, WebhookRow } from '../../ports/webhook-read-model.js';

export interface AuditDeps {
  readonly eventStore: EventStore;
  readonly digest: Digest;
  readonly readModel: WebhookReadModel;
  readonly organizations: OrganizationStore;
}

type Out = (line: string) => void;

const USAGE = `usage: hookledger history <webhook_id>
       hookledger state <webhook_id> --as-of <ISO time>
       hookledger export [--since <ISO time>] [--until <ISO time>] [--org <name or id>]
       hookledger replay
       hookledger verify`;

/** What one event changed, as `field: old -> new` parts. */
const describeChange = (before: WebhookState, after: WebhookState): string => {
  if (before.status === 'initial' && after.status !== 'initial') {
    return `created "${after.webhook_name}" (${after.status}), events ${after.event_types.join(', ')}, ${after.channels.length} channel(s)`;
  }
  if (!isLive(before) || after.status === 'initial') return after.status;
  const parts: string[] = [];
  if (after.status !== before.status) parts.push(`status: ${before.status} -> ${after.status}${after.status === 'paused' ? ` (${after.paused_reason})` : ''}`);
  if (after.webhook_name !== before.webhook_name) parts.push(`name: "${before.webhook_name}" -> "${after.webhook_name}"`);
  if (after.event_types.join() !== before.event_types.join()) parts.push(`event_types: ${before.event_types.join(', ')} -> ${after.event_types.join(', ')}`);
  const destinations = (s: ExistingWebhook) => s.channels.map(channelDestination).join(', ');
  if (destinations(after) !== destinations(before)) parts.push(`channels: ${destinations(before)} -> ${destinations(after)}`);
  return parts.join('; ') || 'no visible change (e.g. a secret rotation)';
};

const progressBar = (label: string, done: number, total: number) => {
  const width = 30;
  const filled = total === 0 ? width : Math.round((done / total) * width);
  process.stderr.write(`\r${label} [${'#'.repeat(filled)}${' '.repeat(width - filled)}] ${done}/${total}`);
};

/** Every organization's listed webhooks, keyed by id: what `replay` compares before and after. */
const snapshot = async (deps: AuditDeps): Promise<Map<string, string>> => {
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

export const runAuditCommand = async (argv: readonly string[], deps: AuditDeps, out: Out, err: Out): Promise<number> => {
  const [command, ...rest] = argv;
  let values: { 'as-of'?: string; since?: string; until?: string; org?: string };
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: rest,
      options: { 'as-of': { type: 'string' }, since: { type: 'string' }, until: { type: 'string' }, org: { type: 'string' } },
      allowPositionals: true,
    }));
  } catch (error) {
    err(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const time = (name: string, value: string | undefined): string | undefined | null => {
    if (value === undefined) return undefined;
    const t = Date.parse(value);
    if (Number.isNaN(t)) {
      err(`--${name} must be an ISO-8601 time, such as 2026-11-22T10:00:00Z`);
      return null;
    }
    return new Date(t).toISOString();
  };

  if ((command === 'history' || command === 'state') && positionals.length === 1) {
    const asOf = time('as-of', values['as-of']);
    if (asOf === null) return 2;
    if (command === 'state' && asOf === undefined) {
      err(USAGE);
      return 2;
    }
    const events = await deps.eventStore.readStream(streamIdOf(positionals[0]!), asOf ? { until: asOf } : undefined);
    if (events.length === 0) {
      err(`error: no history for ${positionals[0]}${asOf ? ` at ${asOf}` : ''}`);
      return 1;
    }
    let state = initialState();
    for (const stored of events) {
      const next = evolve(state, readWebhookEvent(stored));
      if (command === 'history') {
        out(`${stored.metadata.recordedAt}  #${stored.revision}  ${stored.type.padEnd(25)} ${stored.metadata.actor.padEnd(22)} ${describeChange(state, next)}`);
      }
      state = next;
    }
    if (command === 'state') out(JSON.stringify({ ...state, version: events.at(-1)!.revision }, null, 2));
    return 0;
  }

  if (command === 'export' && positionals.length === 0) {
    const since = time('since', values.since);
    const until = time('until', values.until);
    if (since === null || until === null) return 2;
    let organizationId: string | undefined;
    if (values.org) {
      organizationId = (await deps.organizations.findOrganization(values.org))?.id;
      if (!organizationId) {
        err(`error: no organization '${values.org}'`);
        return 1;
      }
    }
    // NDJSON for a SIEM: one event per line, in global order.
    for (let after = 0; ; ) {
      const page = await deps.eventStore.readAll({ after, limit: 1000 });
      if (page.length === 0) return 0;
      for (const e of page) {
        const at = e.metadata.recordedAt;
        if ((since && at < since) || (until && at > until) || (organizationId && e.metadata.organizationId !== organizationId)) continue;
        out(JSON.stringify({ position: e.position, stream: e.streamId, revision: e.revision, type: e.type, version: e.version, data: e.data, metadata: e.metadata }));
      }
      after = page.at(-1)!.position;
    }
  }

  if (command === 'replay' && positionals.length === 0) {
    const before = await snapshot(deps);
    // Progress only for a person watching: counting the log first costs a second read of it.
    const tty = process.stderr.isTTY === true;
    let total = 0;
    for (let after = 0; tty; ) {
      const page = await deps.eventStore.readAll({ after, limit: 10_000 });
      if (page.length === 0) break;
      total += page.length;
      after = page.at(-1)!.position;
    }
    const result = await rebuildWebhookList(deps, tty ? (_position, applied) => progressBar('replaying', applied, total) : undefined);
    if (tty) {
      progressBar('replaying', total, total);
      process.stderr.write('\n');
    }
    const after = await snapshot(deps);
    const differences = [...new Set([...before.keys(), ...after.keys()])].filter((id) => before.get(id) !== after.get(id));
    out(`replayed ${result.applied} webhook events up to position ${result.position}; ${after.size} webhooks listed`);
    for (const id of differences) out(`difference: ${id} ${before.has(id) ? (after.has(id) ? 'changed' : 'no longer listed') : 'was missing'}`);
    out(differences.length === 0 ? 'the read model matched the event log' : `${differences.length} difference(s) repaired`);
    return 0;
  }

  if (command === 'verify' && positionals.length === 0) {
    const tty = process.stderr.isTTY === true;
    const report = await verifyEventLog(deps, tty ? (checked) => process.stderr.write(`\rverifying: ${checked} events`) : undefined);
    if (tty) process.stderr.write('\n');
    for (const p of report.problems) out(`TAMPERED position ${p.position} (${p.streamId} revision ${p.revision}, event ${p.eventId}): ${p.problem}`);
    out(`${report.checked} events checked; ${report.problems.length === 0 ? 'the log is intact' : `${report.problems.length} problem(s)`}; head ${report.head}`);
    return report.problems.length === 0 ? 0 : 1;
  }

  err(USAGE);
  return 2;
};
