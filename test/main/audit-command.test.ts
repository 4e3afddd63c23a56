import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/adapters/clock/manual/manual-clock.js';
import { CryptoDigest } from '../../src/adapters/ids/crypto/crypto-digest.js';
import { CryptoIds } from '../../src/adapters/ids/crypto/crypto-ids.js';
import { SqliteEventStore } from '../../src/adapters/store/sqlite/sqlite-event-store.js';
import { SqliteOrganizationStore } from '../../src/adapters/store/sqlite/sqlite-organization-store.js';
import { SqliteWebhookReadModel } from '../../src/adapters/store/sqlite/sqlite-webhook-read-model.js';
import { type Caller, catchUpWebhookList, createWebhook, executeWebhookCommand } from '../../src/application/index.js';
import { dottedCatalog } from '../../src/domain/index.js';
import { type AuditDeps, runAuditCommand } from '../../src/main/commands/audit.js';
import { tempSqlite } from '../support/sqlite-temp.js';

describe('audit commands (history, state, export, replay) on a SQLite file', () => {
  let t: ReturnType<typeof tempSqlite>;
  let deps: AuditDeps;
  let id: string;
  const acme: Caller = { organizationId: 'int_acme00000000000000000000', actor: 'key:ACME', catalog: dottedCatalog };
  const other: Caller = { organizationId: 'int_other0000000000000000000', actor: 'key:OTHER', catalog: dottedCatalog };

  const run = async (...argv: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runAuditCommand(
      argv,
      deps,
      (l) => out.push(l),
      (l) => err.push(l),
    );
    return { code, out, err };
  };

  beforeEach(async () => {
    t = tempSqlite();
    const organizations = new SqliteOrganizationStore(t.db);
    for (const c of [acme, other])
      await organizations.createOrganization({ id: c.organizationId, name: c.actor, catalogId: 'dotted', createdAt: '2026-11-22T00:00:00.000Z' });
    deps = { eventStore: new SqliteEventStore(t.db), readModel: new SqliteWebhookReadModel(t.db), organizations, digest: new CryptoDigest() };
    const clock = new ManualClock('2026-11-22T10:00:00.000Z');
    const w = { eventStore: deps.eventStore, clock, ids: new CryptoIds() };
    const created = await createWebhook(w, acme, {
      webhook_name: 'A',
      event_types: ['object.*'],
      channels: [{ channel: 'webhook', configs: { url: 'https://a.example/h' } }],
    });
    if (created._tag === 'Left') throw new Error(created.left.message);
    id = created.right.webhook.webhook_id;
    clock.set('2026-11-22T11:00:00.000Z');
    await executeWebhookCommand(w, acme, id, { type: 'UpdateWebhook', data: { webhook_name: 'B', event_types: ['cluster.*'] } });
    clock.set('2026-11-22T12:00:00.000Z');
    await executeWebhookCommand(w, acme, id, { type: 'PauseWebhook', data: { reason: 'maintenance' } });
    await createWebhook(w, other, {
      webhook_name: 'Other',
      event_types: ['*'],
      channels: [{ channel: 'email', configs: { to_addresses: ['o@example.com'] } }],
    });
    await catchUpWebhookList(deps);
  });
  afterEach(() => t.cleanup());

  it('prints a readable timeline: time, actor, what changed from what to what', async () => {
    const { code, out } = await run('history', id);
    expect(code).toBe(0);
    expect(out).toHaveLength(4);
    expect(out[0]).toMatch(/^2026-11-22T10:00:00.000Z {2}#1 {2}WebhookCreated\s+key:ACME\s+created "A" \(active\), events object\.\*, 1 channel/);
    expect(out[1]).toContain('name: "A" -> "B"');
    expect(out[2]).toContain('event_types: object.* -> cluster.*');
    expect(out[3]).toMatch(/#4 {2}WebhookPaused .*status: active -> paused \(maintenance\)/);
  });

  it('shows the state as of a moment', async () => {
    const { out } = await run('state', id, '--as-of', '2026-11-22T10:30:00Z');
    expect(JSON.parse(out.join('\n'))).toMatchObject({ status: 'active', webhook_name: 'A', event_types: ['object.*'], version: 1 });
    expect(JSON.parse((await run('state', id, '--as-of', '2026-11-22T12:00:00Z')).out.join('\n'))).toMatchObject({ status: 'paused', version: 4 });
    expect((await run('state', id, '--as-of', '2026-11-22T09:00:00Z')).code).toBe(1);
    expect((await run('state', id, '--as-of', 'soon')).code).toBe(2);
    expect((await run('state', id)).code).toBe(2);
  });

  it('exports events as NDJSON, filtered by time window and organization', async () => {
    const all = (await run('export')).out.map((l) => JSON.parse(l) as { type: string; metadata: { organizationId: string }; position: number });
    expect(all.map((e) => e.type)).toEqual(['WebhookCreated', 'WebhookRenamed', 'WebhookEventTypesChanged', 'WebhookPaused', 'WebhookCreated']);
    expect([...all.map((e) => e.position)].sort((a, b) => a - b)).toEqual(all.map((e) => e.position));
    const acmeOnly = (await run('export', '--org', 'key:ACME', '--since', '2026-11-22T10:30:00Z', '--until', '2026-11-22T11:59:59Z')).out.map((l) =>
      JSON.parse(l),
    );
    expect(acmeOnly.map((e: { type: string }) => e.type)).toEqual(['WebhookRenamed', 'WebhookEventTypesChanged']);
    expect((await run('export', '--org', 'nobody')).code).toBe(1);
  });

  it('replays the log into the read model, reporting and repairing a row edited by hand', async () => {
    t.db.prepare("UPDATE webhook_list SET state = json_set(state, '$.webhook_name', 'tampered') WHERE webhook_id = ?").run(id);
    t.db.prepare('DELETE FROM webhook_list WHERE organization_id = ?').run(other.organizationId);
    const { code, out } = await run('replay');
    expect(code).toBe(0);
    expect(out).toContain(`difference: ${id} changed`);
    expect(out.some((l) => /^difference: wh_\w+ was missing$/.test(l))).toBe(true);
    expect(out.at(-1)).toBe('2 difference(s) repaired');
    expect((await deps.readModel.get(id))?.webhook.webhook_name).toBe('B');
    expect((await run('replay')).out.at(-1)).toBe('the read model matched the event log');
  });

  describe('verify finds tampering done to the SQLite file by hand', () => {
    const positions = () => t.db.prepare('SELECT position FROM events ORDER BY position').pluck().all() as number[];

    it('passes an untouched log and prints its head', async () => {
      const { code, out } = await run('verify');
      expect(code).toBe(0);
      expect(out.at(-1)).toMatch(/^5 events checked; the log is intact; head [0-9a-f]{64}$/);
    });

    it('names an edited event', async () => {
      const [, second] = positions();
      t.db.prepare("UPDATE events SET data = json_set(data, '$.webhook_name', 'Z') WHERE position = ?").run(second);
      const { code, out } = await run('verify');
      expect(code).toBe(1);
      expect(out.filter((l) => l.startsWith('TAMPERED'))).toEqual([
        expect.stringMatching(new RegExp(`^TAMPERED position ${second} .*revision 2.*content or its place .* was changed`)),
      ]);
    });

    it('names the gap a deleted event leaves', async () => {
      const [, second, third] = positions();
      const eventIdAt = (() => {
        const ids = new Map(positions().map((p) => [p, t.db.prepare('SELECT event_id FROM events WHERE position = ?').pluck().get(p) as string]));
        return (p: number) => ids.get(p);
      })();
      t.db.prepare('DELETE FROM events WHERE position = ?').run(second);
      const { out } = await run('verify');
      expect(out).toContainEqual(
        `TAMPERED position ${third} (webhook-${id} revision 3, event ${eventIdAt(third!)}): revision 2 of webhook-${id} is missing (removed)`,
      );
      expect(out).toContainEqual(expect.stringMatching(new RegExp(`^TAMPERED position ${third} .*global chain breaks here`)));
    });

    it('names reordered events', async () => {
      const [, second, third] = positions();
      // Swap two events' places in the log.
      t.db.transaction(() => {
        t.db.prepare('UPDATE events SET position = -1 WHERE position = ?').run(second);
        t.db.prepare('UPDATE events SET position = ? WHERE position = ?').run(second, third);
        t.db.prepare('UPDATE events SET position = ? WHERE position = -1').run(third);
      })();
      const { code, out } = await run('verify');
      expect(code).toBe(1);
      expect(out).toContainEqual(expect.stringMatching(new RegExp(`^TAMPERED position ${second} .*revision 2 of webhook-${id} is missing`)));
      expect(out).toContainEqual(expect.stringMatching(new RegExp(`^TAMPERED position ${third} .*revision 2 of webhook-${id} appears out of order`)));
    });

    it('names an inserted event, even one given a plausible hash', async () => {
      const last = t.db.prepare('SELECT * FROM events WHERE stream_id = ? ORDER BY revision DESC LIMIT 1').get(`webhook-${id}`) as Record<string, unknown>;
      t.db
        .prepare(
          `INSERT INTO events (event_id, stream_id, revision, type, version, data, metadata, organization_id, recorded_at, hash, chain)
         VALUES ('forged', ?, 5, 'WebhookResumed', 1, '{"at":"2026-11-22T13:00:00.000Z"}', ?, ?, '2026-11-22T13:00:00.000Z', ?, ?)`,
        )
        .run(`webhook-${id}`, last.metadata, acme.organizationId, 'f'.repeat(64), 'e'.repeat(64));
      const { code, out } = await run('verify');
      expect(code).toBe(1);
      expect(out.filter((l) => l.includes('event forged'))).toHaveLength(2);
    });
  });

  it('explains its usage', async () => {
    expect((await run('history')).code).toBe(2);
    expect((await run('history', 'wh_0000000000')).code).toBe(1);
  });
});
