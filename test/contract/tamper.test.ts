import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/adapters/clock/manual/manual-clock.js';
import { CryptoDigest } from '../../src/adapters/ids/crypto/crypto-digest.js';
import { CryptoIds } from '../../src/adapters/ids/crypto/crypto-ids.js';
import { HmacCheckpointSigner } from '../../src/adapters/ids/crypto/hmac-checkpoint-signer.js';
import { sealEvent } from '../../src/adapters/shared/storage/seal-event.js';
import { PostgresEventColumns } from '../../src/adapters/store/postgres/postgres-event-columns.js';
import { PostgresEventStore } from '../../src/adapters/store/postgres/postgres-event-store.js';
import { PostgresOrganizationStore } from '../../src/adapters/store/postgres/postgres-organization-store.js';
import { PostgresWebhookReadModel } from '../../src/adapters/store/postgres/postgres-webhook-read-model.js';
import { SqliteEventColumns } from '../../src/adapters/store/sqlite/sqlite-event-columns.js';
import { SqliteEventStore } from '../../src/adapters/store/sqlite/sqlite-event-store.js';
import { SqliteOrganizationStore } from '../../src/adapters/store/sqlite/sqlite-organization-store.js';
import { SqliteWebhookReadModel } from '../../src/adapters/store/sqlite/sqlite-webhook-read-model.js';
import { type Caller, createWebhook, executeWebhookCommand } from '../../src/application/index.js';
import { GENESIS, dottedCatalog } from '../../src/domain/index.js';
import { type AuditDeps, runAuditCommand } from '../../src/main/commands/audit.js';
import { migratedSchema, onPostgres } from '../support/postgres.js';
import { tempSqlite } from '../support/sqlite-temp.js';

const KEY = 'test-checkpoint-key-0123456789abcdef';
const acme: Caller = { organizationId: 'int_acme00000000000000000000', actor: 'key:ACME', catalog: dottedCatalog };
const other: Caller = { organizationId: 'int_other0000000000000000000', actor: 'key:OTHER', catalog: dottedCatalog };

interface Fixture {
  deps: AuditDeps;
  /** Runs SQL written with $1, $2… placeholders, each used once and in order. */
  sql: (text: string, params?: unknown[]) => Promise<Record<string, unknown>[]>;
  cleanup: () => Promise<void>;
}

/**
 * Every tamper case of issue 17 against the real stores: a hand edit of the event data, the
 * metadata, the time column, the organization column; a cut tail and a rewritten past, both
 * invisible to the chains alone, against a checkpoint taken before (ADR 0008, ADR 0019).
 */
const contract = (name: string, factory: () => Promise<Fixture>) =>
  describe(`verify finds every hand edit: ${name}`, () => {
    let f: Fixture;
    let id: string;
    const run = async (...argv: string[]) => {
      const out: string[] = [];
      const err: string[] = [];
      const code = await runAuditCommand(
        argv,
        f.deps,
        (l) => out.push(l),
        (l) => err.push(l),
      );
      return { code, out, err };
    };
    const positions = async () => (await f.sql('SELECT position FROM events ORDER BY position')).map((r) => Number(r.position));
    const checkpoint = async () => {
      const taken = await run('checkpoint');
      expect(taken.code, taken.err.join('\n')).toBe(0);
      return taken.out[0]!;
    };
    /** What an attacker with the whole database does: recompute every hash and link after an edit. */
    const reseal = async () => {
      const rows = await f.sql('SELECT position, event_id, stream_id, revision, type, version, data, metadata FROM events ORDER BY position');
      const lastOfStream = new Map<string, string>();
      let chain = GENESIS;
      for (const r of rows) {
        const content = {
          streamId: String(r.stream_id),
          revision: Number(r.revision),
          eventId: String(r.event_id),
          type: String(r.type),
          version: Number(r.version),
          data: JSON.parse(String(r.data)),
          metadata: JSON.parse(String(r.metadata)),
        };
        const seal = sealEvent(content, lastOfStream.get(content.streamId) ?? GENESIS, chain);
        await f.sql('UPDATE events SET hash = $1, chain = $2 WHERE position = $3', [seal.hash, seal.chain, Number(r.position)]);
        lastOfStream.set(content.streamId, seal.hash);
        chain = seal.chain;
      }
    };

    beforeEach(async () => {
      f = await factory();
      const clock = new ManualClock('2026-11-22T10:00:00.000Z');
      const w = { eventStore: f.deps.eventStore, clock, ids: new CryptoIds() };
      const created = await createWebhook(w, acme, {
        webhook_name: 'A',
        event_types: ['object.*'],
        channels: [{ channel: 'webhook', configs: { url: 'https://a.example/h' } }],
      });
      if (created._tag === 'Left') throw new Error(created.left.message);
      id = created.right.webhook.webhook_id;
      clock.set('2026-11-22T11:00:00.000Z');
      await executeWebhookCommand(w, acme, id, { type: 'UpdateWebhook', data: { webhook_name: 'B' } });
      clock.set('2026-11-22T12:00:00.000Z');
      await executeWebhookCommand(w, acme, id, { type: 'PauseWebhook', data: { reason: 'maintenance' } });
      await createWebhook(w, other, { webhook_name: 'Other', event_types: ['*'], channels: [{ channel: 'webhook', configs: { url: 'https://o.example/h' } }] });
    });
    afterEach(() => f.cleanup());

    it('passes the untouched log, with a checkpoint too', async () => {
      expect((await run('verify')).out.at(-1)).toMatch(/^4 events checked; the log is intact; head [0-9a-f]{64}$/);
      const verified = await run('verify', '--checkpoint', await checkpoint());
      expect(verified.code).toBe(0);
      expect(verified.out).toContainEqual(expect.stringMatching(/^consistent with the checkpoint of .* \(position \d+, 4 events\)$/));
    });

    it('names an edit of the event data', async () => {
      const [, second] = await positions();
      await f.sql(`UPDATE events SET data = replace(data, '"B"', '"Z"') WHERE position = $1`, [second]);
      const { code, out } = await run('verify');
      expect(code).toBe(1);
      expect(out).toContainEqual(expect.stringMatching(new RegExp(`^TAMPERED position ${second} .*content or its place .* was changed`)));
    });

    it('names an edit of the metadata (who did it)', async () => {
      const [, second] = await positions();
      await f.sql(`UPDATE events SET metadata = replace(metadata, 'key:ACME', 'key:SOMEONE') WHERE position = $1`, [second]);
      const { code, out } = await run('verify');
      expect(code).toBe(1);
      expect(out).toContainEqual(expect.stringMatching(new RegExp(`^TAMPERED position ${second} .*content or its place .* was changed`)));
    });

    it('names an edit of the time column that as_of reads', async () => {
      const [, second] = await positions();
      await f.sql(`UPDATE events SET recorded_at = '2026-11-22T09:00:00.000Z' WHERE position = $1`, [second]);
      const { code, out } = await run('verify');
      expect(code).toBe(1);
      expect(out).toEqual([
        `TAMPERED position ${second} (webhook-${id} revision 2, event ${(await f.deps.eventStore.readAll()).find((e) => e.position === second)!.eventId}): its recorded_at column was changed to '2026-11-22T09:00:00.000Z' (the hashed metadata says '2026-11-22T11:00:00.000Z')`,
        expect.stringMatching(/^4 events checked; 1 problem\(s\); head/),
      ]);
    });

    it('names an edit of the organization column that tenancy reads', async () => {
      const [first] = await positions();
      await f.sql(`UPDATE events SET organization_id = $1 WHERE position = $2`, [other.organizationId, first]);
      const { code, out } = await run('verify');
      expect(code).toBe(1);
      expect(out).toContainEqual(
        expect.stringMatching(
          new RegExp(
            `^TAMPERED position ${first} .*organization_id column was changed to '${other.organizationId}' \\(the hashed metadata says '${acme.organizationId}'\\)`,
          ),
        ),
      );
    });

    it('finds a cut tail against a checkpoint, which the chains alone cannot see', async () => {
      const cp = await checkpoint();
      const all = await positions();
      await f.sql('DELETE FROM events WHERE position >= $1', [all[2]]);
      expect((await run('verify')).code).toBe(0); // what is left is a consistent, shorter log
      const { code, out } = await run('verify', '--checkpoint', cp);
      expect(code).toBe(1);
      expect(out).toContainEqual(
        `CUT TAIL since the checkpoint: the log ends at position ${all[1]} with 2 event(s), but it reached position ${all[3]} with 4 event(s) when the checkpoint was taken (${JSON.parse(cp).taken_at}): its newest events were removed`,
      );
    });

    it('finds a rewritten past against a checkpoint, even with every hash and link recomputed', async () => {
      const cp = await checkpoint();
      const [, second] = await positions();
      await f.sql(`UPDATE events SET data = replace(data, '"B"', '"Z"') WHERE position = $1`, [second]);
      await reseal();
      expect((await run('verify')).code).toBe(0);
      const { code, out } = await run('verify', '--checkpoint', cp);
      expect(code).toBe(1);
      expect(out).toContainEqual(
        expect.stringMatching(
          /^REWRITTEN PAST since the checkpoint: the chain at position \d+ is [0-9a-f]{64}, the checkpoint signed [0-9a-f]{64}: the log before it was rewritten$/,
        ),
      );
    });

    it('finds a removed event in the past against a checkpoint, once the chains are recomputed around the gap', async () => {
      const cp = await checkpoint();
      const [first] = await positions();
      await f.sql('DELETE FROM events WHERE position = $1', [first]);
      await f.sql(`UPDATE events SET revision = revision - 1 WHERE stream_id = $1`, [`webhook-${id}`]);
      await reseal();
      expect((await run('verify')).code).toBe(0);
      const { code, out } = await run('verify', '--checkpoint', cp);
      expect(code).toBe(1);
      expect(out).toContainEqual(expect.stringMatching(/^REWRITTEN PAST since the checkpoint: 3 event\(s\) lead to position \d+ now, 4 did/));
    });

    it('rejects a checkpoint edited after signing or signed with another key, and refuses to sign a tampered log', async () => {
      const cp = JSON.parse(await checkpoint()) as { position: number };
      const edited = await run('verify', '--checkpoint', JSON.stringify({ ...cp, position: cp.position - 1 }));
      expect([edited.code, edited.out]).toEqual([
        1,
        ['CHECKPOINT REJECTED: the checkpoint signature does not match: it was edited, or signed with another HOOKLEDGER_CHECKPOINT_KEY'],
      ]);
      const otherKey = await runAuditCommand(
        ['verify', '--checkpoint', JSON.stringify(cp)],
        { ...f.deps, checkpointSigner: () => new HmacCheckpointSigner('x'.repeat(32)) },
        () => undefined,
        () => undefined,
      );
      expect(otherKey).toBe(1);
      expect((await run('verify', '--checkpoint', '{"format":"nope"}')).out[0]).toMatch(/^CHECKPOINT REJECTED: the checkpoint is malformed: format/);
      const [, second] = await positions();
      await f.sql(`UPDATE events SET recorded_at = '2026-01-01T00:00:00.000Z' WHERE position = $1`, [second]);
      const refused = await run('checkpoint');
      expect(refused.code).toBe(1);
      expect(refused.err).toEqual(['error: the log fails verify (1 problem(s)): no checkpoint taken']);
      const keyless = await runAuditCommand(
        ['checkpoint'],
        { ...f.deps, checkpointSigner: undefined },
        () => undefined,
        () => undefined,
      );
      expect(keyless).toBe(2);
    });
  });

const signing = { checkpointSigner: () => new HmacCheckpointSigner(KEY), now: () => new Date('2026-11-23T00:00:00.000Z'), digest: new CryptoDigest() };

contract('SQLite file', async () => {
  const t = tempSqlite();
  const organizations = new SqliteOrganizationStore(t.db);
  return {
    deps: {
      eventStore: new SqliteEventStore(t.db),
      readModel: new SqliteWebhookReadModel(t.db),
      organizations,
      columns: new SqliteEventColumns(t.db),
      ...signing,
    },
    sql: async (text, params = []) => {
      const statement = t.db.prepare(text.replace(/\$\d+/g, '?'));
      return statement.reader ? (statement.all(...params) as Record<string, unknown>[]) : (statement.run(...params), []);
    },
    cleanup: t.cleanup,
  };
});

onPostgres('verify tamper cases', () =>
  contract('PostgreSQL', async () => {
    const t = await migratedSchema();
    return {
      deps: {
        eventStore: new PostgresEventStore(t.first),
        readModel: new PostgresWebhookReadModel(t.first),
        organizations: new PostgresOrganizationStore(t.first),
        columns: new PostgresEventColumns(t.first),
        ...signing,
      },
      sql: async (text, params = []) => (await t.first.query(text, params)).rows as Record<string, unknown>[],
      cleanup: t.drop,
    };
  }),
);
