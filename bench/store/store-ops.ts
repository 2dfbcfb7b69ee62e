/**
 * One process's measurement of the store alone (no HTTP): each operation
 * repeated on a fresh SQLite file, timed by the process's CPU time and by
 * the wall clock, and, on request, the promises it creates. Run by
 * bench/store/run.ts, which compiles the tree under test and starts this
 * file on bare node; it prints one JSON line of figures.
 */
import { createHook } from 'node:async_hooks';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openStore } from '../../src/app/open-store.js';
import { normalizeResource } from '../../src/core/resource/index.js';
import { createDefaultRegistry } from '../../src/core/schema/registry.js';
import type { Store } from '../../src/store/store.js';

const TENANT = 'default';
const NOW = '2026-01-01T00:00:00.000Z';
/** Operations run before each measurement, so the JIT and the statement caches are in their steady state. */
const WARMUP = 1000;

export interface OperationFigures {
  readonly operations: number;
  /** Process CPU (user + system) per operation, microseconds. */
  readonly cpuMicros: number;
  /** Wall clock per operation, microseconds. */
  readonly wallMicros: number;
  /** Promises created per operation (only when counted: counting slows everything down). */
  readonly promises: number | undefined;
}

let promisesCreated = 0;
const promiseHook = createHook({
  init(_id, type) {
    if (type === 'PROMISE') promisesCreated++;
  },
});

async function measure(operations: number, countPromises: boolean, operation: (index: number) => Promise<unknown>): Promise<OperationFigures> {
  for (let index = 0; index < Math.min(WARMUP, operations); index++) await operation(operations + index);
  if (countPromises) {
    promisesCreated = 0;
    promiseHook.enable();
  }
  const cpu = process.cpuUsage();
  const started = process.hrtime.bigint();
  for (let index = 0; index < operations; index++) await operation(index);
  const wall = Number(process.hrtime.bigint() - started) / 1000;
  const used = process.cpuUsage(cpu);
  if (countPromises) promiseHook.disable();
  return {
    operations,
    cpuMicros: (used.user + used.system) / operations,
    wallMicros: wall / operations,
    promises: countPromises ? promisesCreated / operations : undefined,
  };
}

function userAttributes(index: number, schemas: ReturnType<ReturnType<typeof createDefaultRegistry>['forResourceType']>) {
  const body = {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
    userName: `user${index}@example.com`,
    name: { givenName: `Given${index}`, familyName: `Family${index}` },
    emails: [{ value: `user${index}@example.com`, type: 'work', primary: true }],
    active: true,
  };
  return normalizeResource(body, schemas).attributes;
}

async function run(store: Store, operations: number, countPromises: boolean): Promise<Record<string, OperationFigures>> {
  const registry = createDefaultRegistry();
  const users = registry.forResourceType('User');
  const groups = registry.forResourceType('Group');
  const userId = (index: number) => `u-${index}`;
  const total = 2 * operations + WARMUP;
  const figures: Record<string, OperationFigures> = {};

  figures['insert User'] = await measure(total - WARMUP, countPromises, (index) =>
    store.transaction((writer) => writer.insertResource({ tenantId: TENANT, resourceType: 'User', id: userId(index), attributes: userAttributes(index, users), passwordHash: undefined, now: NOW })),
  );
  // The warm-up of the insert used the ids from total - WARMUP on: every id below total exists now.
  const groupAttributes = normalizeResource({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'Everyone' }, groups).attributes;
  await store.transaction((writer) => writer.insertResource({ tenantId: TENANT, resourceType: 'Group', id: 'g-1', attributes: groupAttributes, passwordHash: undefined, now: NOW }));

  figures['get User'] = await measure(operations, countPromises, (index) => store.reader.getResource(TENANT, 'User', userId(index % total)));
  figures['get + update User'] = await measure(operations, countPromises, (index) =>
    store.transaction(async (writer) => {
      const id = userId(index % total);
      const current = await writer.getResource(TENANT, 'User', id);
      if (current === undefined) throw new Error(`missing ${id}`);
      const attributes = { ...current.attributes, displayName: `Display ${index}` };
      return writer.updateResource({ tenantId: TENANT, resourceType: 'User', id, attributes, expectedVersion: current.version, passwordHash: undefined, now: NOW });
    }),
  );
  figures['add member'] = await measure(operations, countPromises, (index) =>
    store.transaction((writer) => writer.addMembers(TENANT, 'g-1', [{ value: userId(index % total), type: 'User' }])),
  );
  figures['memberships read'] = await measure(operations, countPromises, (index) => store.reader.listMemberships(TENANT, userId(index % total)));
  figures['list 50 Users'] = await measure(Math.max(50, Math.floor(operations / 10)), countPromises, (index) =>
    store.reader.listResources(TENANT, 'User', { schemas: users, filter: undefined, sort: undefined, startIndex: 1 + ((index * 50) % total), count: 50 }),
  );
  figures['delete User'] = await measure(operations, countPromises, (index) => store.transaction((writer) => writer.deleteResource(TENANT, 'User', userId(index), NOW)));
  return figures;
}

async function main(): Promise<void> {
  const operations = Number(process.argv[2] ?? '2000');
  const countPromises = process.argv[3] === 'promises';
  const directory = mkdtempSync(path.join(tmpdir(), 'scimitar-store-bench-'));
  try {
    // synchronous=normal: the figures are of the process's work, not of the disk's fsync.
    const store = await openStore({ kind: 'sqlite', filename: path.join(directory, 'store.db'), synchronous: 'normal' }, createDefaultRegistry());
    try {
      await store.tenants.ensureTenant(TENANT, 'Default directory', NOW);
      process.stdout.write(`${JSON.stringify(await run(store, operations, countPromises))}\n`);
    } finally {
      await store.close();
    }
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

await main();
