/**
 * `scimitar seed` run as the real command (node --import tsx
 * src/cli/main.ts) against a fresh database of the suite's store, then
 * counted straight in the tables.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testStoreKind } from '../helpers/build.js';
import { createTestDatabase } from '../store-contract/mariadb-support.js';

const REPOSITORY = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const run = promisify(execFile);

interface SeedDatabase {
  readonly url: string;
  /** Rows per table for the default tenant. */
  count(table: 'users' | 'groups' | 'group_members' | 'user_emails'): Promise<number>;
  drop(): Promise<void>;
}

function sqliteDatabase(): SeedDatabase {
  const directory = mkdtempSync(path.join(tmpdir(), 'scimitar-seed-'));
  const filename = path.join(directory, 'scimitar.db');
  return {
    url: `sqlite:${filename}`,
    async count(table) {
      const database = new Database(filename, { readonly: true, fileMustExist: true });
      try {
        return (database.prepare(`SELECT COUNT(*) AS n FROM ${table} WHERE tenant_id = 'default'`).get() as { n: number }).n;
      } finally {
        database.close();
      }
    },
    async drop() {
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

async function postgresDatabase(): Promise<SeedDatabase> {
  const adminUrl = process.env['SCIMITAR_TEST_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
  const name = `scimitar_seed_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`).finally(() => admin.end());
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async count(table) {
      const client = new pg.Client({ connectionString: url.toString() });
      await client.connect();
      try {
        return Number((await client.query<{ n: string }>(`SELECT COUNT(*) AS n FROM ${table} WHERE tenant_id = 'default'`)).rows[0]?.n);
      } finally {
        await client.end();
      }
    },
    async drop() {
      const dropper = new pg.Client({ connectionString: adminUrl });
      await dropper.connect();
      await dropper.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).finally(() => dropper.end());
    },
  };
}

/** A fresh MariaDB database, counted through mysql2 ("groups" quoted in ANSI_QUOTES mode). */
async function mariadbDatabase(): Promise<SeedDatabase> {
  const database = await createTestDatabase('scimitar_seed');
  return {
    url: database.url,
    async count(table) {
      const connection = await mysql.createConnection({ uri: database.url });
      try {
        await connection.query("SET SESSION sql_mode = CONCAT(@@sql_mode, ',ANSI_QUOTES')");
        const [rows] = await connection.query(`SELECT COUNT(*) AS n FROM "${table}" WHERE tenant_id = 'default'`);
        return Number((rows as { n: unknown }[])[0]?.n);
      } finally {
        await connection.end();
      }
    },
    drop: () => database.drop(),
  };
}

/** The database of the suite's store. */
function seedDatabase(): SeedDatabase | Promise<SeedDatabase> {
  switch (testStoreKind()) {
    case 'postgres':
      return postgresDatabase();
    case 'mariadb':
      return mariadbDatabase();
    case 'sqlite':
      return sqliteDatabase();
  }
}

describe(`scimitar seed (${testStoreKind()})`, () => {
  let database: SeedDatabase;
  beforeAll(async () => {
    database = await seedDatabase();
  });
  afterAll(async () => {
    await database.drop();
  });

  const seed = (...args: string[]) =>
    run(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'seed', ...args], {
      cwd: REPOSITORY,
      env: { PATH: process.env['PATH'] ?? '', DATABASE_URL: database.url, SCIMITAR_SECRET: 'seed-test-secret-0123456789abcdef-0123456789' },
    });

  it('creates users, groups and memberships in large transactions; --json reports them', async () => {
    const { stdout } = await seed('--users', '3000', '--groups', '12', '--group-size', '250', '--json');
    const summary = JSON.parse(stdout) as Record<string, unknown>;
    expect(summary).toMatchObject({ tenant: 'default', users: 3000, groups: 12, memberships: 3000 });
    expect(await database.count('users')).toBe(3000);
    expect(await database.count('user_emails')).toBe(3000);
    expect(await database.count('groups')).toBe(12);
    expect(await database.count('group_members')).toBe(3000);
  }, 120_000);

  it('a second run adds to the first (userNames differ per run); human output by default', async () => {
    const { stdout } = await seed('--users', '500');
    expect(stdout).toMatch(/^Created 500 users, 0 groups and 0 memberships in tenant "default" in [\d.]+ s/);
    expect(await database.count('users')).toBe(3500);
  }, 120_000);

  it('refuses an unknown tenant and bad numbers', async () => {
    await expect(seed('--users', '1', '--tenant', 'nobody')).rejects.toMatchObject({ code: 1 });
    await expect(seed('--users', 'many')).rejects.toMatchObject({ code: 2 });
  }, 120_000);
});
