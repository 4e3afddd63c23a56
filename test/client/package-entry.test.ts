import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');

// What a user's `import('hookledger')` resolves to: the built package (npm ci builds it), through package.json "exports".
describe('the package entry points', () => {
  it('`hookledger` and `hookledger/client` are the client; the other subpaths resolve too', () => {
    expect(existsSync(resolve(root, 'dist/src/client/index.js')), 'dist/ is missing: run npm run build').toBe(true);
    const script = `
      const main = await import('hookledger');
      const client = await import('hookledger/client');
      const domain = await import('hookledger/domain');
      console.log(JSON.stringify({
        same: main.createHookledgerClient === client.createHookledgerClient,
        client: typeof main.createHookledgerClient,
        verify: typeof main.verifyWebhook,
        decide: typeof domain.decide,
      }));`;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: root, encoding: 'utf8' });
    expect(JSON.parse(out)).toEqual({ same: true, client: 'function', verify: 'function', decide: 'function' });
  });
});
