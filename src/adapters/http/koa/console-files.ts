import { readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import type { Context, Next } from 'koa';
import { HttpError } from './errors.js';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.map': 'application/json',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};
// The console only talks to this origin's API; nothing inline runs.
const CSP = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'";

/**
 * Serves the built web console (`npm run build` → dist/console) at /console.
 * Hashed assets are cached for a year; every other path gets index.html, whose
 * hash routes the console handles itself.
 */
export const consoleFiles = (dir: string | undefined) => async (ctx: Context, next: Next) => {
  if (ctx.path !== '/console' && !ctx.path.startsWith('/console/')) return next();
  if (ctx.method !== 'GET' && ctx.method !== 'HEAD') throw new HttpError(405, 'MethodNotAllowed', 'the console is read-only');
  if (ctx.path === '/console') return ctx.redirect('/console/');
  if (!dir) throw new HttpError(404, 'NotFound', 'the console is not built: run npm run build');
  let decoded: string;
  try {
    decoded = decodeURIComponent(ctx.path.slice('/console/'.length));
  } catch {
    throw new HttpError(400, 'BadRequest', 'malformed percent-encoding in the path');
  }
  const relative = normalize(decoded);
  if (relative.startsWith('..') || relative.includes(`${sep}..`)) throw new HttpError(404, 'NotFound', 'no such file');
  const asset = relative.startsWith(`assets${sep}`);
  const file = join(dir, asset ? relative : 'index.html');
  // A missing asset (or a folder) is a 404; a missing index.html means nothing was built.
  const body = await readFile(file).catch(() => {
    throw new HttpError(404, 'NotFound', asset ? 'no such file' : 'the console is not built: run npm run build');
  });
  ctx.type = TYPES[extname(file)] ?? 'application/octet-stream';
  ctx.set('Cache-Control', asset ? 'public, max-age=31536000, immutable' : 'no-cache');
  ctx.set('Content-Security-Policy', CSP);
  ctx.set('X-Content-Type-Options', 'nosniff');
  ctx.set('Referrer-Policy', 'no-referrer');
  ctx.body = body;
};
