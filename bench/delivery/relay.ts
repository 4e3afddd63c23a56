import { Agent, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';

// The simplest fast relay, a process of its own: it answers each POST with 202 and then POSTs the
// same body to RELAY_TARGET with http.request over a keep-alive agent, nothing stored, nothing
// checked. Beside the service it shows what any Node relay in the middle costs on this machine.
const target = new URL(process.env.RELAY_TARGET!);
const agent = new Agent({ keepAlive: true, maxSockets: Number(process.env.RELAY_SOCKETS ?? 20) });
const accepted = Buffer.from('{"message_id":"msg_relay","duplicate":false}');
let seq = 0;
const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const body = Buffer.concat(chunks);
    res.writeHead(202, { 'content-type': 'application/json', 'content-length': accepted.length }).end(accepted);
    const out = request(
      target,
      { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': body.length, 'webhook-id': `msg_${seq++}` } },
      (r) => r.resume(),
    );
    out.on('error', () => undefined);
    out.end(body);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => process.stdout.write(`relay listening on http://127.0.0.1:${(server.address() as AddressInfo).port}\n`));
