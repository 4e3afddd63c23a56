import { PostgresOrganizationStore } from '../../src/adapters/store/postgres/postgres-organization-store.js';
import { migratedSchema, onPostgres } from '../support/postgres.js';
import { InMemoryOrganizationStore } from '../../src/adapters/store/memory/memory-organization-store.js';
import { SqliteOrganizationStore } from '../../src/adapters/store/sqlite/sqlite-organization-store.js';
import { tempSqlite } from '../support/sqlite-temp.js';
import { organizationStoreContract } from './organization-store.contract.js';

organizationStoreContract('in-memory', async () => ({ store: new InMemoryOrganizationStore(), cleanup: async () => {} }));
organizationStoreContract('SQLite file', async () => {
  const t = tempSqlite();
  return { store: new SqliteOrganizationStore(t.db), reopen: () => new SqliteOrganizationStore(t.reopen()), cleanup: t.cleanup };
});
onPostgres('OrganizationStore contract', () =>
  organizationStoreContract('PostgreSQL', async () => {
    const t = await migratedSchema();
    return { store: new PostgresOrganizationStore(t.first), reopen: () => new PostgresOrganizationStore(t.pool()), cleanup: t.drop };
  }),
);
