import { type ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../..');

/**
 * Starts `hookledger <args>` as its own process and resolves with the URL
 * from its JSON `listening` line. Afterwards stdout is drained, not kept,
 * so a long run's access log costs the caller nothing.
 */
export const spawnService = (
  entry: 'src' | 'dist',
  args: readonly string[],
  env: NodeJS.ProcessEnv,
): Promise<{ child: ChildProcess; url: string; output: () => string }> =>
  new Promise((resolveStart, reject) => {
    const command = entry === 'src' ? ['--import', 'tsx', 'src/main/cli.ts', ...args] : ['dist/src/main/cli.js', ...args];
    const child = spawn(process.execPath, command, { cwd: root, env });
    let out = '';
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const line = out.split('\n').find((l) => l.includes('"listening'));
      if (!line) return;
      child.stdout!.off('data', onData);
      child.stdout!.resume();
      child.stderr!.off('data', onErr);
      child.stderr!.resume();
      child.removeAllListeners('exit');
      resolveStart({ child, url: (JSON.parse(line) as { url: string }).url, output: () => out });
    };
    child.stdout!.on('data', onData);
    // Kept until it listens, so a start that fails says why.
    let err = '';
    const onErr = (chunk: Buffer) => (err += chunk.toString());
    child.stderr!.on('data', onErr);
    child.once('exit', (code) => reject(new Error(`hookledger ${args.join(' ')} exited ${code} before listening: ${out}${err}`)));
  });

/**
 * Starts `hookledger worker` as its own process; resolves once it logs that it started (needs LOG_LEVEL info).
 * Its /metrics port is a free one unless `env` names one, so several workers can run at once.
 */
export const spawnWorker = (env: NodeJS.ProcessEnv): Promise<ChildProcess> =>
  new Promise((ready, fail) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main/cli.ts', 'worker'], {
      cwd: root,
      env: { HOOKLEDGER_WORKER_METRICS_PORT: '0', ...env, LOG_LEVEL: 'info' },
    });
    let out = '';
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      if (!out.includes('delivery worker started')) return;
      child.stdout!.off('data', onData);
      child.stdout!.resume();
      child.removeAllListeners('exit');
      ready(child);
    };
    child.stdout!.on('data', onData);
    child.once('exit', (code) => fail(new Error(`hookledger worker exited ${code} before starting: ${out}`)));
  });
