import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';

// Baseline: bare node:http answering with the same JSON bytes from memory.
const bodies = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as Record<string, string>;
const server = createServer((req, res) => {
  const body = bodies[`${req.method} ${req.url}`];
  if (body === undefined) {
    res.writeHead(404).end();
    return;
  }
  req.resume();
  res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) }).end(body);
});
server.listen(0, '127.0.0.1', () => {
  const address = server.address() as { port: number };
  process.stdout.write(`${JSON.stringify({ msg: 'listening', url: `http://127.0.0.1:${address.port}` })}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
