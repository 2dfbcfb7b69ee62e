import { describe } from 'vitest';
import { openPostgresStore } from '../../src/store/postgres/index.js';
import { databaseAvailableFor, freshDatabase } from '../helpers/fresh-database.js';
import { contractRegistry, describeStoreContract } from './contract.js';

const available = await databaseAvailableFor('postgres', 'the store contract on PostgreSQL');

describe.skipIf(!available)('PostgreSQL store', () => {
  // Each store gets its own schema, dropped when the suite closes it.
  describeStoreContract('PostgreSQL', async () => {
    const database = await freshDatabase('postgres', { postgres: 'schema' });
    const options = { ...database.storeOptions, registry: contractRegistry, poolSize: 4 };
    const stores = [await openPostgresStore(options)];
    return {
      store: stores[0]!,
      another: async () => {
        const store = await openPostgresStore(options);
        stores.push(store);
        return store;
      },
      close: async () => {
        for (const store of stores) await store.close();
        await database.drop();
      },
    };
  });
});
