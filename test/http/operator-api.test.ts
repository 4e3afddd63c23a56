import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAdminCommand } from '../../src/main/commands/admin.js';
import { catalogWiring } from '../../src/main/catalog-wiring.js';
import { type Harness, startHarness } from '../support/http-harness.js';
import { waitFor } from '../support/wait-for.js';

const O = '/v1/admin/organizations';

describe('organizations and API keys over the API, for an operator key (ADR 0020)', () => {
  let h: Harness;
  let operator: string;
  let orgKey: string;

  beforeAll(async () => {
    h = await startHarness('sqlite-file');
    const lines: string[] = [];
    // As `hookledger keys create --admin --name ops` does it.
    expect(await runAdminCommand(['keys', 'create', '--admin', '--name', 'ops'], catalogWiring(h.container).operator, (l) => lines.push(l))).toBe(0);
    operator = lines[0]!;
    expect(operator).toMatch(/^sk_[A-Za-z0-9]{12}_[A-Za-z0-9]{32}$/);
    orgKey = (await h.newOrg('existing')).key;
  });
  afterAll(() => h.close());

  it('creates organizations with a catalog preset (recorded as the catalog’s first event) and lists them', async () => {
    const created = await h.request('POST', O, { key: operator, body: { name: 'acme', catalog: 'upper-snake' } });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      organization_id: expect.stringMatching(/^int_/),
      name: 'acme',
      catalog: 'upper-snake',
      created_at: '2026-11-22T10:00:00.000Z',
    });
    expect(created.headers.get('location')).toBe(`${O}/${created.body.organization_id}/keys`);
    expect((await h.request('POST', O, { key: operator, body: { name: 'acme' } })).status).toBe(409);
    expect((await h.request('POST', O, { key: operator, body: { name: 'x', catalog: 'camel' } })).body.error.details[0].path).toEqual(['catalog']);
    expect((await h.request('POST', O, { key: operator, body: { name: '' } })).status).toBe(422);
    // Oldest first (both were created at the same instant of the test clock: then by id).
    const all = await h.request('GET', O, { key: operator });
    expect(all.body.results.map((o: { name: string }) => o.name).sort()).toEqual(['acme', 'existing']);
    expect(all.body.results).toContainEqual(created.body);
    const second = await h.request('GET', `${O}?limit=1&offset=1`, { key: operator });
    expect(second.body).toEqual({ results: [all.body.results[1]], pagination: { limit: 1, offset: 1, has_more: false }, total: 2 });
  });

  it('creates a key shown once, lists keys with name, created_at and last_used_at, revokes them', async () => {
    const created = await h.request('POST', `${O}/acme/keys`, { key: operator, body: { name: 'ci' } });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      key_id: expect.any(String),
      key: expect.stringMatching(/^sk_/),
      name: 'ci',
      created_at: '2026-11-22T10:00:00.000Z',
      last_used_at: null,
      revoked_at: null,
    });
    const key = created.body.key as string;
    const types = await h.request('GET', '/v1/event-types', { key });
    expect(types.body).toMatchObject({ catalog: 'upper-snake', revision: 1, total: 28 });
    const history = await h.request('GET', '/v1/event-types/history', { key });
    expect(history.body.events).toEqual([expect.objectContaining({ type: 'CatalogSeeded', actor: expect.stringMatching(/^key:/) })]);

    const listed = async () => (await h.request('GET', `${O}/acme/keys`, { key: operator })).body.results;
    await waitFor(async () => (await listed())[0].last_used_at === '2026-11-22T10:00:00.000Z');
    expect(await listed()).toEqual([
      { key_id: created.body.key_id, name: 'ci', created_at: '2026-11-22T10:00:00.000Z', last_used_at: '2026-11-22T10:00:00.000Z', revoked_at: null },
    ]);
    // Within the minute another use writes nothing; after it, one write.
    h.clock.advance(30_000);
    await h.request('GET', '/v1/event-types', { key });
    h.clock.advance(31_000);
    await h.request('GET', '/v1/event-types', { key });
    await waitFor(async () => (await listed())[0].last_used_at === '2026-11-22T10:01:01.000Z');

    expect((await h.request('DELETE', `${O}/existing/keys/${created.body.key_id}`, { key: operator })).status).toBe(404);
    expect((await h.request('DELETE', `${O}/acme/keys/${created.body.key_id}`, { key: operator })).status).toBe(204);
    expect((await h.request('DELETE', `${O}/acme/keys/${created.body.key_id}`, { key: operator })).status).toBe(204);
    expect((await h.request('GET', '/v1/event-types', { key })).status).toBe(401);
    expect((await listed())[0].revoked_at).toBe('2026-11-22T10:01:01.000Z');
    expect((await h.request('GET', `${O}/nobody/keys`, { key: operator })).status).toBe(404);
  });

  it('answers 403 to an organization key, 401 without a key', async () => {
    for (const [method, path] of [
      ['GET', O],
      ['POST', O],
      ['GET', `${O}/existing/keys`],
      ['POST', `${O}/existing/keys`],
      ['DELETE', `${O}/existing/keys/AAAAAAAAAAAA`],
    ] as const) {
      const res = await h.request(method, path, { key: orgKey, body: method === 'POST' ? { name: 'x' } : undefined });
      expect(res.status, `${method} ${path}`).toBe(403);
      expect(res.body.error.type).toBe('Forbidden');
      expect((await h.request(method, path)).status).toBe(401);
    }
  });
});
