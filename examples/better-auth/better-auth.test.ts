/**
 * The better-auth app end to end: Scimitar's Users reach better-auth's
 * tables through the durable consumer — the Okta and Entra ID sequences of
 * test/interop, sign-in with better-auth's own HTTP API before and after
 * deactivation, reactivation, a group → role mapping as the app's role —
 * and a process SIGKILLed after Scimitar's commit but before the consumer
 * could write better-auth's tables loses nothing once restarted. Runs on
 * every store; better-auth's own database is of the same kind (SQLite when
 * Scimitar runs on MariaDB, which the example does not offer better-auth).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as delay } from 'node:timers/promises';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_TENANT_ID, type Scimitar } from '../../src/index.js';
import { build, SCIM, testStoreKind, type TestServer } from '../../test/helpers/build.js';
import { freshDatabase, type FreshDatabase } from '../../test/helpers/fresh-database.js';
import { groupBody, patchBody, userBody } from '../../test/http/support.js';
import { parseFixture } from '../../test/interop/replay/fixture.js';
import { replay } from '../../test/interop/replay/replay.js';
import { openAuthDatabase, type AuthDatabase } from './src/auth-database.js';
import { createAuth, migrateAuth, type Auth, type PasswordResetMail } from './src/auth.js';
import { AUTH_SYNC_EVENT_TYPES, startAuthSync } from './src/auth-sync.js';
import { createBetterAuthApp, type BetterAuthApp } from './src/server.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const REPOSITORY = path.resolve(here, '../..');
const AUTH_SECRET = 'better-auth-test-secret-0123456789-abcdef';
const SCIM_TOKEN = 'better-auth-app-token-0123456789abcdef';
const SCIMITAR_SECRET = 'better-auth-app-secret-0123456789abcdef-0123456789';

/** better-auth's database for this run: the store's kind, or SQLite beside MariaDB. */
function authDatabaseKind(): 'sqlite' | 'postgres' {
  return testStoreKind() === 'postgres' ? 'postgres' : 'sqlite';
}

/** The AUTH_DATABASE_URL of a fresh database (its SQLite file sits beside the factory's own). */
function authUrl(database: FreshDatabase): string {
  return database.kind === 'sqlite' ? `sqlite:${path.join(path.dirname(database.url.slice('sqlite:'.length)), 'better-auth.db')}` : database.url;
}

interface SyncedUser {
  readonly scimUserId: string | null;
  readonly email: string;
  readonly name: string;
  readonly active: boolean;
  readonly roles: readonly string[];
}

async function syncedUsers(auth: Auth): Promise<SyncedUser[]> {
  const rows = await (await auth.$context).adapter.findMany<SyncedUser>({ model: 'user', sortBy: { field: 'email', direction: 'asc' } });
  return rows.map(({ scimUserId, email, name, active, roles }) => ({ scimUserId, email, name, active, roles }));
}

/**
 * Waits until `check` passes: the consumer works after the SCIM answer, on
 * its own schedule. A wait, not a timing assertion — the deadline only
 * stops a test whose state never comes.
 */
async function eventually(check: () => Promise<void>, what: string, withinMs = 20_000): Promise<void> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    try {
      await check();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`${what} never happened`, { cause: error });
      await delay(25);
    }
  }
}

/** The sequence of the tenant's last event the consumer takes. */
async function lastUserEventSequence(scimitar: Scimitar): Promise<number> {
  const events = await scimitar.store.events.listEvents(DEFAULT_TENANT_ID, 0, 100_000);
  return Math.max(0, ...events.filter((event) => (AUTH_SYNC_EVENT_TYPES as readonly string[]).includes(event.type)).map((event) => event.sequence));
}

/** The newest sequence better-auth's tables reflect: on a user row, or remembered for a deleted user. */
async function appliedThrough(auth: Auth): Promise<number> {
  const { adapter } = await auth.$context;
  const users = await adapter.findMany<{ scimSequence: number | null; rolesSequence: number | null }>({ model: 'user' });
  const deletions = await adapter.findMany<{ sequence: number }>({ model: 'scimDeletedUser' });
  return Math.max(0, ...users.flatMap((user) => [user.scimSequence ?? 0, user.rolesSequence ?? 0]), ...deletions.map((deletion) => deletion.sequence));
}

/** Waits until the consumer has applied every User event committed so far. */
async function caughtUp(scimitar: Scimitar, auth: Auth): Promise<void> {
  const last = await lastUserEventSequence(scimitar);
  await eventually(async () => expect(await appliedThrough(auth)).toBeGreaterThanOrEqual(last), `better-auth caught up with sequence ${last}`);
}

function fixture(file: string) {
  return parseFixture(JSON.parse(readFileSync(path.join(REPOSITORY, 'test/interop', file), 'utf8')), file);
}

describe('the identity providers\' sequences, through the consumer into better-auth', () => {
  let server: TestServer;
  let authStore: FreshDatabase;
  let authDatabase: AuthDatabase;
  let auth: Auth;
  let stopSync: () => Promise<void>;

  beforeEach(async () => {
    server = await build();
    authStore = await freshDatabase(authDatabaseKind(), { prefix: 'better_auth_e2e' });
    authDatabase = openAuthDatabase(authUrl(authStore));
    auth = createAuth({ database: authDatabase, baseURL: 'http://app.example.test', secret: AUTH_SECRET, sendPasswordReset: async () => undefined });
    await migrateAuth(auth);
    const consumer = startAuthSync(server.scimitar, auth);
    stopSync = () => consumer.stop();
  });
  afterEach(async () => {
    await stopSync();
    await server.close();
    await authDatabase.close();
    await authStore.drop();
  });

  it('okta/user-lifecycle.json: every step answers as Okta expects, and better-auth ends with the user renamed and deactivated', async () => {
    await replay(server, fixture('okta/user-lifecycle.json'), 'okta', { basePath: SCIM, publicBase: 'https://scim.example.com/scim/v2' });
    await caughtUp(server.scimitar, auth);
    expect(await syncedUsers(auth)).toEqual([{ scimUserId: expect.any(String), email: 'test.user@okta.local', name: 'Another Excited User', active: false, roles: [] }]);
  });

  it('entra-id/user-operations.json: every step answers as Entra ID expects, and the deleted user is gone from better-auth for good', async () => {
    await replay(server, fixture('entra-id/user-operations.json'), 'entra', { basePath: SCIM, publicBase: 'https://scim.example.com/scim/v2' });
    await caughtUp(server.scimitar, auth);
    expect(await syncedUsers(auth)).toEqual([]);
    expect(await (await auth.$context).adapter.count({ model: 'scimDeletedUser' })).toBe(1);
  });
});

/** The databases of one app: Scimitar's and better-auth's, as the README sets them up, and the environment naming them. */
async function appDatabases(): Promise<{ readonly env: Record<string, string>; readonly authUrl: string; drop(): Promise<void> }> {
  const scimitarDatabase = await freshDatabase(testStoreKind(), { prefix: 'better_auth_app' });
  if (scimitarDatabase.kind === 'postgres') {
    // One PostgreSQL database: better-auth keeps `public`, Scimitar gets schema `scim`.
    return { env: { ...scimitarDatabase.env, SCIMITAR_DB_SCHEMA: 'scim', AUTH_DATABASE_URL: scimitarDatabase.url }, authUrl: scimitarDatabase.url, drop: () => scimitarDatabase.drop() };
  }
  const authFile = scimitarDatabase.kind === 'sqlite' ? scimitarDatabase : await freshDatabase('sqlite', { prefix: 'better_auth_app' });
  const url = authUrl(authFile);
  return {
    env: { ...scimitarDatabase.env, AUTH_DATABASE_URL: url },
    authUrl: url,
    async drop() {
      await scimitarDatabase.drop();
      if (authFile !== scimitarDatabase) await authFile.drop();
    },
  };
}

const APP_ENV = { SCIMITAR_TOKEN: SCIM_TOKEN, SCIMITAR_SECRET, BETTER_AUTH_SECRET: AUTH_SECRET };
const SCIM_HEADERS = { authorization: `Bearer ${SCIM_TOKEN}`, 'content-type': 'application/scim+json' };
const OKTA_USER = { ...userBody('grace@acme.example'), name: { givenName: 'Grace', familyName: 'Hopper' }, emails: [{ primary: true, value: 'grace@acme.example', type: 'work' }], active: true };

/** The app's HTTP API as a browser (or curl) uses it. */
function client(origin: string) {
  const post = (url: string, body: unknown, headers: Record<string, string> = { 'content-type': 'application/json' }) => fetch(`${origin}${url}`, { method: 'POST', headers, body: JSON.stringify(body) });
  return {
    scim: (method: string, url: string, body?: unknown) => fetch(`${origin}/scim/v2${url}`, { method, headers: SCIM_HEADERS, ...(body === undefined ? {} : { body: JSON.stringify(body) }) }),
    post,
    async signIn(email: string, password: string): Promise<{ status: number; cookie: string; code: unknown }> {
      const response = await post('/api/auth/sign-in/email', { email, password });
      const body = (await response.json()) as { code?: unknown };
      return { status: response.status, cookie: (response.headers.get('set-cookie') ?? '').split(';')[0] ?? '', code: body.code };
    },
    me: (cookie: string) => fetch(`${origin}/app/me`, { headers: { cookie } }),
    session: async (cookie: string) => (await fetch(`${origin}/api/auth/get-session`, { headers: { cookie } })).json(),
  };
}

describe('the app over a real socket: better-auth sign-in follows provisioning', () => {
  let databases: Awaited<ReturnType<typeof appDatabases>>;
  let app: BetterAuthApp;
  let mails: PasswordResetMail[];

  beforeEach(async () => {
    databases = await appDatabases();
    mails = [];
    app = await createBetterAuthApp({ ...databases.env, ...APP_ENV, SCIMITAR_LOG_LEVEL: 'silent' }, { baseURL: 'http://127.0.0.1', sendPasswordReset: async (mail) => void mails.push(mail) });
  });
  afterEach(async () => {
    await app.close();
    await databases.drop();
  });

  it('signs in a provisioned user with better-auth\'s API, shows their mapped role, refuses them (session and sign-in) when deactivated and lets them back when reactivated', async () => {
    const origin = await app.listen(0, '127.0.0.1');
    const http = client(origin);
    const created = await http.scim('POST', '/Users', OKTA_USER);
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    await caughtUp(app.scimitar, app.auth);

    // The user chooses a password through better-auth's reset: the one provisioning gave them is nobody's.
    expect((await http.post('/api/auth/request-password-reset', { email: 'grace@acme.example', redirectTo: '/' })).status).toBe(200);
    const mail = mails.find((sent) => sent.email === 'grace@acme.example');
    expect((await http.post('/api/auth/reset-password', { newPassword: 'compile the world', token: mail?.token })).status).toBe(200);
    const signedIn = await http.signIn('grace@acme.example', 'compile the world');
    expect(signedIn.status).toBe(200);
    expect(await (await http.me(signedIn.cookie)).json()).toEqual({ email: 'grace@acme.example', name: 'Grace Hopper', roles: [] });

    // Engineering members are editors: the mapping's user.roles_changed becomes the app's role.
    await app.scimitar.roles.addMapping({ tenantId: DEFAULT_TENANT_ID, baseUrl: `${origin}/scim/v2` }, { matchBy: 'displayName', matchValue: 'Engineering', role: 'editor' });
    expect((await http.scim('POST', '/Groups', groupBody('Engineering', [id]))).status).toBe(201);
    await caughtUp(app.scimitar, app.auth);
    expect(await (await http.me(signedIn.cookie)).json()).toEqual({ email: 'grace@acme.example', name: 'Grace Hopper', roles: ['editor'] });

    expect((await http.scim('PATCH', `/Users/${id}`, patchBody({ op: 'replace', value: { active: false } }))).status).toBe(200);
    await caughtUp(app.scimitar, app.auth);
    expect((await http.me(signedIn.cookie)).status).toBe(401);
    expect(await http.session(signedIn.cookie)).toBeNull();
    expect(await http.signIn('grace@acme.example', 'compile the world')).toMatchObject({ status: 403, code: 'ACCOUNT_DEACTIVATED' });

    expect((await http.scim('PATCH', `/Users/${id}`, patchBody({ op: 'replace', value: { active: true } }))).status).toBe(200);
    await caughtUp(app.scimitar, app.auth);
    const again = await http.signIn('grace@acme.example', 'compile the world');
    expect(again.status).toBe(200);
    expect(await (await http.me(again.cookie)).json()).toEqual({ email: 'grace@acme.example', name: 'Grace Hopper', roles: ['editor'] });
  });
});

/** The example's command, started as a person would (`npx tsx examples/better-auth/src/main.ts`). */
async function startAppProcess(env: Record<string, string>): Promise<{ readonly origin: string; readonly child: ChildProcess; readonly exited: Promise<void> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'examples/better-auth/src/main.ts'], {
    cwd: REPOSITORY,
    // A short handler timeout keeps the killed process's claim short, so the restarted one takes its events sooner.
    env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', ...env, ...APP_ENV, SCIMITAR_LOG_LEVEL: 'warn', SCIMITAR_WEBHOOK_TIMEOUT_MS: '5000', PORT: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const origin = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`did not start:\n${output}`)), 30_000);
    child.stdout!.on('data', () => {
      const match = /better-auth app at (http:\/\/\S+) /.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    void exited.then(() => reject(new Error(`exited:\n${output}`)));
  });
  return { origin, child, exited };
}

/**
 * Holds better-auth's database so that no write of the consumer can land:
 * an SQLite write transaction, or a PostgreSQL lock on its `user` table that
 * lets reads through. Returns the count of better-auth users as seen inside
 * the hold, and the release.
 */
async function holdAuthWrites(url: string): Promise<{ users(): Promise<number>; release(): Promise<void> }> {
  if (url.startsWith('sqlite:')) {
    const database = new Database(url.slice('sqlite:'.length), { timeout: 5000 });
    database.exec('BEGIN IMMEDIATE');
    return {
      users: async () => (database.prepare('SELECT COUNT(*) AS n FROM "user"').get() as { n: number }).n,
      release: async () => {
        database.exec('ROLLBACK');
        database.close();
      },
    };
  }
  const connection = new pg.Client({ connectionString: url });
  await connection.connect();
  await connection.query('BEGIN');
  await connection.query('LOCK TABLE "user" IN EXCLUSIVE MODE');
  return {
    users: async () => Number((await connection.query<{ n: string }>('SELECT COUNT(*) AS n FROM "user"')).rows[0]?.n),
    release: async () => {
      await connection.query('ROLLBACK');
      await connection.end();
    },
  };
}

describe('the app SIGKILLed after Scimitar committed and before better-auth was written', () => {
  let databases: Awaited<ReturnType<typeof appDatabases>>;
  let running: { readonly child: ChildProcess; readonly exited: Promise<void> } | undefined;

  beforeEach(async () => {
    databases = await appDatabases();
  });
  afterEach(async () => {
    running?.child.kill('SIGKILL');
    await running?.exited;
    await databases.drop();
  });

  it('loses nothing: restarted, the consumer catches up from its cursor and better-auth has the user as the identity provider left it', { timeout: 120_000 }, async () => {
    const first = await startAppProcess(databases.env);
    running = first;
    const hold = await holdAuthWrites(databases.authUrl);
    const http = client(first.origin);
    const created = await http.scim('POST', '/Users', OKTA_USER);
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    expect((await http.scim('PATCH', `/Users/${id}`, patchBody({ op: 'replace', path: 'displayName', value: 'Rear Admiral Hopper' }))).status).toBe(200);
    first.child.kill('SIGKILL');
    await first.exited;
    // Both changes committed in Scimitar; better-auth never saw them.
    expect(await hold.users()).toBe(0);
    await hold.release();

    const second = await startAppProcess(databases.env);
    running = second;
    const reader = openAuthDatabase(databases.authUrl);
    try {
      const auth = createAuth({ database: reader, baseURL: 'http://127.0.0.1', secret: AUTH_SECRET, sendPasswordReset: async () => undefined });
      // A call the killed process had under way is taken again once its claim expires (SCIMITAR_WEBHOOK_TIMEOUT_MS + 15 s).
      await eventually(
        async () => {
          expect(await syncedUsers(auth)).toEqual([{ scimUserId: id, email: 'grace@acme.example', name: 'Rear Admiral Hopper', active: true, roles: [] }]);
        },
        'the restarted consumer catching up',
        60_000,
      );
    } finally {
      await reader.close();
    }
    expect((await client(second.origin).scim('GET', `/Users/${id}`)).status).toBe(200);
  });
});
