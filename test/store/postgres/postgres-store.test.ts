/** What the PostgreSQL adapter adds to the store contract: its pool, its transaction discipline, and text PostgreSQL cannot hold. */
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestSchema, dropTestSchema, postgresAvailableFor, postgresTestUrl } from '../../store-contract/postgres-support.js';
import { ScimError } from '../../../src/core/errors/scim-error.js';
import { parseFilter } from '../../../src/core/filter/parser.js';
import { createDefaultRegistry } from '../../../src/core/schema/registry.js';
import { sql } from '../../../src/store/sql/fragment.js';
import type { StoreWriter } from '../../../src/store/store.js';
import { StoreUnavailableError } from '../../../src/store/store-unavailable.js';
import { openPostgresStore, type PostgresStore } from '../../../src/store/postgres/index.js';
import { createPool } from '../../../src/store/postgres/pool.js';
import { isConnectionLoss, translateConnectionError } from '../../../src/store/postgres/postgres-errors.js';

const registry = createDefaultRegistry();
const TENANT = 'acme';
const NOW = '2024-01-01T00:00:00.000Z';
const ISO_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

function insertUser(writer: StoreWriter, id: string, userName: string, extra: Record<string, unknown> = {}) {
  return writer.insertResource({ tenantId: TENANT, resourceType: 'User', id, attributes: { userName, ...extra }, passwordHash: undefined, now: NOW });
}

function delay(milliseconds: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, milliseconds));
}

const available = await postgresAvailableFor('the PostgreSQL store tests');

describe.skipIf(!available)('PostgreSQL connection pool', () => {
  let schema: string;

  beforeEach(async () => {
    schema = await createTestSchema();
  });

  afterEach(async () => {
    await dropTestSchema(schema);
  });

  it('gives every connection the schema as search_path, the statement timeout and the application name', async () => {
    const pool = createPool({ url: postgresTestUrl(), schema, poolSize: 2, statementTimeoutMs: 1_234 });
    try {
      const { rows } = await pool.query<Record<string, string>>(
        "SELECT current_setting('search_path') AS search_path, current_setting('statement_timeout') AS statement_timeout, current_setting('application_name') AS application_name, current_schema() AS current_schema",
      );
      // search_path holds the quoted identifier.
      expect(rows[0]).toEqual({ search_path: `"${schema}"`, statement_timeout: '1234ms', application_name: 'scimitar', current_schema: schema });
    } finally {
      await pool.end();
    }
  });

  it("keeps the connection string's own startup options alongside search_path", async () => {
    const url = new URL(postgresTestUrl());
    url.searchParams.set('options', '-c work_mem=8MB');
    const pool = createPool({ url: url.toString(), schema, poolSize: 1, statementTimeoutMs: 5_000 });
    try {
      const { rows } = await pool.query<Record<string, string>>("SELECT current_setting('work_mem') AS work_mem, current_schema() AS current_schema");
      expect(rows[0]).toEqual({ work_mem: '8MB', current_schema: schema });
    } finally {
      await pool.end();
    }
  });

  it('cancels a statement that runs longer than the timeout', async () => {
    const pool = createPool({ url: postgresTestUrl(), schema, poolSize: 1, statementTimeoutMs: 100 });
    try {
      await expect(pool.query('SELECT pg_sleep(2)')).rejects.toMatchObject({ code: '57014' });
    } finally {
      await pool.end();
    }
  });

  it('refuses settings it cannot use, before connecting', () => {
    const settings = { url: postgresTestUrl(), schema, poolSize: 1, statementTimeoutMs: 1_000 };
    expect(() => createPool({ ...settings, schema: '' })).toThrow(TypeError);
    expect(() => createPool({ ...settings, schema: 'x'.repeat(64) })).toThrow(TypeError);
    expect(() => createPool({ ...settings, poolSize: 0 })).toThrow(TypeError);
    expect(() => createPool({ ...settings, statementTimeoutMs: 0 })).toThrow(TypeError);
    expect(() => createPool({ ...settings, url: 'not a url' })).toThrow(/not valid/);
  });
});

describe.skipIf(!available)('PostgreSQL store', () => {
  let schema: string;
  let store: PostgresStore;

  beforeEach(async () => {
    schema = await createTestSchema();
    store = await openPostgresStore({ url: postgresTestUrl(), registry, schema, poolSize: 3 });
    await store.tenants.ensureTenant(TENANT, 'Acme', NOW);
  });

  afterEach(async () => {
    await store.close();
    await dropTestSchema(schema);
  });

  it('says what it is: the postgres dialect, its schema, and ICU case folding on a server built with ICU', () => {
    expect(store.dialect).toBe('postgres');
    expect(store.schema).toBe(schema);
    expect(store.caseFolding).toBe('icu');
  });

  it('folds non-ASCII case like JavaScript on JSON attributes (ICU), where lower() under the C.UTF-8 ctype does not', async () => {
    await store.transaction(async (writer) => {
      await insertUser(writer, 'u1', 'istanbul', { title: 'İSTANBUL' });
      await insertUser(writer, 'u2', 'odysseus', { title: 'ΟΔΥΣΣΕΥΣ' });
    });
    const ids = async (filter: string) =>
      (await store.reader.listResources(TENANT, 'User', { schemas: registry.forResourceType('User'), filter: parseFilter(filter), sort: undefined, startIndex: 1, count: 10 })).resources.map((resource) => resource.id);
    expect(await ids(`title eq "${'İSTANBUL'.toLowerCase()}"`)).toEqual(['u1']);
    expect(await ids(`title eq "${'ΟΔΥΣΣΕΥΣ'.toLowerCase()}"`)).toEqual(['u2']);
    expect(await ids('title ew "ς"')).toEqual(['u2']);
    expect(await ids('title eq "istanbul"')).toEqual([]);
  });

  it('returns timestamps as the canonical ISO text, versions and counts as numbers', async () => {
    const inserted = await store.transaction((writer) => writer.insertResource({ tenantId: TENANT, resourceType: 'User', id: 'u1', attributes: { userName: 'x' }, passwordHash: undefined, now: '2024-01-01T01:00:00+01:00' }));
    expect(inserted.created).toBe('2024-01-01T00:00:00.000Z');
    const read = await store.reader.getResource(TENANT, 'User', 'u1');
    expect(read?.created).toMatch(ISO_TIMESTAMP);
    expect(read?.lastModified).toBe('2024-01-01T00:00:00.000Z');
    expect(typeof read?.version).toBe('number');
    const counted = await store.reader.listResources(TENANT, 'User', { schemas: registry.forResourceType('User'), filter: undefined, sort: undefined, startIndex: 1, count: 0 });
    expect(counted).toEqual({ totalResults: 1, resources: [] });
    expect(await store.tenants.countResources(TENANT)).toEqual({ users: 1, groups: 0 });
    expect((await store.tenants.getTenant(TENANT))?.createdAt).toBe(NOW);
  });

  it('keeps uncommitted writes from store.reader while a transaction awaits', async () => {
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

  it('runs tenant and token writes made inside a transaction in it, so they roll back with it', async () => {
    await store.tenants.insertToken({ id: 't1', tenantId: TENANT, name: 'token', prefix: 'scim_', hash: 'hash-1', createdAt: NOW, expiresAt: undefined });
    const failure = new Error('give up');
    await expect(
      store.transaction(async () => {
        expect(await store.tenants.revokeToken(TENANT, 't1', NOW)).toBe(true);
        await store.tenants.ensureTenant('globex', 'Globex', NOW);
        throw failure;
      }),
    ).rejects.toBe(failure);
    expect((await store.tenants.findTokenByHash('hash-1'))?.revokedAt).toBeUndefined();
    expect(await store.tenants.getTenant('globex')).toBeUndefined();
    await store.transaction(async () => {
      await store.tenants.revokeToken(TENANT, 't1', NOW);
    });
    expect((await store.tenants.findTokenByHash('hash-1'))?.revokedAt).toBe(NOW);
  });

  it('refuses a nested transaction instead of waiting for itself', async () => {
    await expect(store.transaction(() => store.transaction(async () => 'never'))).rejects.toBeInstanceOf(TypeError);
  });

  it('refuses a writer used after its transaction ended', async () => {
    const leaked = await store.transaction(async (writer) => writer);
    await expect(insertUser(leaked, 'u1', 'late')).rejects.toBeInstanceOf(TypeError);
    await expect(leaked.getResource(TENANT, 'User', 'u1')).rejects.toBeInstanceOf(TypeError);
  });

  it('after a failed statement, refuses further statements in that transaction, and never commits it', async () => {
    await store.transaction((writer) => insertUser(writer, 'u1', 'bjensen'));
    let afterwards: unknown;
    const outcome = store.transaction(async (writer) => {
      await insertUser(writer, 'u2', 'jsmith');
      const taken = await insertUser(writer, 'u3', 'BJENSEN').catch((error: unknown) => error);
      expect(taken).toBeInstanceOf(ScimError);
      afterwards = await writer.getResource(TENANT, 'User', 'u2').catch((error: unknown) => error);
      // The callback swallowed both errors and returns normally.
      return 'done';
    });
    await expect(outcome).rejects.toMatchObject({ status: 409, scimType: 'uniqueness' });
    expect(afterwards).toBeInstanceOf(TypeError);
    expect(await store.reader.getResource(TENANT, 'User', 'u2')).toBeUndefined();
  });

  it('reports contract violations by the caller as TypeErrors, and changes nothing', async () => {
    const attempts: ((writer: StoreWriter) => Promise<unknown>)[] = [
      (writer) => writer.insertResource({ tenantId: 'no-such-tenant', resourceType: 'User', id: 'u1', attributes: { userName: 'x' }, passwordHash: undefined, now: NOW }),
      (writer) => writer.insertResource({ tenantId: TENANT, resourceType: 'User', id: 'u1', attributes: { displayName: 'no userName' }, passwordHash: undefined, now: NOW }),
      (writer) => writer.insertResource({ tenantId: TENANT, resourceType: 'User', id: 'u1', attributes: { userName: 'x', password: 'secret' }, passwordHash: undefined, now: NOW }),
      (writer) => writer.insertResource({ tenantId: TENANT, resourceType: 'Group', id: 'g1', attributes: { displayName: 'x', members: [] }, passwordHash: undefined, now: NOW }),
      (writer) => writer.insertResource({ tenantId: TENANT, resourceType: 'User', id: 'u1', attributes: { userName: 'x' }, passwordHash: undefined, now: 'yesterday' }),
      (writer) => writer.addMembers(TENANT, 'no-such-group', [{ value: 'u1', type: 'User' }]),
      (writer) => writer.insertResource({ tenantId: TENANT, resourceType: 'User', id: 'u\u0000', attributes: { userName: 'x' }, passwordHash: undefined, now: NOW }),
    ];
    for (const attempt of attempts) await expect(store.transaction(attempt)).rejects.toBeInstanceOf(TypeError);
    await store.transaction((writer) => insertUser(writer, 'u1', 'bjensen'));
    await expect(store.transaction((writer) => insertUser(writer, 'u1', 'someone-else'))).rejects.toBeInstanceOf(TypeError);
    await expect(store.tenants.insertToken({ id: 't1', tenantId: 'no-such-tenant', name: 'x', prefix: 'x', hash: 'h', createdAt: NOW, expiresAt: undefined })).rejects.toBeInstanceOf(
      TypeError,
    );
    const all = await store.reader.listResources(TENANT, 'User', { schemas: registry.forResourceType('User'), filter: undefined, sort: undefined, startIndex: 1, count: 10 });
    expect(all.resources.map((resource) => resource.attributes['userName'])).toEqual(['bjensen']);
  });

  it('answers 400 invalidValue for attributes holding U+0000, which PostgreSQL cannot store, and stores nothing', async () => {
    const attempts = [
      { userName: 'nul\u0000byte' },
      { userName: 'x', name: { familyName: 'a\u0000' } },
      { userName: 'x', emails: [{ value: 'a@example.com' }, { value: 'b\u0000@example.com' }] },
      { userName: 'x', 'key\u0000': 'value' },
    ];
    for (const attributes of attempts) {
      const error = await store.transaction((writer) => writer.insertResource({ tenantId: TENANT, resourceType: 'User', id: 'u1', attributes, passwordHash: undefined, now: NOW })).catch((caught: unknown) => caught);
      expect(error, JSON.stringify(attributes)).toBeInstanceOf(ScimError);
      expect((error as ScimError).scimType).toBe('invalidValue');
    }
    await store.transaction((writer) => insertUser(writer, 'u1', 'bjensen'));
    const update = await store
      .transaction((writer) =>
        writer.updateResource({ tenantId: TENANT, resourceType: 'User', id: 'u1', attributes: { userName: 'bjensen', title: '\u0000' }, passwordHash: undefined, expectedVersion: 1, now: NOW }),
      )
      .catch((caught: unknown) => caught);
    expect((update as ScimError).scimType).toBe('invalidValue');
    expect((await store.reader.getResource(TENANT, 'User', 'u1'))?.version).toBe(1);
  });

  it('treats ids holding U+0000 as ids of nothing: not found, never a database error', async () => {
    await store.transaction((writer) => insertUser(writer, 'u1', 'bjensen'));
    const nul = 'u1\u0000';
    expect(await store.reader.getResource(TENANT, 'User', nul)).toBeUndefined();
    expect(await store.reader.listMembers(TENANT, nul)).toEqual([]);
    expect(await store.reader.listMemberships(nul, 'u1')).toEqual([]);
    expect([...(await store.reader.findResourceTypes(TENANT, [nul, 'u1'])).keys()]).toEqual(['u1']);
    expect(await store.reader.listResources(nul, 'User', { schemas: registry.forResourceType('User'), filter: parseFilter('userName eq "bjensen"'), sort: undefined, startIndex: 1, count: 10 })).toEqual({ totalResults: 0, resources: [] });
    const missing = await store.transaction((writer) => writer.touchResource(TENANT, 'User', nul, 1, NOW)).catch((caught: unknown) => caught);
    expect((missing as ScimError).status).toBe(404);
    expect(await store.transaction((writer) => writer.deleteResource(TENANT, 'User', nul, NOW))).toBeUndefined();
    expect(await store.transaction((writer) => writer.removeMembers(TENANT, 'g1', [nul]))).toEqual([]);
    expect(await store.transaction((writer) => writer.getPasswordHash(TENANT, nul))).toBeUndefined();
    expect(await store.tenants.getTenant(nul)).toBeUndefined();
    expect(await store.tenants.findTokenByHash(nul)).toBeUndefined();
    expect(await store.tenants.revokeToken(TENANT, nul, NOW)).toBe(false);
  });

  it('waits for the running transaction before closing, then refuses work', async () => {
    const transaction = store.transaction(async (writer) => {
      await delay(50);
      await insertUser(writer, 'u1', 'bjensen');
    });
    await store.close();
    await transaction;
    await expect(store.transaction(async () => undefined)).rejects.toBeInstanceOf(TypeError);
    await expect(store.ping()).rejects.toBeInstanceOf(TypeError);
    await expect(store.reader.getResource(TENANT, 'User', 'u1')).rejects.toBeInstanceOf(TypeError);
    await expect(store.tenants.listTenants()).rejects.toBeInstanceOf(TypeError);
    store = await openPostgresStore({ url: postgresTestUrl(), registry, schema, poolSize: 1 });
    expect(await store.reader.getResource(TENANT, 'User', 'u1')).toBeDefined();
  });

  it('leaves no connection open when opening fails after connecting (here: a schema from a newer build)', async () => {
    await store.close();
    const admin = new pg.Client({ connectionString: postgresTestUrl(), options: `-c search_path=${schema}` });
    await admin.connect();
    try {
      await admin.query("INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'future', $1)", [NOW]);
      // The URL's application_name overrides the store's, which tells this store's connections apart from other tests'.
      const url = new URL(postgresTestUrl());
      const applicationName = `scimitar-failed-open-${process.pid}`;
      url.searchParams.set('application_name', applicationName);
      await expect(openPostgresStore({ url: url.toString(), registry, schema })).rejects.toBeInstanceOf(TypeError);
      const connections = async () =>
        Number((await admin.query<{ count: string }>('SELECT count(*) AS count FROM pg_stat_activity WHERE application_name = $1', [applicationName])).rows[0]?.count);
      // A backend leaves pg_stat_activity a moment after its client has disconnected.
      for (let attempt = 0; attempt < 50 && (await connections()) > 0; attempt += 1) await delay(20);
      expect(await connections()).toBe(0);
      await admin.query('DELETE FROM schema_migrations WHERE version = 999');
    } finally {
      await admin.end();
    }
    store = await openPostgresStore({ url: postgresTestUrl(), registry, schema, poolSize: 1 });
  });
});

describe.skipIf(!available)('PostgreSQL store when its connections are cut', () => {
  let schema: string;
  let store: PostgresStore;
  let admin: pg.Client;
  /** Tells this store's connections apart from every other test's in pg_stat_activity. */
  const applicationName = `scimitar-cut-${process.pid}-${Math.random().toString(36).slice(2)}`;

  beforeEach(async () => {
    schema = await createTestSchema();
    const url = new URL(postgresTestUrl());
    url.searchParams.set('application_name', applicationName);
    store = await openPostgresStore({ url: url.toString(), registry, schema, poolSize: 2 });
    await store.tenants.ensureTenant(TENANT, 'Acme', NOW);
    admin = new pg.Client({ connectionString: postgresTestUrl() });
    await admin.connect();
  });

  afterEach(async () => {
    await admin.end();
    await store.close();
    await dropTestSchema(schema);
  });

  /** What an administrator's pg_terminate_backend, a restart or a failover does to this store's connections (SQLSTATE 57P01 on each). */
  async function terminateConnections(): Promise<void> {
    await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1', [applicationName]);
  }

  it('fails a transaction whose connection is terminated with StoreUnavailableError, commits nothing of it, and serves the next one on a new connection', async () => {
    const cut = store.transaction(async (writer) => {
      await insertUser(writer, 'u1', 'cut@example.com');
      await terminateConnections();
      await insertUser(writer, 'u2', 'after-cut@example.com');
    });
    await expect(cut).rejects.toBeInstanceOf(StoreUnavailableError);
    // The checked-out connection's 'error' event was handled: the process (this test worker) is still here, and the pool reconnects.
    expect(await store.reader.getResource(TENANT, 'User', 'u1')).toBeUndefined();
    await store.transaction((writer) => insertUser(writer, 'u3', 'next@example.com'));
    expect(await store.reader.getResource(TENANT, 'User', 'u3')).toBeDefined();
  });

  it('counts a failed read by its SQLSTATE class (for metrics), and still answers with the database error', async () => {
    const before = store.sql.statementErrors().get('sqlstate_42') ?? 0;
    await expect(store.sql.committed.rows(sql`SELECT * FROM no_such_table`)).rejects.toMatchObject({ code: '42P01' });
    expect(store.sql.statementErrors().get('sqlstate_42')).toBe(before + 1);
  });

  it('opens a read snapshot that reports a lost connection as StoreUnavailableError', async () => {
    const snapshot = await store.sql.openSnapshot();
    try {
      await terminateConnections();
      await expect(snapshot.rows(sql`SELECT 1 AS one`)).rejects.toBeInstanceOf(StoreUnavailableError);
    } finally {
      await snapshot.close().catch(() => undefined);
    }
  });

  it('serves reads again after its idle connections were terminated', async () => {
    await store.reader.getResource(TENANT, 'User', 'none');
    await terminateConnections();
    // An idle connection that was cut is discarded; a read either gets a new one or reports the store unavailable, never a raw driver error.
    const first = await store.reader.getResource(TENANT, 'User', 'none').then(
      () => 'served',
      (error: unknown) => error,
    );
    if (first !== 'served') expect(first).toBeInstanceOf(StoreUnavailableError);
    expect(await store.reader.getResource(TENANT, 'User', 'none')).toBeUndefined();
  });
});

describe('PostgreSQL connection errors', () => {
  it('are told apart from statement errors: a lost connection makes the store unavailable, a bad statement does not', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    const terminated = new Error('Connection terminated unexpectedly');
    const shutdown = Object.assign(new pg.DatabaseError('terminating connection due to administrator command', 0, 'error'), { code: '57P01' });
    const starting = Object.assign(new pg.DatabaseError('the database system is starting up', 0, 'error'), { code: '57P03' });
    for (const error of [refused, terminated, shutdown, starting]) {
      expect(isConnectionLoss(error)).toBe(true);
      const translated = translateConnectionError(error);
      expect(translated).toBeInstanceOf(StoreUnavailableError);
      expect((translated as Error).cause).toBe(error);
    }
    const unique = Object.assign(new pg.DatabaseError('duplicate key value violates unique constraint', 0, 'error'), { code: '23505' });
    const syntax = Object.assign(new pg.DatabaseError('syntax error at or near "SELEC"', 0, 'error'), { code: '42601' });
    for (const error of [unique, syntax, new TypeError('a programming mistake')]) {
      expect(isConnectionLoss(error)).toBe(false);
      expect(translateConnectionError(error)).toBe(error);
    }
  });
});

describe.skipIf(!available)('PostgreSQL signal of credential changes', () => {
  let schema: string;
  let watching: PostgresStore;
  let changing: PostgresStore;
  const watchingName = `scimitar-watch-${process.pid}-${Math.random().toString(36).slice(2)}`;

  beforeEach(async () => {
    schema = await createTestSchema();
    // The URL's application_name names this store's connections (its listening one too), apart from every other test's.
    const url = new URL(postgresTestUrl());
    url.searchParams.set('application_name', watchingName);
    watching = await openPostgresStore({ url: url.toString(), registry, schema, poolSize: 1 });
    changing = await openPostgresStore({ url: postgresTestUrl(), registry, schema, poolSize: 1 });
    for (const tenant of [TENANT, 'doomed']) await changing.tenants.ensureTenant(tenant, tenant, NOW);
  });

  afterEach(async () => {
    await watching.close();
    await changing.close();
    await dropTestSchema(schema);
  });

  it("is live once open, and tells one store of another's token revocation, expiry change and tenant deletion at their commit", async () => {
    expect(watching.credentialChanges.live).toBe(true);
    const token = { id: 't1', tenantId: TENANT, name: 'okta', prefix: 'scim_abc', hash: 'h1', createdAt: NOW, expiresAt: undefined };
    await changing.tenants.insertToken(token);
    const signals = (change: () => Promise<unknown>) =>
      new Promise<void>((resolve) => {
        const unsubscribe = watching.credentialChanges.subscribe(() => {
          unsubscribe();
          resolve();
        });
        void change();
      });
    await signals(() => changing.tenants.expireToken(TENANT, 't1', '2030-01-01T00:00:00.000Z'));
    await signals(() => changing.tenants.revokeToken(TENANT, 't1', NOW));
    await signals(() => changing.tenants.deleteTenant('doomed'));
    // What the statements report is unchanged by the notice they carry.
    expect(await changing.tenants.revokeToken(TENANT, 'no-such-token', NOW)).toBe(false);
    expect(await changing.tenants.deleteTenant('doomed')).toBe(false);
  });

  it('turns not-live when its listening connection is cut, then listens again by itself', async () => {
    const admin = new pg.Client({ connectionString: postgresTestUrl() });
    await admin.connect();
    try {
      const changes: boolean[] = [];
      watching.credentialChanges.subscribe(() => changes.push(watching.credentialChanges.live));
      await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1', [watchingName]);
      await expect.poll(() => changes.includes(false), { timeout: 10_000 }).toBe(true);
      await expect.poll(() => watching.credentialChanges.live, { timeout: 10_000 }).toBe(true);
    } finally {
      await admin.end();
    }
  });
});
