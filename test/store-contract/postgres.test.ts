import { describe } from 'vitest';
import { openPostgresStore } from '../../src/store/postgres/index.js';
import { contractRegistry, describeStoreContract } from './contract.js';
import { createTestSchema, dropTestSchema, postgresAvailableFor, postgresTestUrl } from './postgres-support.js';

const available = await postgresAvailableFor('the store contract on PostgreSQL');

describe.skipIf(!available)('PostgreSQL store', () => {
  // Each store gets its own schema, dropped when the suite closes it.
  describeStoreContract('PostgreSQL', async () => {
    const schema = await createTestSchema();
    const options = { url: postgresTestUrl(), registry: contractRegistry, schema, poolSize: 4 };
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
        await dropTestSchema(schema);
      },
    };
  });
});
