// The README's example ("Client and receivers"), kept here so the type check covers it.
import { HookledgerApiError, createHookledgerClient } from '../../src/client/index.js';

const hl = createHookledgerClient({ baseUrl: 'http://127.0.0.1:8080', apiKey: process.env.HOOKLEDGER_KEY! });
const hook = await hl.webhooks.create({
  webhook_name: 'Ops alerts',
  event_types: ['cluster.*'],
  channels: [{ channel: 'webhook', configs: { url: 'https://example.com/hooks' } }], // timeout, headers, is_active: defaults
});
await hl.webhooks.update(hook.webhook_id, { webhook_name: 'Ops' }, { ifMatch: hook.version }); // 412 if it changed meanwhile
await hl.events.publish({ event_type: 'cluster.execution.failed', data: { cluster: 'c-1' } });

for await (const webhook of hl.webhooks.all({ event_type: 'cluster.execution.failed' })) console.log(webhook.webhook_name);
for await (const attempt of hl.deliveries.all(hook.webhook_id, { status: 'failed' })) console.log(attempt.error);

try {
  await hl.webhooks.create({ webhook_name: '', event_types: [], channels: [] });
} catch (e) {
  if (e instanceof HookledgerApiError) console.log(e.status, e.type, e.details); // 422 ValidationError [{ path: ['webhook_name'], … }]
}
