import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type HookledgerClient, createHookledgerClient } from '../../src/client/index.js';
import { createOperatorKey } from '../../src/application/organizations.js';
import { TOKENS } from '../../src/main/tokens.js';
import { type Harness, startHarness } from '../support/http-harness.js';
import { checkedFetch } from '../support/openapi-responses.js';

describe('hookledger/client: the event catalog and the operator routes, against the live server', () => {
  let h: Harness;
  let client: HookledgerClient;
  let operator: HookledgerClient;

  beforeAll(async () => {
    h = await startHarness('memory');
    // Every answer the client receives is checked against /openapi.json as well.
    client = createHookledgerClient({ baseUrl: h.url, apiKey: (await h.newOrg()).key, fetch: checkedFetch(h.url) });
    const key = await createOperatorKey({ organizations: h.container.get(TOKENS.Organizations), keys: h.container.get(TOKENS.KeyMaterial), clock: h.clock });
    if (key._tag === 'Left') throw new Error(key.left.message);
    operator = createHookledgerClient({ baseUrl: h.url, apiKey: key.right.key, fetch: checkedFetch(h.url) });
  });
  afterAll(() => h.close());

  it('adds, reads, replaces and archives an event type, and pages through the catalog and its history', async () => {
    const revision = (await client.eventTypes.list({ limit: 1 })).revision;
    const added = await client.eventTypes.create(
      { name: 'invoice.paid', description: 'an invoice was paid', category: 'billing', schema: { type: 'object', required: ['amount'] } },
      { ifMatch: revision },
    );
    expect(added).toMatchObject({ name: 'invoice.paid', archived: false });
    expect((await client.eventTypes.get('invoice.paid')).description).toBe('an invoice was paid');
    await expect(client.eventTypes.create({ name: 'invoice.paid', description: 'again', category: 'billing' })).rejects.toMatchObject({ status: 422 });
    expect((await client.eventTypes.replace('invoice.paid', { description: 'paid in full', category: 'billing' })).description).toBe('paid in full');
    await client.eventTypes.archive('invoice.paid');
    expect((await client.eventTypes.get('invoice.paid')).archived).toBe(true);
    const names = [];
    for await (const type of client.eventTypes.all(7)) names.push(type.name);
    expect(names).toContain('invoice.paid');
    expect(new Set(names).size).toBe(names.length);
    const history = [];
    for await (const event of client.eventTypes.allHistory(2)) history.push(event.type);
    expect(history).toEqual(expect.arrayContaining(['EventTypeAdded', 'EventTypeChanged', 'EventTypeArchived']));
  });

  it('creates organizations and keys as an operator, lists and revokes them; an organization key gets 403', async () => {
    const org = await operator.admin.organizations.create({ name: `client-org-${Date.now()}`, catalog: 'upper-snake' });
    expect(org.catalog).toBe('upper-snake');
    const orgs = [];
    for await (const o of operator.admin.organizations.all(1)) orgs.push(o.organization_id);
    expect(orgs).toContain(org.organization_id);
    const created = await operator.admin.keys.create(org.organization_id, { name: 'ci' });
    expect(created.key).toMatch(/^sk_/);
    const asOrg = createHookledgerClient({ baseUrl: h.url, apiKey: created.key });
    expect((await asOrg.eventTypes.list()).catalog).toBe('upper-snake');
    await operator.admin.keys.revoke(org.organization_id, created.key_id);
    expect((await operator.admin.keys.list(org.name)).results).toEqual([
      expect.objectContaining({ key_id: created.key_id, name: 'ci', revoked_at: expect.any(String) }),
    ]);
    await expect(client.admin.organizations.list()).rejects.toMatchObject({ status: 403, type: 'Forbidden' });
  });
});
