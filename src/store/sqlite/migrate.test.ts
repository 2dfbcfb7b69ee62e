import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrateSqlite } from './migrate.js';
import { sqliteMigrations } from './migrations/index.js';

const LATEST_VERSION = Math.max(...sqliteMigrations.map((migration) => migration.version));

describe('SQLite migrations', () => {
  let directory: string;
  let db: Database.Database;

  beforeEach(() => {
    directory = fs.mkdtempSync(path.join(os.tmpdir(), 'scimitar-'));
    db = new Database(path.join(directory, 'migrate.db'));
  });

  afterEach(() => {
    db.close();
    fs.rmSync(directory, { recursive: true, force: true });
  });

  // Numbers are handed out per change before the changes land, so a build may lack one in between for a while.
  it('lists versions in strictly ascending order', () => {
    const versions = sqliteMigrations.map((migration) => migration.version);
    expect(versions).toEqual([...new Set(versions)].sort((a, b) => a - b));
  });

  it('applies every migration once, recording each', () => {
    const history = sqliteMigrations.map((migration) => migration.version);
    expect(migrateSqlite(db)).toEqual(history);
    expect(migrateSqlite(db)).toEqual([]);
    const tables = (db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name").all() as { name: string }[]).map((row) => row.name);
    expect(tables).toEqual(['admin_keys', 'app_user_links', 'deleted_users', 'deletion_settings', 'event_sequences', 'events', 'group_members', 'groups', 'oauth_client_secrets', 'oauth_clients', 'request_log', 'resource_counts', 'resources', 'role_mappings', 'role_settings', 'schema_migrations', 'setup_links', 'tenant_schema_changes', 'tenant_schema_extensions', 'tenant_schema_settings', 'tenants', 'tokens', 'user_emails', 'user_roles', 'users', 'webhook_attempts', 'webhook_deliveries', 'webhooks']);
    const recorded = db.prepare('SELECT version, name, applied_at FROM schema_migrations').all() as { version: number; name: string; applied_at: string }[];
    expect(recorded.map(({ version, name }) => ({ version, name }))).toEqual(sqliteMigrations.map(({ version, name }) => ({ version, name })));
    expect(Number.isNaN(Date.parse(recorded[0]?.applied_at ?? ''))).toBe(false);
  });

  it("version 16 drops the request log's occurred_at index, keeping its entries and the indexes that lead with the tenant", () => {
    migrateSqlite(db, sqliteMigrations.filter((migration) => migration.version < 16));
    db.prepare("INSERT INTO request_log (tenant_id, occurred_at, request_id, method, path, status, latency_ms) VALUES ('acme', '2024-01-01T00:00:00.000Z', 'r1', 'GET', '/scim/v2/Users', 200, 1.5)").run();
    const indexes = () => (db.prepare("SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'request_log' ORDER BY name").all() as { name: string }[]).map((row) => row.name);
    expect(indexes()).toContain('request_log_occurred_at');
    expect(migrateSqlite(db, sqliteMigrations.filter((migration) => migration.version <= 16))).toEqual([16]);
    expect(indexes()).toEqual(['request_log_failures', 'request_log_request_id', 'request_log_tenant', 'request_log_tenant_time']);
    expect(db.prepare('SELECT tenant_id, request_id FROM request_log').all()).toEqual([{ tenant_id: 'acme', request_id: 'r1' }]);
  });

  it('version 13 keeps the bearer tokens as they were, and an access token goes with the secret that issued it', () => {
    migrateSqlite(db, sqliteMigrations.filter((migration) => migration.version < 13));
    db.prepare("INSERT INTO tenants (id, name, created_at) VALUES ('acme', 'Acme', '2024-01-01T00:00:00.000Z')").run();
    db.prepare("INSERT INTO tokens (id, tenant_id, name, prefix, hash, created_at) VALUES ('t1', 'acme', 'idp', 'scim_abcdef', 'hmac-sha256:1', '2024-01-01T00:00:00.000Z')").run();
    expect(migrateSqlite(db, sqliteMigrations.filter((migration) => migration.version <= 13))).toEqual([13]);
    expect(db.prepare("SELECT id, oauth_secret_id FROM tokens").all()).toEqual([{ id: 't1', oauth_secret_id: null }]);
    db.prepare("INSERT INTO oauth_clients (client_id, tenant_id, name, created_at) VALUES ('scimc_1', 'acme', 'ping', '2024-01-01T00:00:00.000Z')").run();
    db.prepare("INSERT INTO oauth_client_secrets (id, client_id, prefix, hash, created_at) VALUES ('s1', 'scimc_1', 'scims_abcdef', 'hmac-sha256:2', '2024-01-01T00:00:00.000Z')").run();
    db.prepare("INSERT INTO tokens (id, tenant_id, name, prefix, hash, created_at, expires_at, oauth_secret_id) VALUES ('t2', 'acme', 'oauth', 'scima_abcdef', 'hmac-sha256:3', '2024-01-01T00:00:00.000Z', '2024-01-01T01:00:00.000Z', 's1')").run();
    db.prepare("DELETE FROM oauth_clients WHERE client_id = 'scimc_1'").run();
    expect(db.prepare('SELECT id FROM tokens').all()).toEqual([{ id: 't1' }]);
  });

  it('version 7 keeps the resource counts and lets them count a type without a table of its own', () => {
    migrateSqlite(db, sqliteMigrations.filter((migration) => migration.version < 7));
    db.prepare("INSERT INTO tenants (id, name, created_at) VALUES ('acme', 'Acme', '2024-01-01T00:00:00.000Z')").run();
    db.prepare("INSERT INTO resource_counts (tenant_id, resource_type, count) VALUES ('acme', 'User', 3)").run();
    expect(() => db.prepare("INSERT INTO resource_counts (tenant_id, resource_type, count) VALUES ('acme', 'Device', 1)").run()).toThrow(/CHECK/);
    expect(migrateSqlite(db, sqliteMigrations.filter((migration) => migration.version <= 7))).toEqual([7]);
    db.prepare("INSERT INTO resource_counts (tenant_id, resource_type, count) VALUES ('acme', 'Device', 1)").run();
    expect(db.prepare('SELECT resource_type, count FROM resource_counts ORDER BY resource_type').all()).toEqual([
      { resource_type: 'Device', count: 1 },
      { resource_type: 'User', count: 3 },
    ]);
    // Still removed with the tenant.
    db.pragma('foreign_keys = ON');
    db.prepare("DELETE FROM tenants WHERE id = 'acme'").run();
    expect(db.prepare('SELECT COUNT(*) AS rows FROM resource_counts').get()).toEqual({ rows: 0 });
  });

  it('applies later steps on top of earlier ones, and leaves nothing of a step that fails', () => {
    migrateSqlite(db);
    const latest = LATEST_VERSION;
    const next = { version: latest + 1, name: 'add-probe', up: 'CREATE TABLE probe (id TEXT PRIMARY KEY);' };
    const broken = { version: latest + 2, name: 'broken', up: 'CREATE TABLE half_done (id TEXT); CREATE TABLE oops (' };
    expect(() => migrateSqlite(db, [...sqliteMigrations, next, broken])).toThrow();
    const tables = (db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name IN ('probe', 'half_done')").all() as { name: string }[]).map((row) => row.name);
    expect(tables).toEqual(['probe']);
    expect((db.prepare('SELECT version FROM schema_migrations ORDER BY version').all() as { version: number }[]).map((row) => row.version)).toEqual([...sqliteMigrations.map((migration) => migration.version), latest + 1]);
  });

  it('refuses a database migrated by a newer build', () => {
    migrateSqlite(db, [...sqliteMigrations, { version: LATEST_VERSION + 1, name: 'future', up: 'CREATE TABLE future (id TEXT);' }]);
    expect(() => migrateSqlite(db)).toThrow(TypeError);
  });
});
