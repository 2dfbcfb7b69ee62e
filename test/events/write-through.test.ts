/**
 * An embedding app whose own tables live in Scimitar's database: its
 * in-transaction hook writes them through the transaction's handle, so they
 * commit with the SCIM change or not at all, and its linking rule maps a
 * created User onto an account it already has. Runs on every database.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { scimErrors } from '../../src/core/errors/scim-error.js';
import type { AppTransaction } from '../../src/events/app-transaction.js';
import type { ScimitarEvent } from '../../src/events/event.js';
import type { ExistingUserCandidate } from '../../src/events/hooks.js';
import { build, type TestServer } from '../helpers/build.js';
import { createUser, expectScimError, expectStatus, json, patchBody, query, userBody } from '../http/support.js';

/** A write of the app's own, outside any SCIM request, on Scimitar's connection. */
async function appWrite(server: TestServer, work: (tx: AppTransaction) => Promise<unknown>): Promise<void> {
  await server.scimitar.store.transaction(async (writer) => {
    await work(writer.appTransaction());
  });
}

interface Account {
  readonly id: string;
  readonly email: string;
  readonly disabled: number;
}

/** The app's side, as a host app would write it (one statement API on every database). */
async function writeThrough(events: readonly ScimitarEvent[], tx: AppTransaction, failures: Failures): Promise<void> {
  for (const event of events) {
    if (event.resourceType !== 'User') continue;
    const userName = String(event.data.resource['userName']);
    const accountId = event.data.appUserId;
    switch (event.type) {
      case 'user.created':
        if (accountId === undefined) {
          const newId = `acct-${event.resourceId}`;
          await tx.run`INSERT INTO app_accounts (id, email, email_verified, disabled) VALUES (${newId}, ${userName}, ${1}, ${0})`;
          await tx.linkUser(event.tenant, event.resourceId, newId);
        }
        break;
      case 'user.deactivated':
        await tx.run`UPDATE app_accounts SET disabled = ${1} WHERE id = ${accountId ?? null}`;
        await tx.run`DELETE FROM app_sessions WHERE account_id = ${accountId ?? null}`;
        break;
      case 'user.reactivated':
        await tx.run`UPDATE app_accounts SET disabled = ${0} WHERE id = ${accountId ?? null}`;
        break;
      case 'user.deleted':
        await tx.run`DELETE FROM app_sessions WHERE account_id = ${accountId ?? null}`;
        await tx.run`UPDATE app_accounts SET disabled = ${1} WHERE id = ${accountId ?? null}`;
        break;
      default:
        break;
    }
    if (failures.scimErrorFor === userName) throw scimErrors.forbidden(`The app refuses ${userName}`);
    if (failures.crashFor === userName) throw new RangeError('the app failed after writing its rows');
  }
}

interface Failures {
  scimErrorFor?: string | undefined;
  crashFor?: string | undefined;
}

/** The app's rule: an account whose email it verified and whose address the IdP sends as userName. */
async function linkVerifiedEmail(candidate: ExistingUserCandidate, tx: AppTransaction): Promise<string | undefined> {
  const account = await tx.first<{ id: string }>`SELECT id FROM app_accounts WHERE email = ${candidate.userName.toLowerCase()} AND email_verified = ${1}`;
  return account?.id;
}

describe('an app writing its own tables in the SCIM change\'s transaction', () => {
  let server: TestServer;
  const failures: Failures = {};
  const seen: ScimitarEvent[] = [];

  beforeAll(async () => {
    server = await build(
      {},
      {
        hooks: {
          inTransaction: async (events, tx) => {
            seen.push(...events);
            await writeThrough(events, tx, failures);
          },
          linkExistingUser: linkVerifiedEmail,
        },
      },
    );
    // The app's own statements go through Scimitar's transactions too: on SQLite a second
    // connection in the same process would block the event loop while a write holds the lock.
    await appWrite(server, async (tx) => {
      await tx.run`CREATE TABLE app_accounts (id VARCHAR(64) PRIMARY KEY, email VARCHAR(200) NOT NULL UNIQUE, email_verified INTEGER NOT NULL, disabled INTEGER NOT NULL)`;
      await tx.run`CREATE TABLE app_sessions (token VARCHAR(64) PRIMARY KEY, account_id VARCHAR(64) NOT NULL)`;
      await tx.run`INSERT INTO app_accounts (id, email, email_verified, disabled) VALUES (${'acct-existing'}, ${'ada@example.com'}, ${1}, ${0})`;
      await tx.run`INSERT INTO app_accounts (id, email, email_verified, disabled) VALUES (${'acct-unverified'}, ${'eve@example.com'}, ${0}, ${0})`;
      await tx.run`INSERT INTO app_sessions (token, account_id) VALUES (${'s-ada'}, ${'acct-existing'})`;
    });
  });
  afterAll(async () => {
    await server.close();
  });
  beforeEach(() => {
    failures.scimErrorFor = undefined;
    failures.crashFor = undefined;
  });

  async function accounts(): Promise<Account[]> {
    const rows = (await server.rawTables())['app_accounts'] ?? [];
    return rows.map((row) => JSON.parse(row) as Account).map(({ id, email, disabled }) => ({ id, email, disabled: Number(disabled) }));
  }

  async function sessions(): Promise<string[]> {
    return ((await server.rawTables())['app_sessions'] ?? []).map((row) => (JSON.parse(row) as { token: string }).token);
  }

  it('creates the app\'s row in the same transaction and links it: later events carry the app user id', async () => {
    const user = await createUser(server, 'grace@example.com', { active: true });
    expect(await accounts()).toContainEqual({ id: `acct-${String(user['id'])}`, email: 'grace@example.com', disabled: 0 });
    expectStatus(await server.request({ method: 'PATCH', url: `/scim/v2/Users/${String(user['id'])}`, body: patchBody({ op: 'replace', path: 'active', value: false }) }), 200);
    expect(seen.at(-1)).toMatchObject({ type: 'user.deactivated', data: { appUserId: `acct-${String(user['id'])}` } });
    expect(await accounts()).toContainEqual({ id: `acct-${String(user['id'])}`, email: 'grace@example.com', disabled: 1 });
  });

  it('links a created User to the account the app already has, by its rule: no second account, and userName eq finds it', async () => {
    const before = await accounts();
    const user = await createUser(server, 'Ada@example.com', { active: true });
    expect(seen.at(-1)).toMatchObject({ type: 'user.created', resourceId: user['id'], data: { appUserId: 'acct-existing' } });
    expect(await accounts()).toEqual(before);
    const found = json(await server.request({ method: 'GET', url: `/scim/v2/Users?${query({ filter: 'userName eq "ada@example.com"' })}` }));
    expect(found['totalResults']).toBe(1);
  });

  it('revokes the linked account\'s sessions in the transaction that deactivates it', async () => {
    const found = json(await server.request({ method: 'GET', url: `/scim/v2/Users?${query({ filter: 'userName eq "ada@example.com"' })}` }));
    const id = String((found['Resources'] as { id: string }[])[0]!.id);
    expect(await sessions()).toContain('s-ada');
    expectStatus(await server.request({ method: 'PATCH', url: `/scim/v2/Users/${id}`, body: patchBody({ op: 'replace', path: 'active', value: false }) }), 200);
    expect(await sessions()).not.toContain('s-ada');
  });

  it('refuses a second User for an account already linked (409 uniqueness), writing nothing', async () => {
    const before = await server.rawTables();
    expectScimError(await server.request({ method: 'POST', url: '/scim/v2/Users', body: userBody('ada@EXAMPLE.com') }), 409, 'uniqueness');
    expect(await server.rawTables()).toEqual(before);
  });

  it('links nothing when the rule says no (an unverified email): the app\'s own UNIQUE(email) then refuses a second account, a 500 with nothing written', async () => {
    const before = await server.rawTables();
    const response = await server.request({ method: 'POST', url: '/scim/v2/Users', body: userBody('eve@example.com') });
    expectScimError(response, 500);
    expect(await server.rawTables()).toEqual(before);
  });

  it('a ScimError thrown after the app wrote its rows is what the IdP gets, and neither the app\'s rows nor Scimitar\'s change', async () => {
    const user = await createUser(server, 'lin@example.com', { active: true });
    failures.scimErrorFor = 'lin@example.com';
    const before = await server.rawTables();
    expectScimError(
      await server.request({ method: 'PATCH', url: `/scim/v2/Users/${String(user['id'])}`, body: patchBody({ op: 'replace', path: 'active', value: false }) }),
      403,
    );
    expect(await server.rawTables()).toEqual(before);
  });

  it('any other error is a 500 with nothing written on either side', async () => {
    failures.crashFor = 'kai@example.com';
    const before = await server.rawTables();
    expectScimError(await server.request({ method: 'POST', url: '/scim/v2/Users', body: userBody('kai@example.com') }), 500);
    expect(await server.rawTables()).toEqual(before);
  });

  it('deletion gives the user.deleted event the app user id, revokes in the same transaction, and drops the link', async () => {
    const user = await createUser(server, 'mo@example.com', { active: true });
    const accountId = `acct-${String(user['id'])}`;
    await appWrite(server, (tx) => tx.run`INSERT INTO app_sessions (token, account_id) VALUES (${'s-mo'}, ${accountId})`);
    expectStatus(await server.request({ method: 'DELETE', url: `/scim/v2/Users/${String(user['id'])}` }), 204);
    expect(seen.at(-1)).toMatchObject({ type: 'user.deleted', data: { appUserId: accountId } });
    expect(await sessions()).not.toContain('s-mo');
    expect((await server.rawTables())['app_user_links']?.some((row) => row.includes(accountId))).toBe(false);
  });
});

describe('without a linking rule', () => {
  let server: TestServer;
  const seen: ScimitarEvent[] = [];

  beforeAll(async () => {
    server = await build({}, { hooks: { inTransaction: (events) => void seen.push(...events) } });
  });
  afterAll(async () => {
    await server.close();
  });

  it('links nothing: events carry no app user id', async () => {
    await createUser(server, 'plain@example.com');
    expect(seen.at(-1)?.type).toBe('user.created');
    expect(seen.at(-1)?.data.appUserId).toBeUndefined();
  });
});
