import { readFileSync } from 'node:fs';
import { relative } from 'node:path';

// Summarises V8 .cpuprofile files (as `BENCH_CPU_PROF=<dir> npm run bench -- delivery` writes
// them): self time by function and by package or source file.
//   npx tsx bench/cpu-profile-top.ts <file.cpuprofile> [more…] [--top 25]

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly children?: readonly number[];
}
interface Profile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

const args = process.argv.slice(2);
const topAt = args.indexOf('--top');
const top = topAt >= 0 ? Number(args[topAt + 1]) : 25;
const files = args.filter((a, i) => a !== '--top' && i !== topAt + 1);
if (files.length === 0) {
  process.stderr.write('usage: tsx bench/cpu-profile-top.ts <file.cpuprofile> [more…] [--top 25]\n');
  process.exit(2);
}

/** `node_modules/<pkg>` for dependencies, the path under the repository for our code, or V8's own label. */
const where = (url: string): string => {
  if (url === '') return '(V8/native)';
  const path = url.replace(/^file:\/\//, '');
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
  if (pkg) return pkg[1]!;
  if (path.startsWith('node:')) return path;
  return relative(process.cwd(), path);
};

for (const file of files) {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const idle = [...self].filter(([id]) => ['(idle)', '(program)'].includes(byId.get(id)!.callFrame.functionName)).reduce((a, [, t]) => a + t, 0);
  const fns = new Map<string, number>();
  const places = new Map<string, number>();
  for (const [id, t] of self) {
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
    if (['(idle)', '(program)'].includes(functionName)) continue;
    const place = where(url);
    const fn = `${functionName || '(anonymous)'}  ${place}${url ? `:${lineNumber + 1}` : ''}`;
    fns.set(fn, (fns.get(fn) ?? 0) + t);
    places.set(place, (places.get(place) ?? 0) + t);
  }
  const pct = (t: number) => `${((100 * t) / (total - idle)).toFixed(1).padStart(5)}%`;
  const list = (m: Map<string, number>) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([k, t]) => `  ${pct(t)}  ${(t / 1000).toFixed(0).padStart(6)} ms  ${k}`)
      .join('\n');
  process.stdout.write(
    `${file}: ${(total / 1e6).toFixed(1)} s sampled, ${((total - idle) / 1e6).toFixed(1)} s busy (% of busy)\n` +
      `Self time by function:\n${list(fns)}\nSelf time by package or file:\n${list(places)}\n\n`,
  );
}
