import * as z from 'zod';
import { type Route, route } from './route.js';
import { EmptyQuery } from './schemas.js';

const DOCS_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Hookledger API</title>
<style>
body{font:15px/1.5 system-ui,sans-serif;max-width:960px;margin:2rem auto;padding:0 1rem;color:#1b1b1b}
h2{margin-top:2rem;border-bottom:1px solid #ddd}.op{margin:1rem 0;padding:.75rem 1rem;border:1px solid #e3e3e3;border-radius:6px}
.m{display:inline-block;min-width:4.5rem;font-weight:700;text-transform:uppercase}code{background:#f4f4f4;padding:0 .25rem}
details pre{background:#f7f7f7;padding:.5rem;overflow:auto;font-size:13px}
</style></head><body>
<h1>Hookledger API</h1>
<p>Generated from <a href="/openapi.json">/openapi.json</a>. Authenticate with <code>Authorization: Bearer sk_…</code>.</p>
<main id="ops" aria-live="polite">Loading…</main>
<script>
fetch('/openapi.json').then(r => r.json()).then(doc => {
  const byTag = {};
  for (const [path, ops] of Object.entries(doc.paths)) for (const [method, op] of Object.entries(ops)) (byTag[op.tags[0]] ??= []).push({ path, method, op });
  const esc = s => String(s).replace(/[&<>"]/g, c => ({'&':'&amp;','<':'&lt;','>':'&gt;','"':'&quot;'}[c]));
  const main = document.getElementById('ops'); main.textContent = '';
  for (const [tag, ops] of Object.entries(byTag)) {
    main.insertAdjacentHTML('beforeend', '<h2>' + esc(tag) + '</h2>');
    for (const { path, method, op } of ops) {
      const body = op.requestBody ? '<details><summary>Request body</summary><pre>' + esc(JSON.stringify(op.requestBody.content['application/json'].schema, null, 2)) + '</pre></details>' : '';
      const responses = Object.entries(op.responses).map(([s, r]) => '<li><code>' + s + '</code> ' + esc(r.description) + '</li>').join('');
      main.insertAdjacentHTML('beforeend', '<section class="op"><div><span class="m">' + method + '</span><code>' + esc(path) + '</code></div><p>' + esc(op.summary) + '</p>' + body + '<ul>' + responses + '</ul></section>');
    }
  }
});
</script></body></html>`;

export const docsRoutes = (document: () => unknown): Route[] => [
  route({
    method: 'get',
    path: '/openapi.json',
    operationId: 'openApi',
    summary: 'This API as OpenAPI 3.1',
    tag: 'Operations',
    auth: false,
    query: EmptyQuery,
    responses: { 200: { description: 'the OpenAPI document', schema: z.record(z.string(), z.unknown()) } },
    handle: async () => ({ status: 200, body: document() }),
  }),
  route({
    method: 'get',
    path: '/docs',
    operationId: 'docs',
    summary: 'Human-readable API documentation',
    tag: 'Operations',
    auth: false,
    query: EmptyQuery,
    responses: { 200: { description: 'an HTML page', contentType: 'text/html' } },
    handle: async ({ ctx }) => {
      ctx.type = 'text/html; charset=utf-8';
      return { status: 200, body: DOCS_PAGE };
    },
  }),
];
