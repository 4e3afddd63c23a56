import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import Router from '@koa/router';
import Koa from 'koa';

// The framework's own ceiling: Koa + @koa/router answering each route with a constant body
// (the same bytes the service sends), with no middleware, auth, store or log.
const bodies = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as Record<string, string>;
const app = new Koa();
const router = new Router();
for (const [key, body] of Object.entries(bodies)) {
  const [method, url] = key.split(' ') as [string, string];
  const path = url.split('?')[0]!;
  router[method.toLowerCase() as 'get' | 'post'](path, (ctx) => {
    ctx.type = 'application/json';
    ctx.body = body;
  });
}
app.use(router.routes());
const handle = app.callback();
// Koa's handler settles its own errors (ctx.onerror): nothing to await here.
const server = createServer((req, res) => void handle(req, res));
server.keepAliveTimeout = 65_000;
server.listen(0, '127.0.0.1', () => {
  const address = server.address() as { port: number };
  process.stdout.write(`${JSON.stringify({ msg: 'listening', url: `http://127.0.0.1:${address.port}` })}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
