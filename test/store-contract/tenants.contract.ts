import { beforeEach, describe, expect, it } from 'vitest';
import type { NewAdminKey, NewToken, Store } from '../../src/store/store.js';
import { ensureTenants, group, idsMatching, insert, LATER, list, NOW, OTHER_TENANT, scimErrorOf, TENANT, user, type OpenStore } from './support.js';

function token(id: string, tenantId: string, hash: string, expiresAt?: string): NewToken {
  return { id, tenantId, name: `token ${id}`, prefix: `scim_${id}`, hash, createdAt: NOW, expiresAt };
}

function adminKey(id: string, hash: string, createdAt: string = NOW): NewAdminKey {
  return { id, name: `key ${id}`, prefix: `scimadm_${id}`, hash, createdAt };
}

export function describeTenantContract(openStore: OpenStore): void {
  describe('tenants and tokens', () => {
    let store: Store;
    beforeEach(async () => {
      const opened = await openStore();
      store = opened.store;
      await ensureTenants(store);
      return () => opened.close();
    });

    it('ensureTenant is idempotent', async () => {
      await store.tenants.ensureTenant(TENANT, 'Acme renamed', LATER);
      await store.tenants.insertToken(token('t1', TENANT, 'hash-1'));
      expect((await store.tenants.findTokenByHash('hash-1'))?.tenantId).toBe(TENANT);
      // The existing row is left alone: neither its name nor its creation time change.
      expect(await store.tenants.getTenant(TENANT)).toEqual({ id: TENANT, name: 'Acme', createdAt: NOW });
    });

    it('stores tokens by hash and finds them by hash only', async () => {
      await store.tenants.insertToken(token('t1', TENANT, 'hash-1', '2025-01-01T00:00:00.000Z'));
      expect(await store.tenants.findTokenByHash('hash-1')).toEqual({
        id: 't1',
        tenantId: TENANT,
        name: 'token t1',
        prefix: 'scim_t1',
        hash: 'hash-1',
        createdAt: NOW,
        expiresAt: '2025-01-01T00:00:00.000Z',
        revokedAt: undefined,
        lastUsedAt: undefined,
      });
      expect(await store.tenants.findTokenByHash('hash-2')).toBeUndefined();
    });

    it('finds a token by its exact hash only, whatever the case', async () => {
      await store.tenants.insertToken(token('t1', TENANT, 'hmac-sha256:abcdef'));
      expect(await store.tenants.findTokenByHash('hmac-sha256:ABCDEF')).toBeUndefined();
      expect(await store.tenants.findTokenByHash('hmac-sha256:abcde')).toBeUndefined();
      expect(await store.tenants.findTokenByHash('hmac-sha256:abcdef ')).toBeUndefined();
    });

    it('lists the tokens of one tenant only', async () => {
      await store.tenants.insertToken(token('t1', TENANT, 'hash-1'));
      await store.tenants.insertToken(token('t2', OTHER_TENANT, 'hash-2'));
      await store.tenants.insertToken(token('t3', TENANT, 'hash-3'));
      expect((await store.tenants.listTokens(TENANT)).map((stored) => stored.id)).toEqual(['t1', 't3']);
      expect((await store.tenants.listTokens(OTHER_TENANT)).map((stored) => stored.id)).toEqual(['t2']);
    });

    it('revokes a token of its own tenant, keeping the first revocation time', async () => {
      await store.tenants.insertToken(token('t1', TENANT, 'hash-1'));
      expect(await store.tenants.revokeToken(OTHER_TENANT, 't1', NOW)).toBe(false);
      expect((await store.tenants.findTokenByHash('hash-1'))?.revokedAt).toBeUndefined();
      expect(await store.tenants.revokeToken(TENANT, 't1', NOW)).toBe(true);
      expect(await store.tenants.revokeToken(TENANT, 't1', LATER)).toBe(true);
      expect((await store.tenants.findTokenByHash('hash-1'))?.revokedAt).toBe(NOW);
      expect(await store.tenants.revokeToken(TENANT, 'missing', NOW)).toBe(false);
    });

    it('records the last use of a token', async () => {
      await store.tenants.insertToken(token('t1', TENANT, 'hash-1'));
      await store.tenants.markTokenUsed('t1', LATER);
      expect((await store.tenants.findTokenByHash('hash-1'))?.lastUsedAt).toBe(LATER);
    });

    it('records the last uses of several tokens, of several tenants, in one write', async () => {
      await store.tenants.insertToken(token('t1', TENANT, 'hash-1'));
      await store.tenants.insertToken(token('t2', OTHER_TENANT, 'hash-2'));
      await store.tenants.markTokensUsed([
        { tokenId: 't1', usedAt: NOW },
        { tokenId: 't2', usedAt: LATER },
        { tokenId: 'missing', usedAt: LATER },
      ]);
      expect((await store.tenants.findTokenByHash('hash-1'))?.lastUsedAt).toBe(NOW);
      expect((await store.tenants.findTokenByHash('hash-2'))?.lastUsedAt).toBe(LATER);
      await store.tenants.markTokensUsed([]);
    });

    it('sets the expiry of a token of its own tenant, earlier or later', async () => {
      await store.tenants.insertToken(token('t1', TENANT, 'hash-1'));
      expect(await store.tenants.expireToken(OTHER_TENANT, 't1', LATER)).toBe(false);
      expect((await store.tenants.findTokenByHash('hash-1'))?.expiresAt).toBeUndefined();
      expect(await store.tenants.expireToken(TENANT, 't1', LATER)).toBe(true);
      expect((await store.tenants.findTokenByHash('hash-1'))?.expiresAt).toBe(LATER);
      expect(await store.tenants.expireToken(TENANT, 't1', NOW)).toBe(true);
      expect((await store.tenants.findTokenByHash('hash-1'))?.expiresAt).toBe(NOW);
      expect(await store.tenants.expireToken(TENANT, 'missing', NOW)).toBe(false);
    });

    it('refuses a second token with the same hash, or a token of a tenant that does not exist, as the caller’s mistake', async () => {
      await store.tenants.insertToken(token('t1', TENANT, 'hash-1'));
      await expect(store.tenants.insertToken(token('t2', OTHER_TENANT, 'hash-1'))).rejects.toBeInstanceOf(TypeError);
      await expect(store.tenants.insertToken(token('t3', 'no-such-tenant', 'hash-3'))).rejects.toBeInstanceOf(TypeError);
      expect((await store.tenants.findTokenByHash('hash-1'))?.id).toBe('t1');
      expect(await store.tenants.findTokenByHash('hash-3')).toBeUndefined();
    });

    it('runs tenant and token writes made inside a transaction in it: its reads see them, and they roll back with it', async () => {
      await store.tenants.insertToken(token('t1', TENANT, 'hash-1'));
      const failure = new Error('give up');
      await expect(
        store.transaction(async () => {
          expect(await store.tenants.revokeToken(TENANT, 't1', NOW)).toBe(true);
          await store.tenants.ensureTenant('initech', 'Initech', NOW);
          expect((await store.tenants.findTokenByHash('hash-1'))?.revokedAt).toBe(NOW);
          expect(await store.tenants.getTenant('initech')).toEqual({ id: 'initech', name: 'Initech', createdAt: NOW });
          throw failure;
        }),
      ).rejects.toBe(failure);
      expect((await store.tenants.findTokenByHash('hash-1'))?.revokedAt).toBeUndefined();
      expect(await store.tenants.getTenant('initech')).toBeUndefined();
      await store.transaction(async () => {
        await store.tenants.revokeToken(TENANT, 't1', LATER);
      });
      expect((await store.tenants.findTokenByHash('hash-1'))?.revokedAt).toBe(LATER);
    });

    it('treats keys holding U+0000 as keys of nothing: not found, never a database error', async () => {
      await store.tenants.insertToken(token('t1', TENANT, 'hash-1'));
      const nul = 't1\u0000';
      expect(await store.tenants.getTenant(`${TENANT}\u0000`)).toBeUndefined();
      expect(await store.tenants.findTokenByHash('hash-1\u0000')).toBeUndefined();
      expect(await store.tenants.listTokens(`${TENANT}\u0000`)).toEqual([]);
      expect(await store.tenants.revokeToken(TENANT, nul, NOW)).toBe(false);
      expect(await store.tenants.expireToken(TENANT, nul, NOW)).toBe(false);
      await store.tenants.markTokenUsed(nul, NOW);
      expect(await store.tenants.deleteTenant(`${TENANT}\u0000`)).toBe(false);
      expect(await store.tenants.countResources(`${TENANT}\u0000`)).toEqual({ users: 0, groups: 0 });
      expect(await store.tenants.findAdminKeyByHash('hash-1\u0000')).toBeUndefined();
      expect(await store.tenants.revokeAdminKey(nul, NOW)).toBe(false);
      expect((await store.tenants.findTokenByHash('hash-1'))?.revokedAt).toBeUndefined();
    });
  });

  describe('tenant lifecycle', () => {
    let store: Store;
    beforeEach(async () => {
      const opened = await openStore();
      store = opened.store;
      await ensureTenants(store);
      return () => opened.close();
    });

    it('creates a tenant and reads it back', async () => {
      expect(await store.tenants.createTenant('initech', 'Initech', LATER)).toEqual({ id: 'initech', name: 'Initech', createdAt: LATER });
      expect(await store.tenants.getTenant('initech')).toEqual({ id: 'initech', name: 'Initech', createdAt: LATER });
      expect(await store.tenants.getTenant('nobody')).toBeUndefined();
    });

    it('refuses a duplicate tenant id with 409 uniqueness, leaving the first one as it was', async () => {
      const error = await scimErrorOf(store.tenants.createTenant(TENANT, 'Impostor', LATER));
      expect(error.status).toBe(409);
      expect(error.scimType).toBe('uniqueness');
      expect(await store.tenants.getTenant(TENANT)).toEqual({ id: TENANT, name: 'Acme', createdAt: NOW });
    });

    it('lists all tenants ordered by id', async () => {
      await store.tenants.createTenant('zeta', 'Zeta', LATER);
      await store.tenants.createTenant('beta', 'Beta', LATER);
      expect((await store.tenants.listTenants()).map((tenant) => tenant.id)).toEqual([TENANT, 'beta', OTHER_TENANT, 'zeta']);
      expect((await store.tenants.listTenants()).find((tenant) => tenant.id === 'beta')).toEqual({ id: 'beta', name: 'Beta', createdAt: LATER });
    });

    it('counts the Users and Groups of one tenant', async () => {
      await insert(
        store,
        user('u1', 'one'),
        user('u2', 'two'),
        group('g1', 'Group one'),
        user('u3', 'three', {}, { tenantId: OTHER_TENANT }),
      );
      expect(await store.tenants.countResources(TENANT)).toEqual({ users: 2, groups: 1 });
      expect(await store.tenants.countResources(OTHER_TENANT)).toEqual({ users: 1, groups: 0 });
      expect(await store.tenants.countResources('nobody')).toEqual({ users: 0, groups: 0 });
    });

    it('deletes a tenant with everything in it, and nothing of any other tenant', async () => {
      const seed = async (tenantId: string) => {
        await insert(
          store,
          user('u-babs', 'bjensen', { emails: [{ value: 'babs@example.com', type: 'work', primary: true }] }, { tenantId }),
          user('u-jim', 'jim', {}, { tenantId }),
          group('g-staff', 'Staff', { tenantId }),
          group('g-all', 'Everyone', { tenantId }),
        );
        await store.transaction(async (writer) => {
          await writer.addMembers(tenantId, 'g-staff', [{ value: 'u-babs', type: 'User' }]);
          await writer.addMembers(tenantId, 'g-all', [{ value: 'g-staff', type: 'Group' }, { value: 'u-jim', type: 'User' }]);
        });
        await store.tenants.insertToken(token(`t-${tenantId}`, tenantId, `hash-${tenantId}`));
      };
      await seed(TENANT);
      await seed(OTHER_TENANT);

      expect(await store.tenants.deleteTenant(TENANT)).toBe(true);

      expect(await store.tenants.getTenant(TENANT)).toBeUndefined();
      expect((await store.tenants.listTenants()).map((tenant) => tenant.id)).toEqual([OTHER_TENANT]);
      expect(await store.tenants.findTokenByHash(`hash-${TENANT}`)).toBeUndefined();
      expect(await store.tenants.listTokens(TENANT)).toEqual([]);
      expect(await store.tenants.countResources(TENANT)).toEqual({ users: 0, groups: 0 });
      expect(await store.reader.getResource(TENANT, 'User', 'u-babs')).toBeUndefined();
      expect(await store.reader.listMembers(TENANT, 'g-all')).toEqual([]);
      expect(await store.reader.listMemberships(TENANT, 'u-babs')).toEqual([]);
      expect((await store.reader.findResourceTypes(TENANT, ['u-babs', 'g-staff'])).size).toBe(0);
      expect((await list(store, 'User')).totalResults).toBe(0);

      // The other tenant is whole: rows, members, memberships, emails, token.
      expect(await store.tenants.countResources(OTHER_TENANT)).toEqual({ users: 2, groups: 2 });
      expect((await store.reader.listMembers(OTHER_TENANT, 'g-all')).map((member) => member.value)).toEqual(['g-staff', 'u-jim']);
      expect((await store.reader.listMemberships(OTHER_TENANT, 'u-babs')).map((membership) => membership.value).sort()).toEqual(['g-all', 'g-staff']);
      expect(await idsMatching(store, 'User', 'emails.value eq "babs@example.com"', OTHER_TENANT)).toEqual(['u-babs']);
      expect((await store.tenants.findTokenByHash(`hash-${OTHER_TENANT}`))?.tenantId).toBe(OTHER_TENANT);

      // Nothing is left behind: the same tenant id starts empty, and its old userName, email and hash are free again.
      await store.tenants.createTenant(TENANT, 'Acme again', LATER);
      expect(await idsMatching(store, 'User', 'emails.value eq "babs@example.com"')).toEqual([]);
      expect(await idsMatching(store, 'Group', 'members.value eq "u-babs"')).toEqual([]);
      await insert(store, user('u-new', 'bjensen'), group('g-staff', 'Staff'));
      expect(await store.reader.listMembers(TENANT, 'g-staff')).toEqual([]);
      await store.tenants.insertToken(token('t-again', TENANT, `hash-${TENANT}`));
      expect((await store.tenants.findTokenByHash(`hash-${TENANT}`))?.id).toBe('t-again');
    });

    it('creates a tenant once when many create it at the same time: one success, every other answer 409', async () => {
      const outcomes = await Promise.allSettled(Array.from({ length: 8 }, (_, index) => store.tenants.createTenant('initech', `Initech ${index}`, LATER)));
      const created = outcomes.filter((outcome) => outcome.status === 'fulfilled');
      expect(created).toHaveLength(1);
      for (const outcome of outcomes) {
        if (outcome.status === 'rejected') expect(outcome.reason).toMatchObject({ status: 409, scimType: 'uniqueness' });
      }
      expect((await store.tenants.getTenant('initech'))?.name).toBe((created[0] as PromiseFulfilledResult<{ name: string }>).value.name);
    });

    it('answers false when deleting a tenant that does not exist', async () => {
      expect(await store.tenants.deleteTenant('nobody')).toBe(false);
      expect((await store.tenants.listTenants()).map((tenant) => tenant.id)).toEqual([TENANT, OTHER_TENANT]);
    });
  });

  describe('admin keys', () => {
    let store: Store;
    beforeEach(async () => {
      const opened = await openStore();
      store = opened.store;
      return () => opened.close();
    });

    it('stores admin keys by hash and finds them by hash only', async () => {
      await store.tenants.insertAdminKey(adminKey('k1', 'key-hash-1'));
      expect(await store.tenants.findAdminKeyByHash('key-hash-1')).toEqual({
        id: 'k1',
        name: 'key k1',
        prefix: 'scimadm_k1',
        hash: 'key-hash-1',
        createdAt: NOW,
        revokedAt: undefined,
        lastUsedAt: undefined,
      });
      expect(await store.tenants.findAdminKeyByHash('key-hash-2')).toBeUndefined();
      expect(await store.tenants.findAdminKeyByHash('KEY-HASH-1')).toBeUndefined();
    });

    it('keeps admin keys apart from tenant tokens', async () => {
      await ensureTenants(store);
      await store.tenants.insertAdminKey(adminKey('k1', 'shared-looking-hash'));
      expect(await store.tenants.findTokenByHash('shared-looking-hash')).toBeUndefined();
      await store.tenants.insertToken(token('t1', TENANT, 'token-hash'));
      expect(await store.tenants.findAdminKeyByHash('token-hash')).toBeUndefined();
    });

    it('lists admin keys by creation time', async () => {
      await store.tenants.insertAdminKey(adminKey('k2', 'key-hash-2', LATER));
      await store.tenants.insertAdminKey(adminKey('k1', 'key-hash-1', NOW));
      expect((await store.tenants.listAdminKeys()).map((key) => key.id)).toEqual(['k1', 'k2']);
    });

    it('revokes an admin key, keeping the first revocation time', async () => {
      await store.tenants.insertAdminKey(adminKey('k1', 'key-hash-1'));
      expect(await store.tenants.revokeAdminKey('k1', NOW)).toBe(true);
      expect(await store.tenants.revokeAdminKey('k1', LATER)).toBe(true);
      expect((await store.tenants.findAdminKeyByHash('key-hash-1'))?.revokedAt).toBe(NOW);
      expect(await store.tenants.revokeAdminKey('missing', NOW)).toBe(false);
    });

    it('records the last use of an admin key', async () => {
      await store.tenants.insertAdminKey(adminKey('k1', 'key-hash-1'));
      await store.tenants.markAdminKeyUsed('k1', LATER);
      expect((await store.tenants.findAdminKeyByHash('key-hash-1'))?.lastUsedAt).toBe(LATER);
    });

    it('refuses a second admin key with the same hash', async () => {
      await store.tenants.insertAdminKey(adminKey('k1', 'key-hash-1'));
      await expect(store.tenants.insertAdminKey(adminKey('k2', 'key-hash-1'))).rejects.toThrow();
      expect((await store.tenants.listAdminKeys()).map((key) => key.id)).toEqual(['k1']);
    });
  });
}
