import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const cli = (args: string[], env: Record<string, string> = {}) =>
  execFileSync(process.execPath, ['--import', 'tsx', join(root, 'src/main/cli.ts'), ...args], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, ...env },
  });

describe('hookledger CLI', () => {
  it('runs the demo on a SQLite file and leaves the audit trail in it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hookledger-cli-'));
    try {
      const file = join(dir, 'demo.db');
      const out = cli(['demo'], { DATABASE_URL: `sqlite:${file}` });
      expect(out).toContain(`SQLite file ${file}`);
      expect(out).toMatch(/RenameWebhook\s+-> recorded nothing \(no change\); version 3/);
      expect(out).toContain("is already selected by 'cluster.*'");
      const db = new Database(file, { readonly: true });
      const types = db.prepare('SELECT type FROM events ORDER BY position').pluck().all();
      db.close();
      expect(types).toEqual(['WebhookCreated', 'WebhookEventTypesChanged', 'WebhookRenamed', 'WebhookPaused', 'WebhookResumed']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('explains itself with --help and refuses unknown commands', () => {
    expect(cli(['--help'])).toContain('Usage: hookledger <command>');
    expect(() => cli(['explode'])).toThrow(/unknown command 'explode'/);
  });
});
