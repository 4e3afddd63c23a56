import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;

interface Run {
  readonly code: number | null;
  readonly out: string;
  readonly err: string;
}

/** The CLI as a user runs it, on a store of its own; a command that does not end within 20 s is killed (a server would not). */
const cli = (dir: string, args: readonly string[], extraEnv: Record<string, string> = {}) =>
  new Promise<Run>((done) => {
    const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: `sqlite:${join(dir, 'cli.db')}`, ...extraEnv };
    for (const name of ['HOOKLEDGER_MASTER_KEY', 'HOOKLEDGER_MASTER_KEY_FILE', 'READ_MODEL_URL', 'HOOKLEDGER_CHECKPOINT_KEY'])
      if (!(name in extraEnv)) delete env[name];
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main/cli.ts', ...args], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      done({ code, out, err });
    });
  });

/** Runs `jobs` two at a time (the machine has two cores), keeping their order. */
const inPairs = async <T>(jobs: readonly (() => Promise<T>)[]): Promise<T[]> => {
  const results: T[] = [];
  for (let i = 0; i < jobs.length; i += 2) results.push(...(await Promise.all(jobs.slice(i, i + 2).map((job) => job()))));
  return results;
};

const COMMANDS = [
  [],
  ['start'],
  ['serve'],
  ['worker'],
  ['migrate'],
  ['demo'],
  ['orgs'],
  ['orgs', 'create'],
  ['orgs', 'list'],
  ['keys'],
  ['keys', 'create'],
  ['keys', 'list'],
  ['keys', 'revoke'],
  ['history'],
  ['state'],
  ['export'],
  ['replay'],
  ['verify'],
  ['checkpoint'],
  ['forget'],
  ['master-key'],
  ['master-key', 'rotate'],
  ['help'],
];

describe('hookledger CLI conventions', () => {
  it('--help on every command and subcommand prints its usage, exits 0 and touches nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hookledger-help-'));
    try {
      const runs = await inPairs([
        ...COMMANDS.map((path) => () => cli(dir, [...path, '--help'])),
        () => cli(dir, ['keys', 'help', 'create']),
        () => cli(dir, ['-h']),
      ]);
      for (const [i, r] of runs.entries()) {
        const path = COMMANDS[i] ?? ['(help form)'];
        expect(r.code, `${path.join(' ')} --help: ${r.err}`).toBe(0);
        expect(r.out, path.join(' ')).toContain('Usage: hookledger');
        expect(r.err, path.join(' ')).toBe('');
      }
      // Each usage names its own command (`start` and `serve` are one command).
      for (const [i, path] of COMMANDS.entries()) {
        if (path.length > 0 && path[0] !== 'help' && path[0] !== 'serve') expect(runs[i]!.out).toContain(`Usage: hookledger ${path.join(' ')}`);
      }
      expect(runs[COMMANDS.findIndex((p) => p[0] === 'serve')]!.out).toContain('Usage: hookledger start|serve');
      expect(runs.at(-2)!.out).toContain('Usage: hookledger keys create');
      // No store opened, no key file made, no server left behind.
      expect(readdirSync(dir)).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);

  it('the program help documents the exit codes and the environment', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hookledger-help-'));
    try {
      const [help, bare] = await inPairs([() => cli(dir, ['--help']), () => cli(dir, [])]);
      for (const r of [help!, bare!]) {
        expect(r.code).toBe(0);
        expect(r.out).toContain('Usage: hookledger <command> [options]');
        expect(r.out).toMatch(/Exit codes:\n\s+0 {2}success/);
        expect(r.out).toMatch(/\n\s+2 {2}a usage error/);
        expect(r.out).toContain('HOOKLEDGER_CHECKPOINT_KEY');
      }
      expect(readdirSync(dir)).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('prints the version with --version and -V', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hookledger-version-'));
    try {
      for (const r of await inPairs([() => cli(dir, ['--version']), () => cli(dir, ['-V'])])) {
        expect(r.code).toBe(0);
        expect(r.out).toBe(`${version}\n`);
      }
      expect(readdirSync(dir)).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a usage error exits 2 with the reason and a hint to --help on stderr, touching nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hookledger-usage-'));
    try {
      const cases: [string[], RegExp][] = [
        [['explode'], /unknown command 'explode'/],
        [['history', '--bogus', 'wh_1'], /unknown option '--bogus'/],
        [['history'], /missing required argument 'webhook_id'/],
        [['state', 'wh_1'], /required option '--as-of <time>' not specified/],
        [['state', 'wh_1', '--as-of', 'soon'], /'--as-of <time>' argument 'soon' is invalid/],
        [['keys', 'create'], /give --org <name or id> or --admin/],
        [['keys', 'create', '--org', 'a', '--admin'], /cannot be used with/],
        [['orgs', 'create', 'acme', '--catalog', 'nope'], /Allowed choices are dotted, upper-snake/],
        [['orgs'], /Usage: hookledger orgs/],
        [['master-key', 'spin'], /unknown command 'spin'/],
      ];
      const runs = await inPairs(
        cases.map(
          ([args]) =>
            () =>
              cli(dir, args),
        ),
      );
      for (const [i, r] of runs.entries()) {
        const [args, reason] = cases[i]!;
        expect(r.code, args.join(' ')).toBe(2);
        expect(r.err, args.join(' ')).toMatch(reason);
        if (args[0] !== 'orgs' || args.length > 1) expect(r.err, args.join(' ')).toContain('--help');
        expect(r.out, args.join(' ')).toBe('');
      }
      expect(readdirSync(dir)).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);

  describe('on a store', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hookledger-json-'));
    const checkpointKey = { HOOKLEDGER_CHECKPOINT_KEY: 'k'.repeat(40) };
    let webhookId: string;
    let first: Run;

    beforeAll(async () => {
      // The first command on a fresh store makes the master key file: its warning must not reach stdout.
      first = await cli(dir, ['migrate', '--json']);
      await cli(dir, ['demo']);
      await cli(dir, ['orgs', 'create', 'acme']);
      const exported = await cli(dir, ['export']);
      const webhookEvent = exported.out
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as { stream: string })
        .find((e) => e.stream.startsWith('webhook-'));
      webhookId = webhookEvent!.stream.slice('webhook-'.length);
    }, 60_000);
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('keeps warnings off stdout: the new master key file is said on stderr', () => {
      expect(first.code, first.err).toBe(0);
      expect(JSON.parse(first.out)).toMatchObject({ store: 'sqlite', version: expect.any(Number), applied: [] });
      expect(first.err).toContain('created a new master key file');
      expect(readdirSync(dir)).toContain('cli.db.key');
    });

    it('--json: stdout holds exactly one JSON document for every command that lists or shows', async () => {
      const now = new Date(Date.now() + 60_000).toISOString();
      const cases: [string[], Record<string, unknown>][] = [
        [['orgs', 'list', '--json'], { results: [expect.objectContaining({ name: 'acme', catalog: 'dotted' })], total: 1 }],
        // Run in pairs: the organization is created beside a command it cannot change (not beside `orgs list`).
        [
          ['keys', 'create', '--org', 'acme', '--name', 'ci', '--json'],
          { key: expect.stringMatching(/^sk_/), scope: 'organization', organization: expect.objectContaining({ name: 'acme' }) },
        ],
        [['orgs', 'create', 'globex', '--json'], { organization_id: expect.stringMatching(/^int_/), name: 'globex' }],
        [
          ['history', webhookId, '--json'],
          { webhook_id: webhookId, events: expect.arrayContaining([expect.objectContaining({ revision: 1, type: 'WebhookCreated', actor: 'cli:demo' })]) },
        ],
        [['state', webhookId, '--as-of', now, '--json'], { webhook_id: webhookId, status: 'active', version: 5 }],
        [['verify', '--json'], { ok: true, problems: [], checked: expect.any(Number) }],
        [['replay', '--json'], { matched: true, differences: [] }],
        [['migrate', '--json'], { store: 'sqlite', applied: [] }],
      ];
      const runs = await inPairs(
        cases.map(
          ([args]) =>
            () =>
              cli(dir, args),
        ),
      );
      for (const [i, r] of runs.entries()) {
        const [args, expected] = cases[i]!;
        expect(r.code, `${args.join(' ')}: ${r.err}`).toBe(0);
        expect(r.out.trimEnd().split('\n'), args.join(' ')).toHaveLength(1);
        expect(JSON.parse(r.out), args.join(' ')).toMatchObject(expected);
      }
      const keys = await cli(dir, ['keys', 'list', '--org', 'acme', '--json']);
      expect(JSON.parse(keys.out)).toEqual({ results: [expect.objectContaining({ name: 'ci', last_used_at: null, revoked_at: null })] });
    }, 120_000);

    it('checkpoint is one JSON document, and verify --checkpoint --json reports on it', async () => {
      const taken = await cli(dir, ['checkpoint', '--json'], checkpointKey);
      expect(taken.code, taken.err).toBe(0);
      const checkpoint = JSON.parse(taken.out) as { position: number };
      const checked = await cli(dir, ['verify', '--checkpoint', taken.out.trim(), '--json'], checkpointKey);
      expect(JSON.parse(checked.out)).toMatchObject({ ok: true, checkpoint: { kind: 'consistent', position: checkpoint.position } });
      const rejected = await cli(dir, ['verify', '--checkpoint', '{"format":"x"}', '--json'], checkpointKey);
      expect(rejected.code).toBe(1);
      expect(JSON.parse(rejected.out)).toMatchObject({ ok: false, checkpoint: { kind: 'rejected' } });
    }, 60_000);

    it('keys create prints only the key on stdout (what it is goes to stderr), so $(…) captures the key', async () => {
      const r = await cli(dir, ['keys', 'create', '--org', 'acme']);
      expect(r.code, r.err).toBe(0);
      expect(r.out).toMatch(/^sk_[A-Za-z0-9]{12}_[A-Za-z0-9]{32}\n$/);
      expect(r.err).toMatch(/^# key \w+ for acme: shown once/);
    });

    it('export is NDJSON and needs no --json; not-found is exit 1 on stderr', async () => {
      const exported = await cli(dir, ['export']);
      const lines = exported.out.trimEnd().split('\n');
      expect(lines.length).toBeGreaterThan(5);
      for (const line of lines) expect(() => JSON.parse(line)).not.toThrow();
      const missing = await cli(dir, ['history', 'wh_doesnotexist', '--json']);
      expect(missing.code).toBe(1);
      expect(missing.out).toBe('');
      expect(missing.err).toContain('no history for wh_doesnotexist');
    }, 60_000);

    it('draws no progress when stderr is not a terminal (replay, verify, checkpoint)', async () => {
      const runs = await inPairs([() => cli(dir, ['replay']), () => cli(dir, ['verify']), () => cli(dir, ['checkpoint'], checkpointKey)]);
      for (const r of runs) {
        expect(r.code, r.err).toBe(0);
        expect(r.err).toBe('');
        expect(r.out).not.toContain('\r');
      }
    }, 60_000);
  });
});
