import { describe } from 'vitest';
import { openPostgresStore } from '../../src/store/postgres/index.js';
import { contractRegistry, describeStoreContract } from './contract.js';
import { createTestSchema, dropTestSchema, postgresAvailableFor, postgresTestUrl } from './postgres-support.js';

const available = await postgresAvailableFor('the store contract on PostgreSQL');

describe.skipIf(!available)('PostgreSQL store', () => {
  // Each store gets its own schema, dropped when the suite closes it.
  describeStoreContract('PostgreSQL', async () => {
    const schema = await createTestSchema();
    const store = await openPostgresStore({ url: postgresTestUrl(), registry: contractRegistry, schema, poolSize: 4 });
    return {
      store,
      close: async () => {
        await store.close();
        await dropTestSchema(schema);
      },
    };
  });
});
