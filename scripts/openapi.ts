/**
 * `tsx scripts/openapi.ts dist/openapi.json` writes the document the server serves at /openapi.json
 * (or prints it); `tsx scripts/openapi.ts --client-types` regenerates src/client/api-types.ts from it.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { clientTypes, servedDocument } from './openapi-document.js';

const doc = await servedDocument();
const [out] = process.argv.slice(2);
if (out === '--client-types') writeFileSync(new URL('../src/client/api-types.ts', import.meta.url), await clientTypes(doc));
else if (out) {
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(doc, null, 2)}\n`);
} else process.stdout.write(`${JSON.stringify(doc, null, 2)}\n`);
