import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { postgresAvailableFor, postgresTestUrl, dropTestSchema, uniqueSchemaName } from '../../store-contract/postgres-support.js';
import { createDefaultRegistry } from '../../../src/core/schema/registry.js';
import { migrateSqlite, sqliteMigrations } from '../../../src/store/sqlite/index.js';
import { migratePostgres, openPostgresStore, postgresMigrations } from '../../../src/store/postgres/index.js';

const LATEST_VERSION = Math.max(...postgresMigrations.map((migration) => migration.version));

const registry = createDefaultRegistry();

const available = await postgresAvailableFor('the PostgreSQL migration tests');

describe('PostgreSQL migration history', () => {
  // Numbers are handed out per change before the changes land, so a build may lack one in between for a while.
  it('lists versions in strictly ascending order', () => {
    const versions = postgresMigrations.map((migration) => migration.version);
    expect(versions).toEqual([...new Set(versions)].sort((a, b) => a - b));
  });

  it('has the versions and names of the SQLite history', () => {
    expect(postgresMigrations.map(({ version, name }) => ({ version, name }))).toEqual(sqliteMigrations.map(({ version, name }) => ({ version, name })));
  });
});

describe.skipIf(!available)('PostgreSQL migrations', () => {
  let schema: string;
  let client: pg.Client;

  beforeEach(async () => {
    // Not created: migrating creates the schema.
    schema = uniqueSchemaName();
    client = new pg.Client({ connectionString: postgresTestUrl(), options: `-c search_path=${schema}` });
    await client.connect();
  });

  afterEach(async () => {
    await client.end();
    await dropTestSchema(schema);
  });

  async function tables(): Promise<string[]> {
    const { rows } = await client.query<{ table_name: string }>(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = $1 AND table_type = 'BASE TABLE' ORDER BY table_name",
      [schema],
    );
    return rows.map((row) => row.table_name);
  }

  it('creates the schema, applies every migration once and records each', async () => {
    const history = postgresMigrations.map((migration) => migration.version);
    expect(await migratePostgres(client, schema)).toEqual(history);
    expect(await migratePostgres(client, schema)).toEqual([]);
    expect(await tables()).toEqual(['admin_keys', 'app_user_links', 'deleted_users', 'deletion_settings', 'event_sequences', 'events', 'group_members', 'groups', 'request_log', 'resource_counts', 'resources', 'role_mappings', 'role_settings', 'schema_migrations', 'setup_links', 'tenant_schema_changes', 'tenant_schema_extensions', 'tenant_schema_settings', 'tenants', 'tokens', 'user_emails', 'user_roles', 'users', 'webhook_attempts', 'webhook_deliveries', 'webhooks']);
    const { rows } = await client.query<{ version: number; name: string; applied_at: string }>('SELECT version, name, applied_at FROM schema_migrations ORDER BY version');
    expect(rows.map(({ version, name }) => ({ version, name }))).toEqual(postgresMigrations.map(({ version, name }) => ({ version, name })));
    expect(rows[0]?.applied_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
  });

  it('gives every table the columns and named indexes of the SQLite schema, with every text column COLLATE "C"', async () => {
    await migratePostgres(client, schema);
    const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'scimitar-'));
    const sqlite = new Database(path.join(directory, 'schema.db'));
    try {
      migrateSqlite(sqlite);
      const sqliteColumns = (
        sqlite.prepare("SELECT m.name AS table_name, c.name AS column_name FROM sqlite_schema AS m, pragma_table_info(m.name) AS c WHERE m.type = 'table' ORDER BY 1, 2").all() as {
          table_name: string;
          column_name: string;
        }[]
      ).map((row) => `${row.table_name}.${row.column_name}`);
      const sqliteIndexes = (sqlite.prepare("SELECT name FROM sqlite_schema WHERE type = 'index' AND name NOT LIKE 'sqlite_autoindex_%' ORDER BY name").all() as { name: string }[]).map(
        (row) => row.name,
      );
      const columns = await client.query<{ table_name: string; column_name: string; data_type: string; collation_name: string | null }>(
        'SELECT table_name, column_name, data_type, collation_name FROM information_schema.columns WHERE table_schema = $1 ORDER BY 1, 2',
        [schema],
      );
      expect(columns.rows.map((row) => `${row.table_name}.${row.column_name}`).sort()).toEqual([...sqliteColumns].sort());
      const textColumns = columns.rows.filter((row) => row.data_type === 'text' && row.table_name !== 'schema_migrations');
      expect(textColumns.filter((row) => row.collation_name !== 'C').map((row) => `${row.table_name}.${row.column_name}`)).toEqual([]);
      const indexes = await client.query<{ indexname: string }>(
        "SELECT indexname FROM pg_indexes WHERE schemaname = $1 AND indexname NOT LIKE '%\\_pkey' AND indexname NOT LIKE '%\\_key' ORDER BY indexname",
        [schema],
      );
      expect(indexes.rows.map((row) => row.indexname)).toEqual(sqliteIndexes);
    } finally {
      sqlite.close();
      fs.rmSync(directory, { recursive: true, force: true });
    }
  });

  it('applies later steps on top of earlier ones, and leaves nothing of a step that fails', async () => {
    await migratePostgres(client, schema);
    const latest = LATEST_VERSION;
    const next = { version: latest + 1, name: 'add-probe', up: 'CREATE TABLE probe (id text PRIMARY KEY);' };
    const broken = { version: latest + 2, name: 'broken', up: 'CREATE TABLE half_done (id text); CREATE TABLE oops (' };
    await expect(migratePostgres(client, schema, [...postgresMigrations, next, broken])).rejects.toThrow();
    expect((await tables()).filter((table) => table === 'probe' || table === 'half_done')).toEqual(['probe']);
    const { rows } = await client.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version');
    expect(rows.map((row) => row.version)).toEqual([...postgresMigrations.map((migration) => migration.version), latest + 1]);
  });

  it('refuses a database migrated by a newer build, in migratePostgres and in openPostgresStore', async () => {
    await migratePostgres(client, schema, [...postgresMigrations, { version: LATEST_VERSION + 1, name: 'future', up: 'CREATE TABLE future (id text);' }]);
    await expect(migratePostgres(client, schema)).rejects.toBeInstanceOf(TypeError);
    await expect(openPostgresStore({ url: postgresTestUrl(), registry, schema })).rejects.toBeInstanceOf(TypeError);
  });

  it('five instances starting at once on a new schema all open, and each migration is applied exactly once', async () => {
    const stores = await Promise.all(Array.from({ length: 5 }, () => openPostgresStore({ url: postgresTestUrl(), registry, schema, poolSize: 2 })));
    try {
      const applied = stores.flatMap((store) => store.migrations.applied);
      expect([...applied].sort((a, b) => a - b)).toEqual(postgresMigrations.map((migration) => migration.version));
      for (const store of stores) expect(store.migrations.version).toBe(LATEST_VERSION);
      const { rows } = await client.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version');
      expect(rows.map((row) => row.version)).toEqual(postgresMigrations.map((migration) => migration.version));
      await Promise.all(stores.map((store) => store.ping()));
    } finally {
      await Promise.all(stores.map((store) => store.close()));
    }
  });

  it('applies nothing when an up-to-date schema is opened again', async () => {
    const opened = await openPostgresStore({ url: postgresTestUrl(), registry, schema, poolSize: 1 });
    await opened.close();
    const reopened = await openPostgresStore({ url: postgresTestUrl(), registry, schema, poolSize: 1 });
    try {
      expect(opened.migrations).toEqual({ applied: postgresMigrations.map((migration) => migration.version), version: LATEST_VERSION });
      expect(reopened.migrations).toEqual({ applied: [], version: LATEST_VERSION });
    } finally {
      await reopened.close();
    }
  });
});
