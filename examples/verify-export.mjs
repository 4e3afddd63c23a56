// Recomputes every hash and link of `hookledger export` NDJSON: node verify-export.mjs < export.ndjson
import { createHash } from 'node:crypto';
import { createInterface } from 'node:readline';

const sha256 = (text) => createHash('sha256').update(text, 'utf8').digest('hex');
// JSON with object keys sorted (code-unit order), as Hookledger hashes it.
const canonical = (value) =>
  JSON.stringify(value, (_key, v) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v,
  );

let chain,
  bad = 0,
  n = 0;
for await (const line of createInterface({ input: process.stdin })) {
  const e = JSON.parse(line);
  const hash = sha256(canonical([e.previous_hash, e.stream, e.revision, e.event_id, e.type, e.version, e.data, e.metadata]));
  // Unfiltered, each event links to the one before; with --org, events between were left out.
  const linked = chain === undefined || e.previous_chain === chain || process.argv.includes('--filtered');
  if (hash !== e.hash || sha256(`${e.previous_chain}:${hash}`) !== e.chain || !linked) {
    bad++;
    console.log(`position ${e.position}: does not verify`);
  }
  chain = e.chain;
  n++;
}
console.log(`${n} events, ${bad} failing; head ${chain}`);
process.exitCode = bad === 0 ? 0 : 1;
