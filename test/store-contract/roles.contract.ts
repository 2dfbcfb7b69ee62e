import { beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/store.js';
import { ensureTenants, group, insert, NOW, OTHER_TENANT, scimErrorOf, TENANT, user, type OpenedStore, type OpenStore } from './support.js';

export function describeRoleContract(openStore: OpenStore): void {
  describe('group → role mapping', () => {
    let store: Store;
    let opened: OpenedStore;
    beforeEach(async () => {
      opened = await openStore();
      store = opened.store;
      await ensureTenants(store);
      await insert(store, user('u-ada', 'ada'), user('u-bob', 'bob'), group('g-eng', 'Engineering'), group('g-platform', 'Platform'), group('g-loop', 'Loop'));
      await insert(store, user('u-other', 'ada', {}, { tenantId: OTHER_TENANT }), group('g-eng', 'Engineering', { tenantId: OTHER_TENANT }));
      await store.transaction(async (writer) => {
        await writer.addMembers(TENANT, 'g-platform', [{ value: 'u-ada', type: 'User' }]);
        await writer.addMembers(TENANT, 'g-eng', [{ value: 'g-platform', type: 'Group' }, { value: 'u-bob', type: 'User' }]);
        // A cycle: Loop in Engineering in Loop.
        await writer.addMembers(TENANT, 'g-loop', [{ value: 'g-eng', type: 'Group' }]);
        await writer.addMembers(TENANT, 'g-eng', [{ value: 'g-loop', type: 'Group' }]);
      });
      return () => opened.close();
    });

    const rule = (id: string, matchBy: 'displayName' | 'externalId' | 'id', matchValue: string, role: string, precedence = 100, tenantId = TENANT) =>
      store.transaction(() => store.roles.insertMapping({ tenantId, id, matchBy, matchValue, role, precedence, createdAt: NOW }));

    it('keeps rules per tenant in precedence order, then role, with the default role', async () => {
      await rule('r1', 'displayName', 'Engineering', 'viewer', 20);
      await rule('r2', 'id', 'g-eng', 'editor', 10);
      await rule('r3', 'externalId', 'x', 'admin', 20);
      await rule('r9', 'displayName', 'Engineering', 'other-tenant', 1, OTHER_TENANT);
      await store.roles.setDefaultRole(TENANT, 'member');
      const rules = await store.roles.rules(TENANT);
      expect(rules.defaultRole).toBe('member');
      expect(rules.mappings).toEqual([
        { id: 'r2', matchBy: 'id', matchValue: 'g-eng', role: 'editor', precedence: 10, createdAt: NOW },
        { id: 'r3', matchBy: 'externalId', matchValue: 'x', role: 'admin', precedence: 20, createdAt: NOW },
        { id: 'r1', matchBy: 'displayName', matchValue: 'Engineering', role: 'viewer', precedence: 20, createdAt: NOW },
      ]);
      await store.roles.setDefaultRole(TENANT, null);
      expect((await store.roles.rules(TENANT)).defaultRole).toBeNull();
      expect((await store.roles.rules(OTHER_TENANT)).mappings.map((mapping) => mapping.id)).toEqual(['r9']);
    });

    it('refuses a second rule giving the same role to the same group (displayName case-insensitively) with 409', async () => {
      await rule('r1', 'displayName', 'Engineering', 'editor');
      const error = await scimErrorOf(rule('r2', 'displayName', 'ENGINEERING', 'editor'));
      expect([error.status, error.scimType]).toEqual([409, 'uniqueness']);
      await rule('r3', 'externalId', 'Engineering', 'editor');
      expect((await store.roles.rules(TENANT)).mappings.map((mapping) => mapping.id).sort()).toEqual(['r1', 'r3']);
    });

    it('finds the users beneath groups at any depth, through a cycle, and only in the tenant', async () => {
      expect(await store.roles.usersBeneath(TENANT, ['g-eng'])).toEqual(['u-ada', 'u-bob']);
      expect(await store.roles.usersBeneath(TENANT, ['g-loop'])).toEqual(['u-ada', 'u-bob']);
      expect(await store.roles.usersBeneath(TENANT, ['g-platform'])).toEqual(['u-ada']);
      expect(await store.roles.usersBeneath(OTHER_TENANT, ['g-eng'])).toEqual([]);
      expect(await store.roles.usersOfTenant(TENANT)).toEqual(['u-ada', 'u-bob']);
    });

    it('recomputes roles from nested groups, stores them, and reports only the users whose roles changed', async () => {
      await rule('r1', 'displayName', 'engineering', 'editor', 10);
      await rule('r2', 'id', 'g-platform', 'deployer', 5);
      const first = await store.transaction(() => store.roles.recompute(TENANT, ['u-bob', 'u-ada', 'no-such-user']));
      expect(first).toEqual([
        { userId: 'u-ada', before: [], after: ['deployer', 'editor'] },
        { userId: 'u-bob', before: [], after: ['editor'] },
      ]);
      expect(Object.fromEntries(await store.roles.rolesOf(TENANT, ['u-ada', 'u-bob', 'no-such-user']))).toEqual({ 'u-ada': ['deployer', 'editor'], 'u-bob': ['editor'] });
      expect(await store.transaction(() => store.roles.recompute(TENANT, ['u-ada', 'u-bob']))).toEqual([]);
      await store.roles.setDefaultRole(TENANT, 'member');
      await store.transaction(async (writer) => {
        await writer.removeMembers(TENANT, 'g-eng', ['u-bob']);
        expect(await store.roles.recompute(TENANT, ['u-bob'])).toEqual([{ userId: 'u-bob', before: ['editor'], after: ['member'] }]);
      });
      expect((await store.roles.rolesOf(OTHER_TENANT, ['u-other'])).get('u-other')).toBeUndefined();
    });

    it('without rules writes no row (a user without one has no roles) and clears a row that still holds roles', async () => {
      await rule('r1', 'displayName', 'Platform', 'deployer');
      await store.transaction(() => store.roles.recompute(TENANT, ['u-ada']));
      await store.transaction(() => store.roles.deleteMapping(TENANT, 'r1'));
      const changes = await store.transaction(() => store.roles.recompute(TENANT, ['u-ada', 'u-bob'], new Set(['u-bob'])));
      expect(changes).toEqual([{ userId: 'u-ada', before: ['deployer'], after: [] }]);
      expect(Object.fromEntries(await store.roles.rolesOf(TENANT, ['u-ada', 'u-bob']))).toEqual({ 'u-ada': [] });
    });

    it('with rules, computes a user created in the transaction like any other and gives them a row', async () => {
      await store.roles.setDefaultRole(TENANT, 'member');
      const changes = await store.transaction(() => store.roles.recompute(TENANT, ['u-bob'], new Set(['u-bob'])));
      expect(changes).toEqual([{ userId: 'u-bob', before: [], after: ['member'] }]);
      expect(Object.fromEntries(await store.roles.rolesOf(TENANT, ['u-bob']))).toEqual({ 'u-bob': ['member'] });
    });

    it('two instances giving one user two groups at once both count: the later computes from what the earlier committed', async () => {
      await rule('r1', 'id', 'g-solo-a', 'reader');
      await rule('r2', 'id', 'g-solo-b', 'writer');
      await insert(store, user('u-cy', 'cy'), group('g-solo-a', 'A'), group('g-solo-b', 'B'));
      await store.transaction(() => store.roles.recompute(TENANT, ['u-cy']));
      const second = await opened.another();
      const join = (instance: Store, groupId: string) =>
        instance.transaction(async (writer) => {
          await writer.addMembers(TENANT, groupId, [{ value: 'u-cy', type: 'User' }]);
          return instance.roles.recompute(TENANT, ['u-cy']);
        });
      await Promise.all([join(store, 'g-solo-a'), join(second, 'g-solo-b')]);
      expect((await store.roles.rolesOf(TENANT, ['u-cy'])).get('u-cy')).toEqual(['reader', 'writer']);
    });

    it('rolls the recomputed roles back with the transaction that changed them', async () => {
      await rule('r1', 'displayName', 'Platform', 'deployer');
      await expect(
        store.transaction(async () => {
          await store.roles.recompute(TENANT, ['u-ada']);
          throw new Error('the change fails after its roles were computed');
        }),
      ).rejects.toThrow('the change fails');
      expect((await store.roles.rolesOf(TENANT, ['u-ada'])).get('u-ada')).toBeUndefined();
    });

    it('forgets a deleted user’s roles and removes a rule once', async () => {
      await rule('r1', 'displayName', 'Platform', 'deployer');
      await store.transaction(() => store.roles.recompute(TENANT, ['u-ada']));
      await store.transaction((writer) => writer.deleteResource(TENANT, 'User', 'u-ada', NOW));
      expect((await store.roles.rolesOf(TENANT, ['u-ada'])).size).toBe(0);
      expect((await store.transaction(() => store.roles.deleteMapping(TENANT, 'r1')))?.role).toBe('deployer');
      expect(await store.transaction(() => store.roles.deleteMapping(TENANT, 'r1'))).toBeUndefined();
    });
  });
}
