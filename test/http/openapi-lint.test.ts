import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from '../support/http-harness.js';

const root = join(import.meta.dirname, '..', '..');

describe('OpenAPI lint', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness('memory');
  });
  afterAll(() => h.close());

  it('the served /openapi.json passes Redocly’s recommended rules (redocly.yaml lists what is turned off, and why)', async () => {
    const served = await h.request('GET', '/openapi.json');
    // Where redocly.yaml (and `npm run lint:openapi`) looks for it.
    mkdirSync(join(root, 'dist'), { recursive: true });
    writeFileSync(join(root, 'dist', 'openapi.json'), `${JSON.stringify(served.body, null, 2)}\n`);
    const run = await promisify(execFile)(join(root, 'node_modules', '.bin', 'redocly'), ['lint', '--format=json'], { cwd: root }).catch(
      (failed: { stdout: string }) => failed,
    );
    const report = JSON.parse(run.stdout.slice(run.stdout.indexOf('{'))) as { totals: Record<string, number>; problems: { ruleId: string; message: string }[] };
    expect(report.problems.map((p) => `${p.ruleId}: ${p.message}`)).toEqual([]);
    expect(report.totals).toEqual({ errors: 0, warnings: 0, ignored: 1 });
  }, 60_000);
});
