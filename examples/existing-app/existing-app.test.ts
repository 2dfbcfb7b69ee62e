/**
 * The existing app end to end: the Okta and Entra ID sequences of
 * test/interop provision it, its `users` table follows Scimitar's Users
 * exactly, its existing accounts are linked by its rule, sessions go in the
 * transaction that deactivates or deletes; and a process SIGKILLed in the
 * middle of provisioning leaves the two sides agreeing. Runs on every
 * database (the kill on SQLite, a file the test can reopen).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as delay } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AppTransaction } from '../../src/index.js';
import { build, SCIM, testStoreKind, type TestServer } from '../../test/helpers/build.js';
import { expectScimError, expectStatus, json, patchBody, userBody } from '../../test/http/support.js';
import { parseFixture } from '../../test/interop/replay/fixture.js';
import { replay } from '../../test/interop/replay/replay.js';
import { appTableNames, createAppTables } from './src/app-tables.js';
import { createExistingApp, type Framework } from './src/server.js';
import { writeThroughHooks } from './src/write-through.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const REPOSITORY = path.resolve(here, '../..');
const LINK_DOMAINS = ['acme.example'];
/** Where Scimitar shares the app's namespace (SQLite, MariaDB), its tables are `scim_users`, … beside the app's `users`. */
const SCIMITAR_TABLE_PREFIX = 'scim_';

interface AppUser {
  readonly id: string;
  readonly email: string;
  readonly display_name: string | null;
  readonly active: number;
}

async function appWrite<T>(server: TestServer, work: (tx: AppTransaction) => Promise<T>): Promise<T> {
  return server.scimitar.store.transaction((writer) => work(writer.appTransaction()));
}

async function appUsers(server: TestServer): Promise<AppUser[]> {
  const rows = await appWrite(server, (tx) => tx.all<AppUser>`SELECT id, email, display_name, active FROM ${tx.table(appTableNames(tx.database).users)} ORDER BY id`);
  return rows.map((row) => ({ ...row, active: Number(row.active) }));
}

async function sessionTokens(server: TestServer): Promise<string[]> {
  const rows = await appWrite(server, (tx) => tx.all<{ token: string }>`SELECT token FROM ${tx.table(appTableNames(tx.database).sessions)} ORDER BY token`);
  return rows.map((row) => row.token);
}

/** Every SCIM User has its app row, with the same email, display name and active flag; no provisioned app row is left without its User. */
async function expectProjectionExact(server: TestServer): Promise<void> {
  const list = json(await server.request({ method: 'GET', url: `${SCIM}/Users?count=1000` }));
  const scimUsers = (list['Resources'] ?? []) as Record<string, unknown>[];
  const links = await appWrite(server, (tx) => tx.all<{ user_id: string; app_user_id: string }>`SELECT user_id, app_user_id FROM ${tx.table(tx.database === 'postgres' ? 'scim.app_user_links' : `${SCIMITAR_TABLE_PREFIX}app_user_links`)}`);
  const linkOf = new Map(links.map((link) => [link.user_id, link.app_user_id]));
  const rows = new Map((await appUsers(server)).map((row) => [row.id, row]));
  for (const user of scimUsers) {
    const appUserId = linkOf.get(String(user['id']));
    expect(appUserId, `User ${String(user['userName'])} has an app row`).toBeDefined();
    expect(rows.get(appUserId!)).toEqual({
      id: appUserId,
      email: String(user['userName']).toLowerCase(),
      display_name: (user['displayName'] as string | undefined) ?? null,
      active: user['active'] === false ? 0 : 1,
    });
  }
  expect(links.length).toBe(scimUsers.length);
  // An app row without a link is one of the accounts the app had before, never a leftover of provisioning.
  const linked = new Set(links.map((link) => link.app_user_id));
  for (const row of rows.values()) if (!linked.has(row.id)) expect(row.id).toMatch(/^app-/);
}

async function buildExistingApp(): Promise<TestServer> {
  // On PostgreSQL Scimitar's tables go to a schema of their own and the app keeps `public`; elsewhere they share one namespace, Scimitar's tables under a prefix.
  const server = await build(testStoreKind() === 'postgres' ? { SCIMITAR_DB_SCHEMA: 'scim' } : { SCIMITAR_DB_TABLE_PREFIX: SCIMITAR_TABLE_PREFIX }, {
    hooks: writeThroughHooks({ linkDomains: LINK_DOMAINS }),
  });
  await appWrite(server, async (tx) => {
    const names = await createAppTables(tx);
    const users = tx.table(names.users);
    await tx.run`INSERT INTO ${users} (id, email, email_verified, display_name, active) VALUES (${'app-ada'}, ${'ada@acme.example'}, ${1}, ${'Ada'}, ${1})`;
    await tx.run`INSERT INTO ${users} (id, email, email_verified, display_name, active) VALUES (${'app-eve'}, ${'eve@elsewhere.example'}, ${1}, ${'Eve'}, ${1})`;
    await tx.run`INSERT INTO ${tx.table(names.sessions)} (token, user_id) VALUES (${'session-ada'}, ${'app-ada'})`;
  });
  return server;
}

function fixture(file: string) {
  return parseFixture(JSON.parse(readFileSync(path.join(REPOSITORY, 'test/interop', file), 'utf8')), file);
}

describe('the existing app, provisioned', () => {
  let server: TestServer;

  beforeEach(async () => {
    server = await buildExistingApp();
  });
  afterEach(async () => {
    await server.close();
  });

  for (const file of ['okta/user-lifecycle.json', 'entra-id/user-operations.json']) {
    it(`${file}: every step answers as the identity provider expects, and the app's users table follows exactly`, async () => {
      await replay(server, fixture(file), file, { basePath: SCIM, publicBase: 'https://scim.example.com/scim/v2' });
      await expectProjectionExact(server);
      // The accounts the identity provider never touched are as they were.
      expect((await appUsers(server)).filter((row) => row.id.startsWith('app-'))).toEqual([
        { id: 'app-ada', email: 'ada@acme.example', display_name: 'Ada', active: 1 },
        { id: 'app-eve', email: 'eve@elsewhere.example', display_name: 'Eve', active: 1 },
      ]);
    });
  }

  it('links a verified account of a linked domain: no second account, found by userName eq, deactivation revokes its sessions, deletion removes it', async () => {
    const created = expectStatus(await server.request({ method: 'POST', url: `${SCIM}/Users`, body: userBody('Ada@acme.example', { displayName: 'Ada Lovelace', active: true }) }), 201);
    expect((await appUsers(server)).map((row) => row.id)).toEqual(['app-ada', 'app-eve']);
    const found = json(await server.request({ method: 'GET', url: `${SCIM}/Users?filter=${encodeURIComponent('userName eq "ada@acme.example"')}` }));
    expect(found['totalResults']).toBe(1);
    await expectProjectionExact(server);
    expect(await sessionTokens(server)).toEqual(['session-ada']);
    expectStatus(await server.request({ method: 'PATCH', url: `${SCIM}/Users/${String(created['id'])}`, body: patchBody({ op: 'replace', path: 'active', value: false }) }), 200);
    expect(await sessionTokens(server)).toEqual([]);
    await expectProjectionExact(server);
    expectStatus(await server.request({ method: 'DELETE', url: `${SCIM}/Users/${String(created['id'])}` }), 204);
    expect((await appUsers(server)).map((row) => row.id)).toEqual(['app-eve']);
    await expectProjectionExact(server);
  });

  it('does not link an account outside the linked domains: the IdP gets 409 and nothing is written', async () => {
    const before = await appUsers(server);
    expectScimError(await server.request({ method: 'POST', url: `${SCIM}/Users`, body: userBody('eve@elsewhere.example') }), 409, 'uniqueness');
    expect(await appUsers(server)).toEqual(before);
    expect(json(await server.request({ method: 'GET', url: `${SCIM}/Users` }))['totalResults']).toBe(0);
  });
});

describe.runIf(testStoreKind() === 'sqlite').each(['express', 'fastify'] as const)('the existing app served by %s', (framework: Framework) => {
  let directory: string;

  beforeEach(() => {
    directory = mkdtempSync(path.join(tmpdir(), 'existing-app-'));
  });
  afterEach(() => {
    rmSync(directory, { recursive: true, force: true });
  });

  it('serves its own routes beside SCIM: a provisioned user signs in, and deactivation signs them out', async () => {
    const token = 'existing-app-token-0123456789abcdef';
    const existingApp = await createExistingApp(
      { DATABASE_URL: `sqlite:${path.join(directory, 'app.db')}`, SCIMITAR_DB_TABLE_PREFIX: SCIMITAR_TABLE_PREFIX, SCIMITAR_TOKEN: token, SCIMITAR_SECRET: 'existing-app-secret-0123456789abcdef-0123456789', SCIMITAR_LOG_LEVEL: 'silent' },
      { linkDomains: [], framework },
    );
    try {
      const origin = await existingApp.listen(0, '127.0.0.1');
      const scim = { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json' };
      const created = await fetch(`${origin}/scim/v2/Users`, { method: 'POST', headers: scim, body: JSON.stringify(userBody('grace@example.com', { active: true })) });
      expect(created.status).toBe(201);
      const { id } = (await created.json()) as { id: string };
      const login = await fetch(`${origin}/app/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'Grace@example.com' }) });
      const { token: session } = (await login.json()) as { token: string };
      expect(await (await fetch(`${origin}/app/me`, { headers: { authorization: `Bearer ${session}` } })).json()).toEqual({ id: `u-${id}`, email: 'grace@example.com' });
      const deactivated = await fetch(`${origin}/scim/v2/Users/${id}`, { method: 'PATCH', headers: scim, body: JSON.stringify(patchBody({ op: 'replace', path: 'active', value: false })) });
      expect(deactivated.status).toBe(200);
      expect((await fetch(`${origin}/app/me`, { headers: { authorization: `Bearer ${session}` } })).status).toBe(401);
      expect((await fetch(`${origin}/app/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"email":"grace@example.com"}' })).status).toBe(401);
    } finally {
      await existingApp.close();
    }
  });
});

describe.runIf(testStoreKind() === 'sqlite')('the existing app SIGKILLed mid-provisioning', () => {
  let directory: string;

  beforeEach(() => {
    directory = mkdtempSync(path.join(tmpdir(), 'existing-app-'));
  });
  afterEach(() => {
    rmSync(directory, { recursive: true, force: true });
  });

  it('leaves the app\'s users table and Scimitar\'s Users agreeing, whatever was under way', { timeout: 120_000 }, async () => {
    const token = 'existing-app-token-0123456789abcdef';
    const filename = path.join(directory, 'app.db');
    const child = spawn(process.execPath, ['--import', 'tsx', 'examples/existing-app/src/main.ts'], {
      cwd: REPOSITORY,
      env: {
        PATH: process.env['PATH'] ?? '',
        HOME: tmpdir(),
        DATABASE_URL: `sqlite:${filename}`,
        SCIMITAR_DB_TABLE_PREFIX: SCIMITAR_TABLE_PREFIX,
        SCIMITAR_TOKEN: token,
        SCIMITAR_SECRET: 'existing-app-secret-0123456789abcdef-0123456789',
        SCIMITAR_LOG_LEVEL: 'warn',
        PORT: '0',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    const origin = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`did not start:\n${output}`)), 30_000);
      child.stdout.on('data', () => {
        const match = /existing app \(express\) at (http:\/\/\S+) /.exec(output);
        if (match?.[1]) {
          clearTimeout(timer);
          resolve(match[1]);
        }
      });
      void exited.then(() => reject(new Error(`exited:\n${output}`)));
    });

    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json' };
    let killed = false;
    let changes = 0;
    // Each writer runs a joiner–mover–leaver life per user until the process dies under it.
    const writers = Array.from({ length: 6 }, async (_, writer) => {
      for (let index = 0; !killed; index += 1) {
        try {
          const created = await fetch(`${origin}/scim/v2/Users`, { method: 'POST', headers, body: JSON.stringify(userBody(`w${writer}-${index}@example.com`, { displayName: `W ${writer}`, active: true })) });
          if (created.status !== 201) continue;
          const id = String(((await created.json()) as { id: string }).id);
          const patch = (value: unknown) => fetch(`${origin}/scim/v2/Users/${id}`, { method: 'PATCH', headers, body: JSON.stringify(patchBody(value as Record<string, unknown>)) });
          await patch({ op: 'replace', path: 'displayName', value: `Moved ${writer}-${index}` });
          await patch({ op: 'replace', path: 'active', value: false });
          if (index % 2 === 0) await fetch(`${origin}/scim/v2/Users/${id}`, { method: 'DELETE', headers });
          changes += 1;
        } catch {
          // The connection dies with the process.
        }
      }
    });
    while (changes < 30) await delay(20);
    child.kill('SIGKILL');
    killed = true;
    await exited;
    await Promise.all(writers);

    const database = new Database(filename, { readonly: true, fileMustExist: true });
    try {
      const count = (statement: string) => (database.prepare(statement).get() as { n: number }).n;
      // Scimitar's tables carry the prefix; the app's `users` and `sessions` are its own.
      const scimUsers = count('SELECT COUNT(*) AS n FROM scim_users');
      expect(scimUsers).toBeGreaterThan(0);
      // Every User has its link and its app row, and every provisioned app row its User.
      expect(count('SELECT COUNT(*) AS n FROM scim_users s LEFT JOIN scim_app_user_links l ON l.tenant_id = s.tenant_id AND l.user_id = s.id WHERE l.user_id IS NULL')).toBe(0);
      expect(count('SELECT COUNT(*) AS n FROM scim_app_user_links l LEFT JOIN users a ON a.id = l.app_user_id WHERE a.id IS NULL')).toBe(0);
      expect(count('SELECT COUNT(*) AS n FROM users a LEFT JOIN scim_app_user_links l ON l.app_user_id = a.id WHERE l.user_id IS NULL')).toBe(0);
      // And they agree on every projected field.
      expect(
        count(`SELECT COUNT(*) AS n FROM scim_users s JOIN scim_app_user_links l ON l.tenant_id = s.tenant_id AND l.user_id = s.id JOIN users a ON a.id = l.app_user_id
               WHERE a.email <> s.user_name_ci OR COALESCE(a.display_name, '') <> COALESCE(s.display_name, '') OR a.active <> COALESCE(s.active, 1)`),
      ).toBe(0);
      // No session outlives its user's deactivation.
      expect(count('SELECT COUNT(*) AS n FROM sessions x JOIN users a ON a.id = x.user_id WHERE a.active = 0')).toBe(0);
    } finally {
      database.close();
    }
  });
});
