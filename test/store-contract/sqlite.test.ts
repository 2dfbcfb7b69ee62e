import { openSqliteStore } from '../../src/store/sqlite/index.js';
import { freshDatabase } from '../helpers/fresh-database.js';
import { contractRegistry, describeStoreContract } from './contract.js';

describeStoreContract('SQLite', async () => {
  // Each store gets a file in a directory of its own, removed when the suite closes it.
  const database = await freshDatabase('sqlite');
  const options = { ...database.storeOptions, registry: contractRegistry };
  const stores = [await openSqliteStore(options)];
  return {
    store: stores[0]!,
    another: async () => {
      const store = await openSqliteStore(options);
      stores.push(store);
      return store;
    },
    close: async () => {
      for (const store of stores) await store.close();
      await database.drop();
    },
  };
});
