import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { auditDeps } from '../../src/main/audit-wiring.js';
import { runAuditCommand } from '../../src/main/commands/audit.js';
import { runMasterKeyCommand } from '../../src/main/commands/master-key.js';
import { readConfig } from '../../src/main/config.js';
import { W, foundIn, sensitiveWebhook, startService } from '../support/sealing.js';

/** Issue 17: master-key rotation, a wrong key and a malformed one (ADR 0018). */
const root = resolve(import.meta.dirname, '../..');
const keyOf = (byte: number) => Buffer.alloc(32, byte).toString('base64');

let dir: string;
let url: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'hookledger-master-key-'));
  url = `sqlite:${join(dir, 'hookledger.db')}`;
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A webhook and its secret, written by a service started with `env`, which is then stopped. */
const seed = async (env: Record<string, string> = {}) => {
  const s = await startService(url, env);
  try {
    const key = await s.newKey();
    const created = await s.request('POST', W, key, sensitiveWebhook());
    expect(created.status, created.text).toBe(201);
    return { key, id: created.body.webhook_id as string, secret: created.body.secret as string };
  } finally {
    await s.close();
  }
};

/** Starts the service with `env` and reads the webhook and its secret back. */
const readBack = async (seeded: Awaited<ReturnType<typeof seed>>, env: Record<string, string> = {}) => {
  const s = await startService(url, env);
  try {
    const got = await s.request('GET', `${W}/${seeded.id}`, seeded.key);
    const secret = await s.request('GET', `${W}/${seeded.id}/secret`, seeded.key);
    return { got, secret, logs: s.logs.join('\n'), s };
  } finally {
    await s.close();
  }
};

const rotate = async (env: Record<string, string>) => {
  const out: string[] = [];
  const config = { ...readConfig(env), databaseUrl: url };
  const code = await runMasterKeyCommand(
    ['rotate'],
    config,
    (l) => out.push(l),
    (l) => out.push(l),
    env,
  );
  return { code, out: out.join('\n') };
};

describe('hookledger master-key rotate', () => {
  it('with a key file: rewraps every data key, replaces the file, and everything still opens', async () => {
    const seeded = await seed();
    const file = `${join(dir, 'hookledger.db')}.key`;
    const before = readFileSync(file, 'utf8');
    const rotated = await rotate({});
    expect(rotated.code, rotated.out).toBe(0);
    expect(rotated.out).toMatch(/^rewrapped 1 data key\(s\); .*hookledger\.db\.key holds the new master key/);
    expect(readFileSync(file, 'utf8')).not.toBe(before);

    const after = await readBack(seeded);
    expect(after.got.status).toBe(200);
    expect(foundIn(after.got.text).length).toBeGreaterThan(0);
    expect(after.secret.body.secret).toBe(seeded.secret);
    // The old key no longer opens anything.
    const old = await readBack(seeded, { HOOKLEDGER_MASTER_KEY: before.trim() });
    expect(old.got.status).toBe(503);
  });

  it('with HOOKLEDGER_MASTER_KEY: needs HOOKLEDGER_NEW_MASTER_KEY, refuses a wrong current key, then moves to the new one', async () => {
    const seeded = await seed({ HOOKLEDGER_MASTER_KEY: keyOf(1) });
    expect((await rotate({ HOOKLEDGER_MASTER_KEY: keyOf(1) })).code).toBe(2);
    const wrong = await rotate({ HOOKLEDGER_MASTER_KEY: keyOf(9), HOOKLEDGER_NEW_MASTER_KEY: keyOf(2) });
    expect(wrong.code).toBe(1);
    expect(wrong.out).toMatch(/cannot rotate: this database was sealed with another master key/);

    const rotated = await rotate({ HOOKLEDGER_MASTER_KEY: keyOf(1), HOOKLEDGER_NEW_MASTER_KEY: keyOf(2) });
    expect(rotated.code, rotated.out).toBe(0);
    expect(rotated.out).toMatch(/set HOOKLEDGER_MASTER_KEY to the new key/);
    const after = await readBack(seeded, { HOOKLEDGER_MASTER_KEY: keyOf(2) });
    expect(after.got.status).toBe(200);
    expect(after.secret.body.secret).toBe(seeded.secret);
  });
});

describe('a database opened with the wrong master key', () => {
  it('says so at start and serves nothing it cannot decrypt, without crashing; verify needs no key', async () => {
    const seeded = await seed({ HOOKLEDGER_MASTER_KEY: keyOf(1) });
    const s = await startService(url, { HOOKLEDGER_MASTER_KEY: keyOf(3) });
    try {
      expect(s.logs.join('\n')).toContain('the master key does not match this database');
      const got = await s.request('GET', `${W}/${seeded.id}`, seeded.key);
      expect(got.status).toBe(503);
      expect(got.text).toMatch(/ServiceUnavailable/);
      expect(foundIn(got.text)).toEqual([]);
      expect((await s.request('GET', `${W}/${seeded.id}/secret`, seeded.key)).status).toBe(503);
      expect((await s.request('POST', `${W}/list`, seeded.key, {})).status).toBe(503);
      // No new data key is made with the wrong key: creating a webhook answers 503 too.
      expect((await s.request('POST', W, seeded.key, sensitiveWebhook('Another'))).status).toBe(503);
      expect((await s.request('GET', '/healthz', seeded.key)).status).toBe(200);
      const out: string[] = [];
      expect(
        await runAuditCommand(
          ['verify'],
          auditDeps(s.container),
          (l) => out.push(l),
          (l) => out.push(l),
        ),
      ).toBe(0);
    } finally {
      await s.close();
    }
  });
});

describe('a malformed master key', () => {
  it('stops the process at start with a clear message, and no key is made', () => {
    expect(() => readConfig({ HOOKLEDGER_MASTER_KEY: 'not base64!' })).toThrow(
      /HOOKLEDGER_MASTER_KEY is not base64; generate a key with: openssl rand -base64 32/,
    );
    expect(() => readConfig({ HOOKLEDGER_MASTER_KEY: Buffer.alloc(16).toString('base64') })).toThrow(/must be 32 bytes of base64 \(AES-256\), not 16/);
    let failure = '';
    try {
      execFileSync(process.execPath, ['--import', 'tsx', join(root, 'src/main/cli.ts'), 'start'], {
        cwd: root,
        encoding: 'utf8',
        stdio: 'pipe',
        env: { ...process.env, DATABASE_URL: url, PORT: '0', HOOKLEDGER_MASTER_KEY: keyOf(1).slice(0, 20) },
      });
    } catch (error) {
      failure = String((error as { stderr?: string }).stderr);
    }
    expect(failure).toMatch(/hookledger: HOOKLEDGER_MASTER_KEY (is not base64|must be 32 bytes)/);
    expect(existsSync(`${join(dir, 'hookledger.db')}.key`)).toBe(false);
  });

  it('in the key file: refuses to start rather than make a new key', async () => {
    writeFileSync(`${join(dir, 'hookledger.db')}.key`, 'tooshort\n', { mode: 0o600 });
    await expect(startService(url)).rejects.toThrow(/master key file .*hookledger\.db\.key must be 32 bytes/);
    expect(readFileSync(`${join(dir, 'hookledger.db')}.key`, 'utf8')).toBe('tooshort\n');
  });
});
