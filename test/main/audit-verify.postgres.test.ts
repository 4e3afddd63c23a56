import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import type pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/adapters/clock/manual/manual-clock.js';
import { CryptoDigest } from '../../src/adapters/ids/crypto/crypto-digest.js';
import { CryptoIds } from '../../src/adapters/ids/crypto/crypto-ids.js';
import { PostgresEventStore } from '../../src/adapters/store/postgres/postgres-event-store.js';
import { PostgresOrganizationStore } from '../../src/adapters/store/postgres/postgres-organization-store.js';
import { PostgresWebhookReadModel } from '../../src/adapters/store/postgres/postgres-webhook-read-model.js';
import { type Caller, createWebhook, executeWebhookCommand } from '../../src/application/index.js';
import { dottedCatalog } from '../../src/domain/index.js';
import { type AuditDeps, runAuditCommand } from '../../src/main/commands/audit.js';
import { PG_URL, migratedSchema, onPostgres } from '../support/postgres.js';

const root = resolve(import.meta.dirname, '../..');

onPostgres('verify on a PostgreSQL table edited by hand', () =>
  describe('verify finds tampering done to the PostgreSQL events table by hand', () => {
    let t: Awaited<ReturnType<typeof migratedSchema>>;
    let db: pg.Pool;
    let deps: AuditDeps;
    let id: string;
    const acme: Caller = { organizationId: 'int_acme00000000000000000000', actor: 'key:ACME', catalog: dottedCatalog };

    const run = async () => {
      const out: string[] = [];
      const code = await runAuditCommand(
        ['verify'],
        deps,
        (l) => out.push(l),
        () => undefined,
      );
      return { code, out };
    };
    const positions = async () => (await db.query<{ position: string }>('SELECT position FROM events ORDER BY position')).rows.map((r) => Number(r.position));

    beforeEach(async () => {
      t = await migratedSchema();
      db = t.first;
      const eventStore = new PostgresEventStore(db);
      deps = { eventStore, readModel: new PostgresWebhookReadModel(db), organizations: new PostgresOrganizationStore(db), digest: new CryptoDigest() };
      const clock = new ManualClock('2026-11-22T10:00:00.000Z');
      const w = { eventStore, clock, ids: new CryptoIds() };
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
    });
    afterEach(() => t.drop());

    it('passes an untouched log, and the CLI exits 1 naming the event once a row is edited', async () => {
      expect((await run()).out.at(-1)).toMatch(/^4 events checked; the log is intact; head [0-9a-f]{64}$/);
      const [, second] = await positions();
      await db.query(`UPDATE events SET data = replace(data, '"B"', '"Z"') WHERE position = $1`, [second]);
      const cli = spawnSync(process.execPath, ['--import', 'tsx', 'src/main/cli.ts', 'verify'], {
        cwd: root,
        encoding: 'utf8',
        env: { ...process.env, DATABASE_URL: `${PG_URL}?options=${encodeURIComponent(`-c search_path=${t.schema}`)}`, LOG_LEVEL: 'warn' },
      });
      expect(cli.status, cli.stderr).toBe(1);
      expect(cli.stdout).toMatch(new RegExp(`TAMPERED position ${second} .*revision 2.*content or its place .* was changed`));
    });

    it('names the gap a deleted event leaves', async () => {
      const [, second, third] = await positions();
      await db.query('DELETE FROM events WHERE position = $1', [second]);
      const { code, out } = await run();
      expect(code).toBe(1);
      expect(out).toContainEqual(expect.stringMatching(new RegExp(`^TAMPERED position ${third} .*revision 2 of webhook-${id} is missing \\(removed\\)`)));
      expect(out).toContainEqual(expect.stringMatching(new RegExp(`^TAMPERED position ${third} .*global chain breaks here`)));
    });

    it('names reordered events', async () => {
      const [, second, third] = await positions();
      // Swap two events' places in the log (the primary key is checked per statement, hence three).
      await db.query(`BEGIN; UPDATE events SET position = -1 WHERE position = ${second}; UPDATE events SET position = ${second} WHERE position = ${third};
                      UPDATE events SET position = ${third} WHERE position = -1; COMMIT`);
      const { code, out } = await run();
      expect(code).toBe(1);
      expect(out).toContainEqual(expect.stringMatching(new RegExp(`^TAMPERED position ${second} .*revision 2 of webhook-${id} is missing`)));
      expect(out).toContainEqual(expect.stringMatching(new RegExp(`^TAMPERED position ${third} .*revision 2 of webhook-${id} appears out of order`)));
    });

    it('names an inserted event, even one given a plausible hash', async () => {
      const last = (await db.query('SELECT metadata, revision FROM events WHERE stream_id = $1 ORDER BY revision DESC LIMIT 1', [`webhook-${id}`])).rows[0] as {
        metadata: string;
        revision: number;
      };
      await db.query(
        `INSERT INTO events (event_id, stream_id, revision, type, version, data, metadata, organization_id, recorded_at, hash, chain)
         VALUES ('forged', $1, $6, 'WebhookResumed', 1, '{"at":"2026-11-22T13:00:00.000Z"}', $2, $3, '2026-11-22T13:00:00.000Z', $4, $5)`,
        [`webhook-${id}`, last.metadata, acme.organizationId, 'f'.repeat(64), 'e'.repeat(64), last.revision + 1],
      );
      const { code, out } = await run();
      expect(code).toBe(1);
      expect(out.filter((l) => l.includes('event forged'))).toHaveLength(2);
    });
  }),
);
