// The README's example ("Client and receivers"), kept here so the type check covers it.
import { createServer } from 'node:http';
import { WebhookVerificationError, verifyWebhook } from '../../src/client/index.js';

createServer((req, res) => {
  const chunks: Buffer[] = [];
  req
    .on('data', (c: Buffer) => chunks.push(c))
    .on('end', () => {
      try {
        const secrets = [process.env.WHSEC_CURRENT, process.env.WHSEC_PREVIOUS].filter((s) => s !== undefined); // both during a rotation
        const event = verifyWebhook(secrets, req.headers, Buffer.concat(chunks));
        console.log(req.headers['webhook-id'], event.type, event.data); // webhook-id: your idempotency key
        res.writeHead(204).end();
      } catch (e) {
        res.writeHead(e instanceof WebhookVerificationError ? 400 : 500).end();
      }
    });
}).listen(3000);
