import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness, webhookBody } from '../support/http-harness.js';

const W = '/v1/organizations/webhooks';

describe('templates over HTTP (SQLite file): a template that cannot render is a 422 at its field, and nothing is stored', () => {
  let h: Harness;
  let key: string;

  beforeAll(async () => {
    h = await startHarness('sqlite-file');
    key = (await h.newOrg()).key;
  });
  afterAll(() => h.close());

  const slack = (configs: Record<string, string>) => ({ channel: 'slack', configs: { webhook_url: 'https://hooks.slack.com/services/T/B/X', ...configs } });

  it('POST: refused with the path and the parser’s message; no event, no webhook', async () => {
    const events = await h.eventCount();
    const res = await h.request('POST', `${W}/`, {
      key,
      body: webhookBody({
        channels: [{ channel: 'webhook', configs: { url: 'https://example.com/hook' } }, slack({ blocks_template: '[{{#data.items}}{"type":"divider"}]' })],
      }),
    });
    expect(res.status, res.text).toBe(422);
    expect(res.body.error).toMatchObject({
      type: 'ValidationError',
      details: [{ path: ['channels', 1, 'configs', 'blocks_template'], message: 'line 1, column 2: {{#data.items}} is never closed (add {{/data.items}})' }],
    });
    expect(await h.eventCount()).toBe(events);
    expect((await h.request('POST', `${W}/list`, { key })).body.total).toBe(0);
  });

  it('PUT and PATCH: refused at the field; the webhook keeps its version and settings', async () => {
    const created = (await h.request('POST', `${W}/`, { key, body: webhookBody() })).body as { webhook_id: string; version: number };
    const events = await h.eventCount();
    const bad = [slack({ message_template: 'ok', blocks_template: '{"type": "section"}' })];
    for (const [method, body] of [
      ['PUT', webhookBody({ channels: bad })],
      ['PATCH', { channels: bad }],
    ] as const) {
      const res = await h.request(method, `${W}/${created.webhook_id}`, { key, body });
      expect(res.status, `${method}: ${res.text}`).toBe(422);
      expect(res.body.error.details).toEqual([
        {
          path: ['channels', 0, 'configs', 'blocks_template'],
          message: 'rendered for a sample webhook.test event, the output must be a JSON array of blocks, not an object',
        },
      ]);
    }
    expect(await h.eventCount()).toBe(events);
    const got = await h.request('GET', `${W}/${created.webhook_id}`, { key });
    expect(got.body).toMatchObject({ version: created.version, channels: webhookBody().channels });
  });

  it('a template that renders is accepted and stored as written', async () => {
    const template = '{"type": "{{event_type}}", "data": {{{data_json}}}}';
    const res = await h.request('POST', `${W}/`, {
      key,
      body: webhookBody({ channels: [{ channel: 'webhook', configs: { url: 'https://example.com/t', payload_template: template } }] }),
    });
    expect(res.status, res.text).toBe(201);
    expect(res.body.channels[0].configs.payload_template).toBe(template);
  });
});
