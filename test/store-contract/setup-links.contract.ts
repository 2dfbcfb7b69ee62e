import { beforeEach, describe, expect, it } from 'vitest';
import type { NewSetupLink } from '../../src/store/setup-link-store.js';
import type { Store } from '../../src/store/store.js';
import { ensureTenants, LATER, NOW, OTHER_TENANT, TENANT, type OpenStore } from './support.js';

const EXPIRY = '2024-03-08T12:00:00.000Z';

function link(id: string, tenantId: string, hash: string, note?: string): NewSetupLink {
  return { id, tenantId, hash, note, createdAt: NOW, expiresAt: EXPIRY };
}

export function describeSetupLinkContract(openStore: OpenStore): void {
  describe('setup links', () => {
    let store: Store;
    let another: () => Promise<Store>;
    beforeEach(async () => {
      const opened = await openStore();
      store = opened.store;
      another = () => opened.another();
      await ensureTenants(store);
      return () => opened.close();
    });

    it('stores a link by hash and reads it back by hash, and by id within its tenant only', async () => {
      await store.setupLinks.insertSetupLink(link('l1', TENANT, 'hmac-sha256:aa', 'for the Okta admin'));
      const expected = {
        id: 'l1',
        tenantId: TENANT,
        hash: 'hmac-sha256:aa',
        note: 'for the Okta admin',
        createdAt: NOW,
        expiresAt: EXPIRY,
        revokedAt: undefined,
        lastUsedAt: undefined,
      };
      expect(await store.setupLinks.findSetupLinkByHash('hmac-sha256:aa')).toStrictEqual(expected);
      expect(await store.setupLinks.findSetupLinkByHash('hmac-sha256:AA')).toBeUndefined();
      expect(await store.setupLinks.getSetupLink(TENANT, 'l1')).toStrictEqual(expected);
      expect(await store.setupLinks.getSetupLink(OTHER_TENANT, 'l1')).toBeUndefined();
    });

    it('lists the links of one tenant only, oldest first', async () => {
      await store.setupLinks.insertSetupLink({ ...link('l2', TENANT, 'hash-2'), createdAt: LATER });
      await store.setupLinks.insertSetupLink(link('l1', TENANT, 'hash-1'));
      await store.setupLinks.insertSetupLink(link('l3', OTHER_TENANT, 'hash-3'));
      expect((await store.setupLinks.listSetupLinks(TENANT)).map((stored) => stored.id)).toEqual(['l1', 'l2']);
      expect((await store.setupLinks.listSetupLinks(OTHER_TENANT)).map((stored) => stored.id)).toEqual(['l3']);
    });

    it('revokes a link within its tenant, keeping the first revocation time', async () => {
      await store.setupLinks.insertSetupLink(link('l1', TENANT, 'hash-1'));
      expect(await store.setupLinks.revokeSetupLink(OTHER_TENANT, 'l1', NOW)).toBe(false);
      expect(await store.setupLinks.revokeSetupLink(TENANT, 'l1', NOW)).toBe(true);
      expect(await store.setupLinks.revokeSetupLink(TENANT, 'l1', LATER)).toBe(true);
      expect((await store.setupLinks.getSetupLink(TENANT, 'l1'))?.revokedAt).toBe(NOW);
      expect(await store.setupLinks.revokeSetupLink(TENANT, 'missing', NOW)).toBe(false);
    });

    it('shows a revocation to another instance on the same database at once', async () => {
      await store.setupLinks.insertSetupLink(link('l1', TENANT, 'hash-1'));
      const second = await another();
      expect((await second.setupLinks.findSetupLinkByHash('hash-1'))?.revokedAt).toBeUndefined();
      await store.setupLinks.revokeSetupLink(TENANT, 'l1', LATER);
      expect((await second.setupLinks.findSetupLinkByHash('hash-1'))?.revokedAt).toBe(LATER);
    });

    it('records the last use', async () => {
      await store.setupLinks.insertSetupLink(link('l1', TENANT, 'hash-1'));
      await store.setupLinks.markSetupLinkUsed('l1', LATER);
      expect((await store.setupLinks.getSetupLink(TENANT, 'l1'))?.lastUsedAt).toBe(LATER);
    });

    it('refuses a taken hash, and a missing tenant, as the caller’s mistake', async () => {
      await store.setupLinks.insertSetupLink(link('l1', TENANT, 'hash-1'));
      await expect(store.setupLinks.insertSetupLink(link('l2', TENANT, 'hash-1'))).rejects.toBeInstanceOf(TypeError);
      await expect(store.setupLinks.insertSetupLink(link('l3', 'nobody', 'hash-3'))).rejects.toBeInstanceOf(TypeError);
      expect((await store.setupLinks.listSetupLinks(TENANT)).map((stored) => stored.id)).toEqual(['l1']);
    });

    it('goes with its tenant', async () => {
      await store.setupLinks.insertSetupLink(link('l1', OTHER_TENANT, 'hash-1'));
      await store.tenants.deleteTenant(OTHER_TENANT);
      expect(await store.setupLinks.findSetupLinkByHash('hash-1')).toBeUndefined();
    });

    it('keeps the setup link a token was created through', async () => {
      await store.setupLinks.insertSetupLink(link('l1', TENANT, 'hash-1'));
      await store.tenants.insertToken({ id: 't1', tenantId: TENANT, name: 'portal', prefix: 'scim_t1', hash: 'token-1', createdAt: NOW, expiresAt: undefined, setupLinkId: 'l1' });
      await store.tenants.insertToken({ id: 't2', tenantId: TENANT, name: 'operator', prefix: 'scim_t2', hash: 'token-2', createdAt: NOW, expiresAt: undefined });
      expect((await store.tenants.listTokens(TENANT)).map((token) => [token.id, token.setupLinkId])).toEqual([
        ['t1', 'l1'],
        ['t2', undefined],
      ]);
      expect((await store.tenants.findTokenByHash('token-1'))?.setupLinkId).toBe('l1');
    });
  });
}
