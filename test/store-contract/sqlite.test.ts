import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';
import { openSqliteStore } from '../../src/store/sqlite/index.js';
import { contractRegistry, describeStoreContract } from './contract.js';

const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'scimitar-'));
let opened = 0;

afterAll(() => {
  fs.rmSync(directory, { recursive: true, force: true });
});

describeStoreContract('SQLite', async () => {
  opened += 1;
  const options = { filename: path.join(directory, `contract-${opened}`, 'scimitar.db'), registry: contractRegistry };
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
    },
  };
});
