import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pgMigrations } from '../../src/adapters/store/postgres/migrations.js';
import { PG_URL, onPostgres, tempSchema } from '../support/postgres.js';

const root = resolve(import.meta.dirname, '../..');
const cli = (args: string[], env: Record<string, string>) =>
  new Promise<{ code: number | null; out: string; err: string }>((done) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main/cli.ts', ...args], { cwd: root, env: { ...process.env, ...env } });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.once('exit', (code) => done({ code, out, err }));
  });
const latest = Math.max(...pgMigrations.map((m) => m.version));

describe('hookledger migrate', () => {
  it('brings a SQLite file to the current schema', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hookledger-migrate-'));
    try {
      const r = await cli(['migrate'], { DATABASE_URL: `sqlite:${join(dir, 'm.db')}` });
      expect(r.code, r.err).toBe(0);
      expect(r.out).toMatch(/schema at version \d+/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a database URL it does not know, saying which ones it does', async () => {
    const r = await cli(['migrate'], { DATABASE_URL: 'mysql://x' });
    expect(r.code).toBe(1);
    expect(r.err).toContain('postgres://');
  });
});

onPostgres('hookledger migrate', () =>
  describe('hookledger migrate on PostgreSQL', () => {
    it('run by three processes at once on an empty schema, applies each migration once, then reports up to date', async () => {
      const t = await tempSchema();
      try {
        const env = { DATABASE_URL: `${PG_URL}?options=${encodeURIComponent(`-c search_path=${t.schema}`)}` };
        const runs = await Promise.all([cli(['migrate'], env), cli(['migrate'], env), cli(['migrate'], env)]);
        for (const r of runs) expect(r.code, r.err).toBe(0);
        const applying = runs.flatMap((r) => r.out.split('\n').filter((l) => l.startsWith('applying')));
        expect(applying.sort()).toEqual(pgMigrations.map((m) => `applying ${m.version}: ${m.name}`).sort());
        const again = await cli(['migrate'], env);
        expect(again.out).toContain(`up to date; schema at version ${latest}`);
        const rows = await t.pool().query('SELECT version FROM schema_migrations ORDER BY version');
        expect(rows.rows.map((r) => r.version)).toEqual(pgMigrations.map((m) => m.version));
      } finally {
        await t.drop();
      }
    });
  }),
);
