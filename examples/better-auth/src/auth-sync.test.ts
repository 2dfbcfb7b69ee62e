/**
 * The sync handler on its own, fed event objects as the consumer hands them
 * over — duplicates, replays and stale events included — against a real
 * better-auth on SQLite and on PostgreSQL, with sign-in through
 * better-auth's own HTTP API.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EventData, EventType, ScimitarEvent } from '../../../src/index.js';
import { databaseAvailableFor, freshDatabase, type FreshDatabase } from '../../../test/helpers/fresh-database.js';
import { openAuthDatabase, type AuthDatabase } from './auth-database.js';
import { createAuth, migrateAuth, type Auth, type PasswordResetMail } from './auth.js';
import { applyUserEvent, UnsyncableUserError } from './auth-sync.js';

const BASE_URL = 'http://app.example.test';
const SCIM_ID = '2819c223-7f76-453a-919d-413861904646';

function userEvent(type: EventType, sequence: number, resource: Record<string, unknown>, extra: Partial<EventData> = {}): ScimitarEvent {
  return {
    id: `event-${sequence}`,
    type,
    timestamp: new Date(Date.UTC(2026, 0, 1, 0, 0, sequence)).toISOString(),
    tenant: 'default',
    sequence,
    resourceType: 'User',
    resourceId: SCIM_ID,
    externalId: null,
    data: { resource: { id: SCIM_ID, ...resource }, ...extra },
    requestId: null,
  };
}

const ada = { userName: 'Ada@Example.com', name: { givenName: 'Ada', familyName: 'Lovelace' }, active: true };

interface AuthUser {
  readonly id: string;
  readonly email: string;
  readonly name: string;
  readonly emailVerified: boolean;
  readonly active: boolean;
  readonly roles: string[];
}

async function authUsers(auth: Auth): Promise<AuthUser[]> {
  const context = await auth.$context;
  const rows = await context.adapter.findMany<AuthUser>({ model: 'user' });
  return rows.map(({ id, email, name, emailVerified, active, roles }) => ({ id, email, name, emailVerified, active, roles }));
}

async function sessionCount(auth: Auth): Promise<number> {
  return (await auth.$context).adapter.count({ model: 'session' });
}

/** better-auth's HTTP API, as a browser or curl calls it. */
function call(auth: Auth, path: string, body: unknown, cookie?: string): Promise<Response> {
  return auth.handler(
    new Request(`${BASE_URL}/api/auth${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { 'content-type': 'application/json', ...(cookie === undefined ? {} : { cookie }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    }),
  );
}

describe.each(['sqlite', 'postgres'] as const)('the better-auth sync on %s', async (kind) => {
  const available = await databaseAvailableFor(kind, 'the better-auth sync');
  let database: FreshDatabase;
  let authDatabase: AuthDatabase;
  let auth: Auth;
  let mails: PasswordResetMail[];

  /** Sets the user's password the way they would: better-auth's reset, from the message it sends. */
  async function choosePassword(email: string, password: string): Promise<void> {
    mails = [];
    expect((await call(auth, '/request-password-reset', { email, redirectTo: '/reset' })).status).toBe(200);
    const mail = mails.find((sent) => sent.email === email);
    expect(mail, `a reset message for ${email}`).toBeDefined();
    expect((await call(auth, '/reset-password', { newPassword: password, token: mail!.token })).status).toBe(200);
  }

  async function signIn(email: string, password: string): Promise<{ status: number; cookie: string; code: unknown }> {
    const response = await call(auth, '/sign-in/email', { email, password });
    const body = (await response.json()) as { code?: unknown };
    return { status: response.status, cookie: (response.headers.get('set-cookie') ?? '').split(';')[0] ?? '', code: body.code };
  }

  async function sessionUser(cookie: string): Promise<Record<string, unknown> | null> {
    const response = await call(auth, '/get-session', undefined, cookie);
    const body = (await response.json()) as { user?: Record<string, unknown> } | null;
    return body?.user ?? null;
  }

  beforeEach(async ({ skip }) => {
    if (!available) skip();
    database = await freshDatabase(kind, { prefix: 'better_auth_sync' });
    authDatabase = openAuthDatabase(database.url);
    mails = [];
    auth = createAuth({ database: authDatabase, baseURL: BASE_URL, secret: 'better-auth-test-secret-0123456789-abcdef', sendPasswordReset: async (mail) => void mails.push(mail) });
    await migrateAuth(auth);
  });
  afterEach(async () => {
    if (!available) return;
    await authDatabase.close();
    await database.drop();
  });

  it('makes a created User a better-auth user: email from userName, name from its parts, verified, with a password nobody knows', async () => {
    expect(await applyUserEvent(auth, userEvent('user.created', 1, ada))).toBe('created');
    expect(await authUsers(auth)).toEqual([{ id: expect.any(String), email: 'ada@example.com', name: 'Ada Lovelace', emailVerified: true, active: true, roles: [] }]);
    const accounts = await (await auth.$context).adapter.findMany<{ providerId: string; password: string | null }>({ model: 'account' });
    expect(accounts.map((account) => account.providerId)).toEqual(['credential']);
    expect(accounts[0]?.password).toMatch(/\S{32,}/);
    expect((await signIn('ada@example.com', 'password')).status).toBe(401);
    await choosePassword('ada@example.com', 'analytical engine');
    expect((await signIn('ada@example.com', 'analytical engine')).status).toBe(200);
  });

  it('takes the primary email when userName is not an address, and displayName before the name parts', async () => {
    const entra = { userName: 'Test_User_00aa00aa', displayName: 'Test User', emails: [{ type: 'other', value: 'other@contoso.com' }, { type: 'work', primary: true, value: 'Work@Contoso.com' }] };
    await applyUserEvent(auth, userEvent('user.created', 1, entra));
    expect((await authUsers(auth)).map(({ email, name }) => ({ email, name }))).toEqual([{ email: 'work@contoso.com', name: 'Test User' }]);
    // The directory renames the user to an address: that address is now the one to sign in with.
    await applyUserEvent(auth, userEvent('user.updated', 2, { ...entra, userName: 'renamed@contoso.com' }));
    expect((await authUsers(auth)).map(({ email }) => email)).toEqual(['renamed@contoso.com']);
  });

  it('applies a duplicate once: the same event handed over twice leaves one user as the first left it', async () => {
    await applyUserEvent(auth, userEvent('user.created', 1, ada));
    const first = await authUsers(auth);
    expect(await applyUserEvent(auth, userEvent('user.created', 1, ada))).toBe('unchanged');
    await applyUserEvent(auth, userEvent('user.updated', 2, { ...ada, displayName: 'Countess' }));
    expect(await applyUserEvent(auth, userEvent('user.updated', 2, { ...ada, displayName: 'Countess' }))).toBe('unchanged');
    expect(await authUsers(auth)).toEqual([{ ...first[0], name: 'Countess' }]);
  });

  it('ignores an event older than the one applied (a replayed, parked event), but still applies roles only that event carries', async () => {
    await applyUserEvent(auth, userEvent('user.created', 1, ada));
    await applyUserEvent(auth, userEvent('user.updated', 5, { ...ada, displayName: 'Newest' }));
    expect(await applyUserEvent(auth, userEvent('user.updated', 3, { ...ada, displayName: 'Older' }))).toBe('unchanged');
    expect(await applyUserEvent(auth, userEvent('user.deactivated', 4, { ...ada, active: false }))).toBe('unchanged');
    // Roles are told only by user.roles_changed: a replayed one the user has not seen is applied, its stale snapshot is not.
    expect(await applyUserEvent(auth, userEvent('user.roles_changed', 4, { ...ada, displayName: 'Older' }, { roles: { before: [], after: ['editor', 'viewer'] } }))).toBe('updated');
    expect(await applyUserEvent(auth, userEvent('user.roles_changed', 2, ada, { roles: { before: [], after: ['viewer'] } }))).toBe('unchanged');
    expect((await authUsers(auth)).map(({ name, active, roles }) => ({ name, active, roles }))).toEqual([{ name: 'Newest', active: true, roles: ['editor', 'viewer'] }]);
  });

  it('creates the user from a later event when the creation never arrived (parked), and roles from a roles event', async () => {
    await applyUserEvent(auth, userEvent('user.roles_changed', 2, ada, { roles: { before: [], after: ['member'] } }));
    expect((await authUsers(auth)).map(({ email, roles }) => ({ email, roles }))).toEqual([{ email: 'ada@example.com', roles: ['member'] }]);
    expect(await applyUserEvent(auth, userEvent('user.created', 1, ada))).toBe('unchanged');
  });

  it('deactivation ends every session of the user at once and refuses sign-in; reactivation lets them sign in again', async () => {
    await applyUserEvent(auth, userEvent('user.created', 1, ada));
    await choosePassword('ada@example.com', 'analytical engine');
    const laptop = await signIn('ada@example.com', 'analytical engine');
    const phone = await signIn('ada@example.com', 'analytical engine');
    expect(await sessionUser(laptop.cookie)).toMatchObject({ email: 'ada@example.com', active: true });
    expect(await sessionCount(auth)).toBe(2);

    expect(await applyUserEvent(auth, userEvent('user.deactivated', 2, { ...ada, active: false }))).toBe('updated');
    expect(await sessionCount(auth)).toBe(0);
    expect(await sessionUser(laptop.cookie)).toBeNull();
    expect(await sessionUser(phone.cookie)).toBeNull();
    expect(await signIn('ada@example.com', 'analytical engine')).toMatchObject({ status: 403, code: 'ACCOUNT_DEACTIVATED' });
    // A redelivered deactivation changes nothing and still leaves no session.
    expect(await applyUserEvent(auth, userEvent('user.deactivated', 2, { ...ada, active: false }))).toBe('unchanged');

    await applyUserEvent(auth, userEvent('user.reactivated', 3, ada));
    const again = await signIn('ada@example.com', 'analytical engine');
    expect(again.status).toBe(200);
    expect(await sessionUser(again.cookie)).toMatchObject({ email: 'ada@example.com', active: true });
  });

  it('deletion removes the user with their sessions and password, and no replayed event brings them back', async () => {
    await applyUserEvent(auth, userEvent('user.created', 1, ada));
    await choosePassword('ada@example.com', 'analytical engine');
    const session = await signIn('ada@example.com', 'analytical engine');
    expect(await applyUserEvent(auth, userEvent('user.deleted', 2, ada))).toBe('deleted');
    expect(await authUsers(auth)).toEqual([]);
    expect(await sessionUser(session.cookie)).toBeNull();
    expect(await (await auth.$context).adapter.count({ model: 'account' })).toBe(0);
    expect(await applyUserEvent(auth, userEvent('user.deleted', 2, ada))).toBe('unchanged');
    expect(await applyUserEvent(auth, userEvent('user.created', 1, ada))).toBe('unchanged');
    expect(await authUsers(auth)).toEqual([]);
    expect((await signIn('ada@example.com', 'analytical engine')).status).toBe(401);
  });

  it('refuses a User with no address to sign in with, writing nothing (the consumer retries, then parks it)', async () => {
    await expect(applyUserEvent(auth, userEvent('user.created', 1, { userName: 'no-address', active: true }))).rejects.toBeInstanceOf(UnsyncableUserError);
    expect(await authUsers(auth)).toEqual([]);
  });
});
