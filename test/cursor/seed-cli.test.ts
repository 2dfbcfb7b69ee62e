/**
 * `scimitar seed` run as the real command (node --import tsx
 * src/cli/main.ts) against a fresh database of the suite's store, then
 * counted straight in the tables.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testStoreKind } from '../helpers/build.js';
import { freshDatabase, type FreshDatabase } from '../helpers/fresh-database.js';

const REPOSITORY = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const run = promisify(execFile);

/** Rows of `table` in the default tenant ("groups" is double-quoted: a reserved word on MariaDB). */
async function countRows(database: FreshDatabase, table: 'users' | 'groups' | 'group_members' | 'user_emails'): Promise<number> {
  const [row] = await database.query(`SELECT COUNT(*) AS n FROM "${table}" WHERE tenant_id = 'default'`);
  return Number(row?.['n']);
}

describe(`scimitar seed (${testStoreKind()})`, () => {
  let database: FreshDatabase;
  beforeAll(async () => {
    database = await freshDatabase(testStoreKind(), { prefix: 'scimitar_seed' });
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
    expect(await countRows(database, 'users')).toBe(3000);
    expect(await countRows(database, 'user_emails')).toBe(3000);
    expect(await countRows(database, 'groups')).toBe(12);
    expect(await countRows(database, 'group_members')).toBe(3000);
  }, 120_000);

  it('a second run adds to the first (userNames differ per run); human output by default', async () => {
    const { stdout } = await seed('--users', '500');
    expect(stdout).toMatch(/^Created 500 users, 0 groups and 0 memberships in tenant "default" in [\d.]+ s/);
    expect(await countRows(database, 'users')).toBe(3500);
  }, 120_000);

  it('refuses an unknown tenant and bad numbers', async () => {
    await expect(seed('--users', '1', '--tenant', 'nobody')).rejects.toMatchObject({ code: 1 });
    await expect(seed('--users', 'many')).rejects.toMatchObject({ code: 2 });
  }, 120_000);
});
