import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/adapters/clock/manual/manual-clock.js';
import { CryptoDigest } from '../../src/adapters/ids/crypto/crypto-digest.js';
import { CryptoIds } from '../../src/adapters/ids/crypto/crypto-ids.js';
import { SqliteEventColumns } from '../../src/adapters/store/sqlite/sqlite-event-columns.js';
import { SqliteEventStore } from '../../src/adapters/store/sqlite/sqlite-event-store.js';
import { SqliteOrganizationStore } from '../../src/adapters/store/sqlite/sqlite-organization-store.js';
import { SqliteWebhookReadModel } from '../../src/adapters/store/sqlite/sqlite-webhook-read-model.js';
import { type Caller, createWebhook, executeWebhookCommand } from '../../src/application/index.js';
import { dottedCatalog } from '../../src/domain/index.js';
import { type AuditDeps, runAuditCommand } from '../../src/main/commands/audit.js';
import { tempSqlite } from '../support/sqlite-temp.js';

const root = resolve(import.meta.dirname, '../..');
const script = resolve(root, 'examples/verify-export.mjs');
const acme: Caller = { organizationId: 'int_acme00000000000000000000', actor: 'key:ACME', catalog: dottedCatalog };
const other: Caller = { organizationId: 'int_other0000000000000000000', actor: 'key:OTHER', catalog: dottedCatalog };

/** The README's export-verification script, run by a SIEM with nothing of Hookledger but the NDJSON (ADR 0019). */
describe('an export verifies on its own: the README script recomputes every hash and link of a real export', () => {
  let t: ReturnType<typeof tempSqlite>;
  let deps: AuditDeps;
  const run = async (...argv: string[]) => {
    const out: string[] = [];
    const code = await runAuditCommand(
      argv,
      deps,
      (l) => out.push(l),
      () => undefined,
    );
    return { code, out };
  };
  const siem = (ndjson: string, ...args: string[]) => spawnSync(process.execPath, [script, ...args], { input: ndjson, encoding: 'utf8' });

  beforeEach(async () => {
    t = tempSqlite();
    const organizations = new SqliteOrganizationStore(t.db);
    for (const c of [acme, other])
      await organizations.createOrganization({ id: c.organizationId, name: c.actor, catalogId: 'dotted', createdAt: '2026-11-22T00:00:00.000Z' });
    deps = {
      eventStore: new SqliteEventStore(t.db),
      readModel: new SqliteWebhookReadModel(t.db),
      organizations,
      columns: new SqliteEventColumns(t.db),
      digest: new CryptoDigest(),
    };
    const clock = new ManualClock('2026-11-22T10:00:00.000Z');
    const w = { eventStore: deps.eventStore, clock, ids: new CryptoIds() };
    const a = await createWebhook(w, acme, {
      webhook_name: 'A "quoted" é',
      event_types: ['object.*'],
      channels: [{ channel: 'webhook', configs: { url: 'https://a.example/h', headers: { 'X-Z': '1', 'X-A': '2' } } }],
    });
    await createWebhook(w, other, {
      webhook_name: 'Other',
      event_types: ['*'],
      channels: [{ channel: 'email', configs: { to_addresses: ['o@example.com'] } }],
    });
    if (a._tag === 'Left') throw new Error(a.left.message);
    clock.advance(60_000);
    await executeWebhookCommand(w, acme, a.right.webhook.webhook_id, { type: 'UpdateWebhook', data: { webhook_name: 'B' } });
    await executeWebhookCommand(w, acme, a.right.webhook.webhook_id, { type: 'PauseWebhook', data: { reason: 'x' } });
  });
  afterEach(() => t.cleanup());

  it('the README shows the script that is tested here, verbatim', () => {
    expect(readFileSync(resolve(root, 'README.md'), 'utf8')).toContain(readFileSync(script, 'utf8').trim());
  });

  it('passes a real export and ends at the head verify prints; fails an edited line', async () => {
    const exported = await run('export');
    const lines = exported.out;
    expect(lines).toHaveLength(4);
    expect(JSON.parse(lines[0]!)).toMatchObject({
      position: expect.any(Number),
      event_id: expect.any(String),
      hash: expect.stringMatching(/^[0-9a-f]{64}$/),
      previous_hash: '0'.repeat(64),
      previous_chain: '0'.repeat(64),
    });
    const head = (await run('verify')).out.at(-1)!.split('head ')[1];
    const ok = siem(`${lines.join('\n')}\n`);
    expect([ok.status, ok.stdout.trim()]).toEqual([0, `4 events, 0 failing; head ${head}`]);

    const edited = lines.map((l, i) => (i === 2 ? l.replace('"B"', '"Z"') : l));
    const bad = siem(`${edited.join('\n')}\n`);
    expect(bad.status).toBe(1);
    expect(bad.stdout).toContain(`position ${JSON.parse(lines[2]!).position}: does not verify`);
    const cut = siem(`${[lines[0], lines[2], lines[3]].join('\n')}\n`);
    expect(cut.status).toBe(1); // a line left out breaks the link
  });

  it('verifies a filtered export line by line', async () => {
    const acmeOnly = (await run('export', '--org', 'key:ACME')).out;
    expect(acmeOnly).toHaveLength(3);
    expect(siem(`${acmeOnly.join('\n')}\n`).status).toBe(1); // the other organization's event is missing from the links
    const filtered = siem(`${acmeOnly.join('\n')}\n`, '--filtered');
    expect([filtered.status, filtered.stdout]).toEqual([0, expect.stringMatching(/^3 events, 0 failing/)]);
  });

  it('hookledger checkpoint and verify --checkpoint through the CLI, on the SQLite file', () => {
    const env = { ...process.env, DATABASE_URL: `sqlite:${t.path}`, LOG_LEVEL: 'warn', HOOKLEDGER_CHECKPOINT_KEY: 'k'.repeat(40) };
    const cli = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', 'src/main/cli.ts', ...args], { cwd: root, encoding: 'utf8', env });
    const taken = cli('checkpoint');
    expect(taken.status, taken.stderr).toBe(0);
    // The checkpoint is the last line (a first start may log the creation of a key file before it).
    const checkpoint = taken.stdout.trim().split('\n').at(-1)!;
    expect(JSON.parse(checkpoint)).toMatchObject({ format: 'hookledger-checkpoint/1', events: 4, head: expect.stringMatching(/^[0-9a-f]{64}$/) });
    const checked = cli('verify', '--checkpoint', checkpoint);
    expect(checked.status, checked.stderr).toBe(0);
    t.db.prepare('DELETE FROM events WHERE position = (SELECT max(position) FROM events)').run();
    const cut = cli('verify', '--checkpoint', checkpoint);
    expect(cut.status).toBe(1);
    expect(cut.stdout).toContain('CUT TAIL since the checkpoint');
  });
});
