import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TOKENS } from '../../src/main/tokens.js';
import { type Harness, startHarness, webhookBody } from '../support/http-harness.js';

// The costliest shape the schema bounds allow (ADR 0020): each value passes only the last of 253 branches.
const costly = { type: 'array', items: { anyOf: Array.from({ length: 253 }, (_, i) => ({ const: i })) } };
const costlyData = Array(900).fill(252);

describe('schema checks within each organization’s share of the server’s time (ADR 0020)', () => {
  let h: Harness;
  const orgs: { key: string }[] = [];
  const publish = (key: string, event_type: string, data: unknown) => h.request('POST', '/v1/events', { key, body: { event_type, data } });
  const pending = async () => (await h.container.get(TOKENS.Queue).depth(h.clock.now().getTime())).pending;

  beforeAll(async () => {
    // 10 ms of checking a second, 20 ms at once: one costly check puts an organization in debt.
    h = await startHarness('sqlite-file', undefined, { env: { HOOKLEDGER_SCHEMA_CHECK_MS_PER_SECOND: '10', HOOKLEDGER_SCHEMA_CHECK_BURST_MS: '20' } });
    for (let i = 0; i < 2; i++) {
      const { key } = await h.newOrg();
      orgs.push({ key });
      for (const body of [{ name: 'batch.costly', schema: costly }, { name: 'batch.plain' }]) {
        expect((await h.request('POST', '/v1/event-types', { key, body })).status).toBe(201);
      }
      const hook = webhookBody({
        event_types: ['batch.costly', 'batch.plain'],
        channels: [{ channel: 'webhook', configs: { url: 'https://example.com/hook' } }],
      });
      expect((await h.request('POST', '/v1/organizations/webhooks', { key, body: hook })).status).toBe(201);
    }
  });
  afterAll(() => h.close());

  it('refuses an organization that spent its share with 429 and Retry-After, storing nothing; other organizations and schema-less types go on', async () => {
    const [a, b] = orgs as [{ key: string }, { key: string }];
    expect((await publish(a.key, 'batch.costly', costlyData)).status).toBe(202);
    const before = await pending();
    const refused = await publish(a.key, 'batch.costly', costlyData);
    expect(refused.status).toBe(429);
    expect(refused.body).toMatchObject({ success: false, status: 429, error: { type: 'RateLimited', message: expect.stringContaining('schema checks') } });
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(await pending()).toBe(before);
    // Refused before checking: a small valid event is refused too, and bad data is not looked at.
    expect((await publish(a.key, 'batch.costly', [1])).status).toBe(429);
    expect((await publish(a.key, 'batch.costly', ['x'])).status).toBe(429);
    // A type without a schema costs the organization nothing it has spent.
    expect((await publish(a.key, 'batch.plain', { any: 'thing' })).status).toBe(202);
    // Another organization has its own share.
    expect((await publish(b.key, 'batch.costly', [1, 2])).status).toBe(202);
    expect(await pending()).toBe(before + 2);
  });
});
