import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { auditDeps } from '../../src/main/audit-wiring.js';
import { runAuditCommand } from '../../src/main/commands/audit.js';
import { runForgetCommand } from '../../src/main/commands/forget.js';
import { TOKENS } from '../../src/main/tokens.js';
import { NEEDLES, type Service, W, foundIn, rawSqliteText, sensitiveWebhook, startService } from '../support/sealing.js';

/** Issue 17, item 2: forgetting destroys a webhook's data key; the audit trail stays whole and verifiable (ADR 0018). */
describe('forgetting a webhook', () => {
  let dir: string;
  let path: string;
  let s: Service;
  let key: string;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hookledger-forget-'));
    path = join(dir, 'hookledger.db');
    s = await startService(`sqlite:${path}`);
    key = await s.newKey();
  });
  afterEach(async () => {
    await s.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const create = async () => {
    const created = await s.request('POST', W, key, sensitiveWebhook());
    expect(created.status, created.text).toBe(201);
    s.clock.advance(60_000);
    return created.body as { webhook_id: string; secret: string };
  };
  const lines = async (argv: string[]) => {
    const out: string[] = [];
    const code = await runAuditCommand(
      argv,
      auditDeps(s.container),
      (l) => out.push(l),
      (l) => out.push(l),
    );
    return { code, out };
  };

  it('over HTTP: history and as_of then show "[forgotten]" for every sealed value, verify still passes, the key is gone', async () => {
    const { webhook_id: id, secret } = await create();
    const before = s.clock.now().toISOString();
    s.clock.advance(60_000);

    const forgotten = await s.request('DELETE', `${W}/${id}?forget=true`, key);
    expect(forgotten.status, forgotten.text).toBe(204);

    const history = (await s.request('GET', `${W}/${id}/history`, key)).body.events as {
      type: string;
      actor: string;
      recorded_at: string;
      data: { webhook_name: string; channels: { configs: unknown }[] };
    }[];
    expect(history.map((e) => e.type)).toEqual(['WebhookCreated', 'WebhookDeleted', 'WebhookForgotten']);
    expect(history[2]).toMatchObject({ actor: expect.stringMatching(/^key:/), recorded_at: s.clock.now().toISOString() });
    expect(history[0]!.data.webhook_name).toBe('Visible Sealing Control');
    expect(history[0]!.data.channels.map((c: { configs: unknown }) => c.configs)).toEqual([
      { url: '[forgotten]', headers: '[forgotten]', timeout: 10 },
      { webhook_url: '[forgotten]', channel: '#alerts' },
      { to_addresses: '[forgotten]', cc: '[forgotten]', bcc: '[forgotten]' },
      { phone_numbers: '[forgotten]' },
    ]);
    const asOf = await s.request('GET', `${W}/${id}?as_of=${before}`, key);
    expect(asOf.status, asOf.text).toBe(200);
    expect(asOf.body.channels[1].configs.webhook_url).toBe('[forgotten]');
    expect(foundIn(asOf.text + JSON.stringify(history))).toEqual([]);

    // Deleted, so 404 now; the secret is unreadable with the key destroyed.
    expect((await s.request('GET', `${W}/${id}`, key)).status).toBe(404);
    expect((await s.request('GET', `${W}/${id}/secret`, key)).status).toBe(404);
    const row = s.container.get(TOKENS.Sqlite).prepare('SELECT wrapped, destroyed_at FROM webhook_data_keys WHERE webhook_id = ?').get(id);
    expect(row).toEqual({ wrapped: null, destroyed_at: s.clock.now().toISOString() });

    // The chain covers the ciphertext, which did not change: verify needs no key and passes.
    const verified = await lines(['verify']);
    expect(verified.code, verified.out.join('\n')).toBe(0);
    expect(verified.out.at(-1)).toMatch(/3 events checked; the log is intact/);
    // The export carries the log as stored: sealed, so a SIEM can verify it and holds no credential.
    const exported = await lines(['export']);
    expect(exported.out.join('\n')).toContain('sealed:v1:');
    expect(foundIn(exported.out.join('\n'), [secret])).toEqual([]);
    expect(foundIn(rawSqliteText(path), [secret])).toEqual([]);
    // `export --open`, the owner's view: the forgotten values read as "[forgotten]", the rest as they were.
    const opened = await lines(['export', '--open']);
    expect(opened.code).toBe(0);
    const created = JSON.parse(opened.out[0]!) as { type: string; data: { webhook_name: string; channels: { configs: unknown }[] } };
    expect(created.type).toBe('WebhookCreated');
    expect(created.data.webhook_name).toBe('Visible Sealing Control');
    expect(created.data.channels[1]!.configs).toEqual({ webhook_url: '[forgotten]', channel: '#alerts' });
    expect(opened.out.join('\n')).not.toContain('sealed:v1:');
    expect(foundIn(opened.out.join('\n'))).toEqual([]);

    // Idempotent: forgetting again records nothing.
    expect((await s.request('DELETE', `${W}/${id}?forget=true`, key)).status).toBe(204);
    expect((await s.request('GET', `${W}/${id}/history`, key)).body.events).toHaveLength(3);
  });

  it('forgets a webhook deleted earlier, and leaves other webhooks readable', async () => {
    const { webhook_id: id } = await create();
    const { webhook_id: other } = await create();
    expect((await s.request('DELETE', `${W}/${id}`, key)).status).toBe(204);
    expect((await s.request('DELETE', `${W}/${id}?forget=true`, key)).status).toBe(204);
    const history = (await s.request('GET', `${W}/${id}/history`, key)).body.events as { type: string }[];
    expect(history.map((e) => e.type)).toEqual(['WebhookCreated', 'WebhookDeleted', 'WebhookForgotten']);
    const kept = await s.request('GET', `${W}/${other}`, key);
    expect(foundIn(kept.text)).toEqual(expect.arrayContaining([NEEDLES.query, NEEDLES.to, NEEDLES.phone]));
    // The owner's export opens what is not forgotten; the default export keeps every value sealed.
    const opened = (await lines(['export', '--open'])).out.filter((l) => l.includes(other));
    expect(foundIn(opened.join('\n'))).toEqual(expect.arrayContaining([NEEDLES.query, NEEDLES.to, NEEDLES.phone]));
    expect(foundIn((await lines(['export'])).out.join('\n'))).toEqual([]);
    expect((await s.request('DELETE', `${W}/${id}?forget=maybe`, key)).status).toBe(422);
  });

  it('with `hookledger forget <id>`: recorded as done by cli, for any organization; an unknown id is an error', async () => {
    const { webhook_id: id } = await create();
    const out: string[] = [];
    expect(
      await runForgetCommand(
        [id],
        s.container,
        (l) => out.push(l),
        (l) => out.push(l),
      ),
    ).toBe(0);
    expect(out[0]).toMatch(new RegExp(`^forgot ${id} at .*its data key is destroyed`));
    const history = (await s.request('GET', `${W}/${id}/history`, key)).body.events as { type: string; actor: string }[];
    expect(history.slice(1).map((e) => [e.type, e.actor])).toEqual([
      ['WebhookDeleted', 'cli'],
      ['WebhookForgotten', 'cli'],
    ]);
    const state = await lines(['state', id, '--as-of', s.clock.now().toISOString()]);
    expect(state.out.join('\n')).toContain('"to_addresses": "[forgotten]"');

    const err: string[] = [];
    expect(
      await runForgetCommand(
        ['wh_doesnotexist1'],
        s.container,
        () => undefined,
        (l) => err.push(l),
      ),
    ).toBe(1);
    expect(err[0]).toMatch(/not found/);
    expect(
      await runForgetCommand(
        [],
        s.container,
        () => undefined,
        (l) => err.push(l),
      ),
    ).toBe(2);
  });
});
