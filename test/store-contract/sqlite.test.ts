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
  const store = await openSqliteStore({ filename: path.join(directory, `contract-${opened}`, 'scimitar.db'), registry: contractRegistry });
  return { store, close: () => store.close() };
});
