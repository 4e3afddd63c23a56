import { InMemoryOrganizationStore } from '../../src/adapters/store/memory/memory-organization-store.js';
import { SqliteOrganizationStore } from '../../src/adapters/store/sqlite/sqlite-organization-store.js';
import { tempSqlite } from '../support/sqlite-temp.js';
import { organizationStoreContract } from './organization-store.contract.js';

organizationStoreContract('in-memory', async () => ({ store: new InMemoryOrganizationStore(), cleanup: async () => {} }));
organizationStoreContract('SQLite file', async () => {
  const t = tempSqlite();
  return { store: new SqliteOrganizationStore(t.db), reopen: () => new SqliteOrganizationStore(t.reopen()), cleanup: t.cleanup };
});
