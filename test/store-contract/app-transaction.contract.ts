/**
 * The embedding app's handle on a write transaction (src/events/app-transaction.ts)
 * and the links between Users and the app's users: the app's statements
 * commit and roll back with the store's, a failed one ends the
 * transaction, and a link is one-to-one within a tenant.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { AppTransaction } from '../../src/events/app-transaction.js';
import type { Store } from '../../src/store/store.js';
import { ensureTenants, insert, OTHER_TENANT, scimErrorOf, TENANT, user, type OpenStore } from './support.js';

function appWrite<T>(store: Store, work: (tx: AppTransaction) => Promise<T>): Promise<T> {
  return store.transaction((writer) => work(writer.appTransaction()));
}

async function linksOf(store: Store, tenantId: string, userIds: readonly string[]): Promise<ReadonlyMap<string, string>> {
  return store.transaction((writer) => writer.appUserIds(tenantId, userIds));
}

export function describeAppTransactionContract(open: OpenStore): void {
  describe("the app's handle on a write transaction", () => {
    let store: Store;

    beforeEach(async (context) => {
      const opened = await open();
      store = opened.store;
      context.onTestFinished(() => opened.close());
      await ensureTenants(store);
      await appWrite(store, (tx) => tx.run`CREATE TABLE contract_accounts (id VARCHAR(64) PRIMARY KEY, email VARCHAR(200) NOT NULL UNIQUE, flag INTEGER)`);
    });

    it('runs statements with bound values on every database, and reads back what the transaction wrote', async () => {
      const rows = await appWrite(store, async (tx) => {
        expect(await tx.run`INSERT INTO ${tx.table('contract_accounts')} (id, email, flag) VALUES (${'a1'}, ${"o'hara@example.com"}, ${1})`).toBe(1);
        return tx.all<{ id: string; email: string }>`SELECT id, email FROM contract_accounts WHERE email = ${"o'hara@example.com"}`;
      });
      expect(rows).toEqual([{ id: 'a1', email: "o'hara@example.com" }]);
      expect(await appWrite(store, (tx) => tx.first`SELECT id FROM contract_accounts WHERE id = ${'missing'}`)).toBeUndefined();
    });

    it("rolls the app's rows back with the store's when the transaction fails", async () => {
      const written = store.transaction(async (writer) => {
        await writer.insertResource({ tenantId: TENANT, resourceType: 'User', id: 'u1', attributes: { userName: 'alice' }, passwordHash: undefined, now: '2024-03-01T12:00:00.000Z' });
        await writer.appTransaction().run`INSERT INTO contract_accounts (id, email) VALUES (${'a1'}, ${'a@example.com'})`;
        throw new RangeError('the app changed its mind');
      });
      await expect(written).rejects.toThrow(RangeError);
      expect(await appWrite(store, (tx) => tx.all`SELECT id FROM contract_accounts`)).toEqual([]);
      expect(await store.reader.getResource(TENANT, 'User', 'u1')).toBeUndefined();
    });

    it('refuses every statement after a failed one, and the failure rolls back the whole transaction', async () => {
      await appWrite(store, (tx) => tx.run`INSERT INTO contract_accounts (id, email) VALUES (${'a1'}, ${'a@example.com'})`);
      const attempt = store.transaction(async (writer) => {
        await writer.insertResource({ tenantId: TENANT, resourceType: 'User', id: 'u1', attributes: { userName: 'bob' }, passwordHash: undefined, now: '2024-03-01T12:00:00.000Z' });
        const tx = writer.appTransaction();
        await tx.run`INSERT INTO contract_accounts (id, email) VALUES (${'a2'}, ${'a@example.com'})`.catch(() => undefined);
        await tx.run`INSERT INTO contract_accounts (id, email) VALUES (${'a3'}, ${'c@example.com'})`;
      });
      await expect(attempt).rejects.toThrow(TypeError);
      expect(await appWrite(store, (tx) => tx.all`SELECT id FROM contract_accounts`)).toEqual([{ id: 'a1' }]);
      expect(await store.reader.getResource(TENANT, 'User', 'u1')).toBeUndefined();
    });

    it('takes table names only as plain identifiers, and values only as text, numbers, booleans or null', async () => {
      await appWrite(store, async (tx) => {
        expect(() => tx.table('accounts; DROP TABLE users')).toThrow(TypeError);
        expect(() => tx.table('"quoted"')).toThrow(TypeError);
        await expect(tx.run`SELECT ${{ nested: 1 } as never}`).rejects.toThrow(TypeError);
      });
    });

    it('links a User to an app user one to one within a tenant, idempotently', async () => {
      await insert(store, user('u1', 'alice'), user('u2', 'bob'), user('u1', 'alice', {}, { tenantId: OTHER_TENANT }));
      await appWrite(store, (tx) => tx.linkUser(TENANT, 'u1', 'app-1'));
      await appWrite(store, (tx) => tx.linkUser(TENANT, 'u1', 'app-1'));
      // Another tenant's User may be the same app user id: tenants are separate directories.
      await appWrite(store, (tx) => tx.linkUser(OTHER_TENANT, 'u1', 'app-1'));
      expect((await scimErrorOf(appWrite(store, (tx) => tx.linkUser(TENANT, 'u2', 'app-1')))).scimType).toBe('uniqueness');
      expect((await scimErrorOf(appWrite(store, (tx) => tx.linkUser(TENANT, 'u1', 'app-2')))).scimType).toBe('uniqueness');
      await expect(appWrite(store, (tx) => tx.linkUser(TENANT, 'nobody', 'app-3'))).rejects.toThrow(TypeError);
      expect(await linksOf(store, TENANT, ['u1', 'u2', 'u1'])).toEqual(new Map([['u1', 'app-1']]));
      await store.transaction((writer) => writer.unlinkAppUsers(TENANT, ['u1']));
      expect(await linksOf(store, TENANT, ['u1'])).toEqual(new Map());
      expect(await linksOf(store, OTHER_TENANT, ['u1'])).toEqual(new Map([['u1', 'app-1']]));
    });

    it('frees an account whose User was deleted without its link being removed', async () => {
      await insert(store, user('u1', 'alice'), user('u2', 'bob'));
      await appWrite(store, (tx) => tx.linkUser(TENANT, 'u1', 'app-1'));
      await store.transaction((writer) => writer.deleteResource(TENANT, 'User', 'u1', '2024-03-02T00:00:00.000Z'));
      await appWrite(store, (tx) => tx.linkUser(TENANT, 'u2', 'app-1'));
      expect(await linksOf(store, TENANT, ['u1', 'u2'])).toEqual(new Map([['u2', 'app-1']]));
    });

    it('removes the links with their tenant', async () => {
      await insert(store, user('u1', 'alice', {}, { tenantId: OTHER_TENANT }));
      await appWrite(store, (tx) => tx.linkUser(OTHER_TENANT, 'u1', 'app-1'));
      await store.tenants.deleteTenant(OTHER_TENANT);
      await store.tenants.ensureTenant(OTHER_TENANT, 'Globex again', '2024-03-02T00:00:00.000Z');
      expect(await linksOf(store, OTHER_TENANT, ['u1'])).toEqual(new Map());
    });
  });
}
