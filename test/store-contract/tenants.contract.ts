import { beforeEach, describe, expect, it } from 'vitest';
import type { NewToken, Store } from '../../src/store/store.js';
import { ensureTenants, LATER, NOW, OTHER_TENANT, TENANT, type OpenStore } from './support.js';

function token(id: string, tenantId: string, hash: string, expiresAt?: string): NewToken {
  return { id, tenantId, name: `token ${id}`, prefix: `scim_${id}`, hash, createdAt: NOW, expiresAt };
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
  });
}
