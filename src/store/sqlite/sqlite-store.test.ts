/** What the SQLite adapter adds to the store contract: its file, its two connections and its transaction discipline. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDefaultRegistry } from '../../core/schema/registry.js';
import type { StoreWriter } from '../store.js';
import { sqliteMigrations } from './migrations/index.js';
import type { SqliteSessions } from './sqlite-driver.js';
import { openSqliteStore, type SqliteStore } from './index.js';

const registry = createDefaultRegistry();
const TENANT = 'acme';
const NOW = '2024-01-01T00:00:00.000Z';

function insertUser(writer: StoreWriter, id: string, userName: string) {
  return writer.insertResource({ tenantId: TENANT, resourceType: 'User', id, attributes: { userName }, passwordHash: undefined, now: NOW });
}

function delay(milliseconds: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, milliseconds));
}

describe('SQLite store', () => {
  let directory: string;
  let filename: string;
  let store: SqliteStore;

  beforeEach(async () => {
    directory = fs.mkdtempSync(path.join(os.tmpdir(), 'scimitar-'));
    filename = path.join(directory, 'nested', 'dirs', 'scimitar.db');
    store = await openSqliteStore({ filename, registry });
    await store.tenants.ensureTenant(TENANT, 'Acme', NOW);
  });

  afterEach(async () => {
    await store.close();
    fs.rmSync(directory, { recursive: true, force: true });
  });

  it('writes request log batches without a sync of their own, and leaves every other commit synced (synchronous=FULL)', async () => {
    // The driver is internal to the store: the setting is per connection, so no probe can read it.
    const writer = (store as unknown as { driver: SqliteSessions }).driver.writerConnection().db;
    expect(writer.pragma('synchronous', { simple: true })).toBe(2);
    const synchronousDuringWrites: unknown[] = [];
    await store.requestLog.append([
      {
        tenantId: TENANT, occurredAt: NOW, requestId: 'req-1', method: 'GET', path: '/scim/v2/Users', query: null, status: 200, scimType: null, detail: null,
        authFailure: null, latencyMs: 1, clientAddress: '127.0.0.1', userAgent: null, idp: null, resourceId: null, requestBody: null, responseBody: null,
      },
    ]);
    expect(writer.pragma('synchronous', { simple: true })).toBe(2);
    const logged = await store.requestLog.list(TENANT, { order: 'newest', limit: 10, withBodies: false });
    expect(logged.map((row) => row.requestId)).toEqual(['req-1']);
    // A resource write after it still commits with FULL.
    await store.transaction(async () => {
      synchronousDuringWrites.push(writer.pragma('synchronous', { simple: true }));
    });
    expect(synchronousDuringWrites).toEqual([2]);
  });

  it('creates the missing parent directories and a WAL-mode database file', () => {
    expect(fs.existsSync(filename)).toBe(true);
    const probe = new Database(filename, { readonly: true });
    try {
      expect(probe.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(probe.prepare('SELECT version, name FROM schema_migrations ORDER BY version').all()).toEqual(sqliteMigrations.map(({ version, name }) => ({ version, name })));
    } finally {
      probe.close();
    }
  });

  it('refuses an in-memory database: its two connections would see two databases', async () => {
    await expect(openSqliteStore({ filename: ':memory:', registry })).rejects.toBeInstanceOf(TypeError);
  });

  it('keeps the data and applies no migration again when reopened', async () => {
    await store.transaction((writer) => insertUser(writer, 'u1', 'bjensen'));
    await store.close();
    store = await openSqliteStore({ filename, registry });
    expect((await store.reader.getResource(TENANT, 'User', 'u1'))?.attributes).toEqual({ userName: 'bjensen' });
    const probe = new Database(filename, { readonly: true });
    try {
      expect(probe.prepare('SELECT COUNT(*) AS applied FROM schema_migrations').get()).toEqual({ applied: sqliteMigrations.length });
    } finally {
      probe.close();
    }
  });

  it('runs transactions one after the other, even when their callbacks await', async () => {
    const events: string[] = [];
    const first = store.transaction(async (writer) => {
      events.push('first begins');
      await insertUser(writer, 'u1', 'first');
      await delay(20);
      events.push('first ends');
    });
    const second = store.transaction(async (writer) => {
      events.push('second begins');
      expect(await writer.getResource(TENANT, 'User', 'u1')).toBeDefined();
      await insertUser(writer, 'u2', 'second');
      events.push('second ends');
    });
    await Promise.all([first, second]);
    expect(events).toEqual(['first begins', 'first ends', 'second begins', 'second ends']);
  });

  it('lets concurrent read-modify-write transactions all succeed in turn', async () => {
    await store.transaction((writer) => insertUser(writer, 'u1', 'counter'));
    await Promise.all(
      Array.from({ length: 20 }, (_, index) =>
        store.transaction(async (writer) => {
          const current = await writer.getResource(TENANT, 'User', 'u1');
          await delay(index % 3);
          return writer.updateResource({
            tenantId: TENANT,
            resourceType: 'User',
            id: 'u1',
            attributes: { userName: 'counter', nickName: String(index) },
            passwordHash: undefined,
            expectedVersion: current?.version ?? 0,
            now: NOW,
          });
        }),
      ),
    );
    expect((await store.reader.getResource(TENANT, 'User', 'u1'))?.version).toBe(21);
  });

  it('keeps uncommitted writes from the reader connection while a transaction awaits', async () => {
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let inserted: () => void = () => undefined;
    const written = new Promise<void>((resolve) => {
      inserted = resolve;
    });
    const transaction = store.transaction(async (writer) => {
      await insertUser(writer, 'u1', 'pending');
      inserted();
      await held;
    });
    await written;
    expect(await store.reader.getResource(TENANT, 'User', 'u1')).toBeUndefined();
    release();
    await transaction;
    expect(await store.reader.getResource(TENANT, 'User', 'u1')).toBeDefined();
  });

  it('orders token writes after a running transaction, and lets a transaction make them itself', async () => {
    await store.tenants.insertToken({ id: 't1', tenantId: TENANT, name: 'token', prefix: 'scim_', hash: 'hash-1', createdAt: NOW, expiresAt: undefined });
    const events: string[] = [];
    const transaction = store.transaction(async (writer) => {
      await insertUser(writer, 'u1', 'bjensen');
      await delay(20);
      events.push('transaction ends');
    });
    const used = store.tenants.markTokenUsed('t1', '2024-01-02T00:00:00.000Z').then(() => events.push('token marked'));
    await Promise.all([transaction, used]);
    expect(events).toEqual(['transaction ends', 'token marked']);
    await store.transaction(async () => {
      await store.tenants.revokeToken(TENANT, 't1', NOW);
    });
    expect((await store.tenants.findTokenByHash('hash-1'))?.revokedAt).toBe(NOW);
  });

  it('refuses a nested transaction instead of waiting for itself forever', async () => {
    await expect(store.transaction(() => store.transaction(async () => 'never'))).rejects.toBeInstanceOf(TypeError);
  });

  it('refuses a writer used after its transaction ended', async () => {
    const leaked = await store.transaction(async (writer) => writer);
    await expect(insertUser(leaked, 'u1', 'late')).rejects.toBeInstanceOf(TypeError);
    await expect(leaked.getResource(TENANT, 'User', 'u1')).rejects.toBeInstanceOf(TypeError);
  });

  it('reports contract violations by the caller as TypeErrors, and changes nothing', async () => {
    const attempts: ((writer: StoreWriter) => Promise<unknown>)[] = [
      (writer) => writer.insertResource({ tenantId: 'no-such-tenant', resourceType: 'User', id: 'u1', attributes: { userName: 'x' }, passwordHash: undefined, now: NOW }),
      (writer) => writer.insertResource({ tenantId: TENANT, resourceType: 'User', id: 'u1', attributes: { displayName: 'no userName' }, passwordHash: undefined, now: NOW }),
      (writer) => writer.insertResource({ tenantId: TENANT, resourceType: 'User', id: 'u1', attributes: { userName: 'x', password: 'secret' }, passwordHash: undefined, now: NOW }),
      (writer) => writer.insertResource({ tenantId: TENANT, resourceType: 'Group', id: 'g1', attributes: { displayName: 'x', members: [] }, passwordHash: undefined, now: NOW }),
      (writer) => writer.insertResource({ tenantId: TENANT, resourceType: 'User', id: 'u1', attributes: { userName: 'x' }, passwordHash: undefined, now: 'yesterday' }),
      (writer) => writer.addMembers(TENANT, 'no-such-group', [{ value: 'u1', type: 'User' }]),
    ];
    for (const attempt of attempts) await expect(store.transaction(attempt)).rejects.toBeInstanceOf(TypeError);
    await store.transaction((writer) => insertUser(writer, 'u1', 'bjensen'));
    await expect(store.transaction((writer) => insertUser(writer, 'u1', 'someone-else'))).rejects.toBeInstanceOf(TypeError);
    const all = await store.reader.listResources(TENANT, 'User', { schemas: registry.forResourceType('User'), filter: undefined, sort: undefined, startIndex: 1, count: 10 });
    expect(all.resources.map((resource) => resource.attributes['userName'])).toEqual(['bjensen']);
  });

  it('waits for the running transaction before closing, then refuses work', async () => {
    const transaction = store.transaction(async (writer) => {
      await delay(20);
      await insertUser(writer, 'u1', 'bjensen');
    });
    await store.close();
    await transaction;
    await expect(store.transaction(async () => undefined)).rejects.toBeInstanceOf(TypeError);
    await expect(store.ping()).rejects.toBeInstanceOf(TypeError);
    await expect(store.reader.getResource(TENANT, 'User', 'u1')).rejects.toBeInstanceOf(TypeError);
    store = await openSqliteStore({ filename, registry });
    expect(await store.reader.getResource(TENANT, 'User', 'u1')).toBeDefined();
  });
});
