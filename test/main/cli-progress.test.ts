import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/adapters/clock/manual/manual-clock.js';
import { CryptoDigest } from '../../src/adapters/ids/crypto/crypto-digest.js';
import { CryptoIds } from '../../src/adapters/ids/crypto/crypto-ids.js';
import { HmacCheckpointSigner } from '../../src/adapters/ids/crypto/hmac-checkpoint-signer.js';
import { SqliteEventStore } from '../../src/adapters/store/sqlite/sqlite-event-store.js';
import { SqliteOrganizationStore } from '../../src/adapters/store/sqlite/sqlite-organization-store.js';
import { SqliteWebhookReadModel } from '../../src/adapters/store/sqlite/sqlite-webhook-read-model.js';
import { type Caller, createWebhook } from '../../src/application/index.js';
import { dottedCatalog } from '../../src/domain/index.js';
import type { AuditDeps } from '../../src/main/commands/audit.js';
import { runCheckpoint, runVerify } from '../../src/main/commands/audit-integrity.js';
import { runReplay } from '../../src/main/commands/audit-replay.js';
import type { Io, ProgressTarget } from '../../src/main/commands/cli-kit.js';
import { tempSqlite } from '../support/sqlite-temp.js';

/** A stand-in for stderr that records what is drawn on it. */
const target = (isTTY: boolean) => {
  const written: string[] = [];
  const t: ProgressTarget = { isTTY, write: (text: string) => written.push(text) };
  return { t, drawn: () => written.join('') };
};

describe('progress of replay, verify and checkpoint', () => {
  let t: ReturnType<typeof tempSqlite>;
  let deps: AuditDeps;
  const out: string[] = [];
  const io: Io = { out: (l) => out.push(l), err: (l) => out.push(l) };

  beforeEach(async () => {
    t = tempSqlite();
    out.length = 0;
    const caller: Caller = { organizationId: 'int_acme00000000000000000000', actor: 'key:ACME', catalog: dottedCatalog };
    const organizations = new SqliteOrganizationStore(t.db);
    await organizations.createOrganization({ id: caller.organizationId, name: 'acme', catalogId: 'dotted', createdAt: '2026-11-22T00:00:00.000Z' });
    deps = {
      eventStore: new SqliteEventStore(t.db),
      readModel: new SqliteWebhookReadModel(t.db),
      organizations,
      digest: new CryptoDigest(),
      checkpointSigner: () => new HmacCheckpointSigner('k'.repeat(40)),
      now: () => new Date('2026-11-22T12:00:00.000Z'),
    };
    const w = { eventStore: deps.eventStore, clock: new ManualClock('2026-11-22T10:00:00.000Z'), ids: new CryptoIds() };
    for (const name of ['A', 'B', 'C']) {
      await createWebhook(w, caller, {
        webhook_name: name,
        event_types: ['object.*'],
        channels: [{ channel: 'webhook', configs: { url: 'https://a.example/h' } }],
      });
    }
  });
  afterEach(() => t.cleanup());

  it('is drawn on a terminal, with \\r, and ends its line', async () => {
    const replay = target(true);
    expect(await runReplay(deps, { progress: replay.t }, io)).toBe(0);
    expect(replay.drawn()).toMatch(/^\rreplaying \[.*\] \d+\/3.*\r.*\] 3\/3\n$/s);
    const verify = target(true);
    expect(await runVerify(deps, { progress: verify.t }, io)).toBe(0);
    expect(verify.drawn()).toMatch(/\rverifying: 3 events\n$/);
    const checkpoint = target(true);
    expect(await runCheckpoint(deps, { progress: checkpoint.t }, io)).toBe(0);
    expect(checkpoint.drawn()).toMatch(/\rverifying: 3 events\n$/);
    // The results themselves are on stdout, not among the progress.
    expect(out[0]).toBe('replayed 3 webhook events up to position 3; 3 webhooks listed');
  });

  it('is not drawn when stderr is a pipe or a file, and the results are the same', async () => {
    const replay = target(false);
    expect(await runReplay(deps, { progress: replay.t }, io)).toBe(0);
    const verify = target(false);
    expect(await runVerify(deps, { progress: verify.t }, io)).toBe(0);
    const checkpoint = target(false);
    expect(await runCheckpoint(deps, { progress: checkpoint.t }, io)).toBe(0);
    expect([replay.drawn(), verify.drawn(), checkpoint.drawn()]).toEqual(['', '', '']);
    expect(out[0]).toBe('replayed 3 webhook events up to position 3; 3 webhooks listed');
    expect(out.some((l) => /^3 events checked; the log is intact/.test(l))).toBe(true);
    expect(JSON.parse(out.at(-1)!)).toMatchObject({ position: 3, events: 3 });
  });
});
