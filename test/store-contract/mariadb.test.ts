import { describe } from 'vitest';
import { openMysqlStore } from '../../src/store/mysql/index.js';
import type { Store } from '../../src/store/store.js';
import { databaseAvailableFor, freshDatabase } from '../helpers/fresh-database.js';
import { describeStoreContract } from './contract.js';

const available = await databaseAvailableFor('mariadb', 'the store contract on MariaDB');

describe.skipIf(!available)('MariaDB store', () => {
  // Each store gets its own database, dropped when the suite closes it.
  describeStoreContract('MariaDB', async () => {
    const database = await freshDatabase('mariadb');
    const options = { ...database.storeOptions, poolSize: 4 };
    const stores: Store[] = [await openMysqlStore(options)];
    return {
      store: stores[0]!,
      another: async () => {
        const store = await openMysqlStore(options);
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
