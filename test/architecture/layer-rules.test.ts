import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const depcruise = join(root, 'node_modules/.bin/depcruise');

/** Runs the project's own rules over a copy of src with one planted file; returns the violations reported. */
const cruise = (dir: string): { exitCode: number; output: string } => {
  try {
    const output = execFileSync(depcruise, ['src', '--config', '.dependency-cruiser.cjs', '--output-type', 'err'], { cwd: dir, encoding: 'utf8' });
    return { exitCode: 0, output };
  } catch (error) {
    const e = error as { status: number; stdout: string; stderr: string };
    return { exitCode: e.status, output: `${e.stdout}${e.stderr}` };
  }
};

describe('layer rules (dependency-cruiser)', () => {
  let work: string;

  const planted = (file: string, source: string) => {
    const dir = mkdtempSync(join(work, 'case-'));
    cpSync(join(root, 'src'), join(dir, 'src'), { recursive: true });
    for (const f of ['.dependency-cruiser.cjs', 'tsconfig.json', 'package.json']) cpSync(join(root, f), join(dir, f));
    symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'));
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    writeFileSync(join(dir, file), source);
    return cruise(dir);
  };

  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'hookledger-layers-'));
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('pass on the code as it is', () => {
    const result = planted('src/domain/planted-ok.ts', "import { matches } from './catalog/matches.js';\nexport const ok = matches;\n");
    expect(result.output).not.toMatch(/error/i);
    expect(result.exitCode).toBe(0);
  });

  it.each([
    ['domain-is-pure', 'src/domain/planted.ts', "import { SystemClock } from '../adapters/clock/system/system-clock.js';\nexport const c = SystemClock;\n"],
    ['domain-no-node-builtins', 'src/domain/planted.ts', "import { readFileSync } from 'node:fs';\nexport const r = readFileSync;\n"],
    [
      'application-uses-domain-and-ports',
      'src/application/planted.ts',
      "import { CryptoIds } from '../adapters/ids/crypto/crypto-ids.js';\nexport const i = CryptoIds;\n",
    ],
    [
      'adapters-do-not-import-each-other',
      'src/adapters/clock/planted/x.ts',
      "import { CryptoIds } from '../../ids/crypto/crypto-ids.js';\nexport const i = CryptoIds;\n",
    ],
    ['only-main-knows-the-container', 'src/application/planted.ts', "import { Container } from 'inversify';\nexport const c = Container;\n"],
  ])('fail on a deliberate %s violation', (rule, file, source) => {
    const result = planted(file, source);
    expect(result.exitCode).not.toBe(0);
    expect(result.output).toContain(rule);
  });
});
