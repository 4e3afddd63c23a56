import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { TOKENS } from '../../src/main/tokens.js';
import { PG_URL, postgresAnswers, tempSchema } from '../support/postgres.js';
import { NEEDLES, type Service, W, foundIn, rawPostgresText, rawSqliteText, sensitiveWebhook, startService } from '../support/sealing.js';

/**
 * Issue 17, item 5: a stolen database holds no signing secret, credential, address or number in
 * clear (ADR 0018), while the owner still reads its own settings in clear over the API.
 */
const MASTER_KEY = Buffer.alloc(32, 7).toString('base64');

/** Writes every place a sensitive value can land: events (created, changed), list projection, secrets (current, previous), queued jobs. */
const fillEverything = async (s: Service) => {
  const key = await s.newKey();
  const created = await s.request('POST', W, key, sensitiveWebhook());
  expect(created.status, created.text).toBe(201);
  const id = created.body.webhook_id as string;
  const body = sensitiveWebhook();
  const changed = await s.request('PATCH', `${W}/${id}`, key, {
    channels: body.channels.map((c) => (c.channel === 'email' ? { ...c, configs: { ...c.configs, to_addresses: [NEEDLES.to, NEEDLES.added] } } : c)),
  });
  expect(changed.status, changed.text).toBe(200);
  const rotated = await s.request('POST', `${W}/${id}/secret/rotate`, key);
  expect(rotated.status, rotated.text).toBe(200);
  const listed = await s.request('POST', `${W}/list`, key, {});
  expect(listed.status, listed.text).toBe(200);
  const published = await s.request('POST', '/v1/events', key, { event_type: 'cluster.execution.completed', data: { run: 1 } });
  expect(published.status, published.text).toBe(202);
  // Four queued jobs, one per channel, each with its channel copy.
  expect((await s.container.get(TOKENS.Queue).depth(s.clock.now().getTime())).pending).toBe(4);
  return { key, id, secrets: [created.body.secret as string, rotated.body.secret as string], listed: listed.text };
};

/** The owner reads every sealed value back in clear: GET, list, history and the secret. */
const expectOwnerSeesClear = async (s: Service, filled: Awaited<ReturnType<typeof fillEverything>>) => {
  const got = await s.request('GET', `${W}/${filled.id}`, filled.key);
  expect(got.status).toBe(200);
  expect(foundIn(got.text)).toEqual(expect.arrayContaining(Object.values(NEEDLES)));
  expect(foundIn(filled.listed)).toEqual(expect.arrayContaining(Object.values(NEEDLES)));
  const history = await s.request('GET', `${W}/${filled.id}/history`, filled.key);
  expect(history.body.events[0].data.channels[0].configs.headers).toEqual({ Authorization: `Bearer ${NEEDLES.header}` });
  const secret = await s.request('GET', `${W}/${filled.id}/secret`, filled.key);
  expect(secret.body.secret).toBe(filled.secrets[1]);
};

describe('a stolen SQLite database file', () => {
  let dir: string | undefined;
  let service: Service | undefined;
  afterEach(async () => {
    await service?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('holds no secret, credential, address or number in clear (main file and WAL), with zero configuration', async () => {
    dir = mkdtempSync(join(tmpdir(), 'hookledger-stolen-'));
    const path = join(dir, 'hookledger.db');
    service = await startService(`sqlite:${path}`);
    const filled = await fillEverything(service);
    await expectOwnerSeesClear(service, filled);

    // A key file was made beside the database on the first start, readable by its owner only.
    expect(statSync(`${path}.key`).mode & 0o777).toBe(0o600);
    expect(service.logs.join('\n')).toContain('created a new master key file: back it up');
    const stolen = rawSqliteText(path);
    expect(stolen).toContain('Visible Sealing Control'); // the control: the raw read sees the data
    expect(stolen).toContain('sealed:v1:');
    expect(foundIn(stolen, filled.secrets)).toEqual([]);
  });
});

describe.runIf(postgresAnswers)('a dump of the PostgreSQL schema', () => {
  it('holds no secret, credential, address or number in clear', async () => {
    const schema = await tempSchema();
    const service = await startService(`${PG_URL}?options=${encodeURIComponent(`-c search_path=${schema.schema}`)}`, { HOOKLEDGER_MASTER_KEY: MASTER_KEY });
    try {
      const filled = await fillEverything(service);
      await expectOwnerSeesClear(service, filled);
      const dump = await rawPostgresText(service.container.get(TOKENS.Postgres));
      expect(dump).toContain('Visible Sealing Control');
      expect(dump).toContain('webhook_data_keys');
      expect(foundIn(dump, filled.secrets)).toEqual([]);
    } finally {
      await service.close();
      await schema.drop();
    }
  });
});
