import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PostgresWebhookSecrets } from '../../src/adapters/store/postgres/postgres-webhook-secrets.js';
import { migratedSchema, onPostgres } from '../support/postgres.js';
import { InMemoryWebhookSecrets } from '../../src/adapters/store/memory/memory-webhook-secrets.js';
import { SqliteWebhookSecrets } from '../../src/adapters/store/sqlite/sqlite-webhook-secrets.js';
import type { WebhookSecrets } from '../../src/ports/webhook-secrets.js';
import { tempSqlite } from '../support/sqlite-temp.js';

type Fixture = { secrets: WebhookSecrets; reopen?: () => WebhookSecrets; cleanup: () => Promise<void> };

const contract = (name: string, factory: () => Fixture | Promise<Fixture>) =>
  describe(`WebhookSecrets contract: ${name}`, () => {
    let f: Fixture;
    beforeEach(async () => {
      f = await factory();
    });
    afterEach(() => f.cleanup());

    it('issues a secret once; a second issue keeps the first', async () => {
      await f.secrets.issue('wh_1', 'whsec_a');
      await f.secrets.issue('wh_1', 'whsec_b');
      expect(await f.secrets.get('wh_1')).toEqual({ current: 'whsec_a' });
      expect(await f.secrets.get('wh_2')).toBeUndefined();
    });

    it('rotates: the new one is current and the old one signs until its expiry', async () => {
      await f.secrets.issue('wh_1', 'whsec_a');
      expect(await f.secrets.rotate('wh_1', 'whsec_b', '2026-11-23T10:00:00.000Z')).toEqual({
        current: 'whsec_b',
        previous: { secret: 'whsec_a', expiresAt: '2026-11-23T10:00:00.000Z' },
      });
      await f.secrets.rotate('wh_1', 'whsec_c', '2026-11-24T10:00:00.000Z');
      expect(await f.secrets.get('wh_1')).toEqual({ current: 'whsec_c', previous: { secret: 'whsec_b', expiresAt: '2026-11-24T10:00:00.000Z' } });
      if (f.reopen) expect(await f.reopen().get('wh_1')).toEqual(await f.secrets.get('wh_1'));
    });

    it('rotating a webhook that has no secret yet gives it one', async () => {
      expect(await f.secrets.rotate('wh_9', 'whsec_z', '2026-11-23T10:00:00.000Z')).toEqual({ current: 'whsec_z' });
    });
  });

contract('in-memory', () => ({ secrets: new InMemoryWebhookSecrets(), cleanup: async () => {} }));
contract('SQLite file', () => {
  const t = tempSqlite();
  return { secrets: new SqliteWebhookSecrets(t.db), reopen: () => new SqliteWebhookSecrets(t.reopen()), cleanup: t.cleanup };
});
onPostgres('WebhookSecrets contract', () =>
  contract('PostgreSQL', async () => {
    const t = await migratedSchema();
    return { secrets: new PostgresWebhookSecrets(t.first), reopen: () => new PostgresWebhookSecrets(t.pool()), cleanup: t.drop };
  }),
);
