import { describe, it } from 'vitest';
import { migratePostgres } from '../../src/adapters/store/postgres/migrations.js';
import { PostgresEventStore } from '../../src/adapters/store/postgres/postgres-event-store.js';
import { probePostgres, tempSchema } from '../support/postgres.js';
import { eventStoreContract } from './event-store.contract.js';

const server = await probePostgres();

if (server.ok) {
  eventStoreContract('PostgreSQL', async () => {
    const t = await tempSchema();
    const first = t.pool();
    await migratePostgres(first);
    return {
      store: new PostgresEventStore(first),
      // A second store with its own pool on the same schema: another process, as far as the database can tell.
      reopen: async () => new PostgresEventStore(t.pool()),
      cleanup: t.drop,
    };
  });
} else {
  console.log(`SKIPPED EventStore contract on PostgreSQL: ${server.reason}`);
  describe.skip(`EventStore contract: PostgreSQL (${server.reason})`, () => {
    it('needs a server', () => undefined);
  });
}
