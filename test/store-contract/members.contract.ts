import { beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/store.js';
import { ensureTenants, group, idsMatching, insert, LATER, OTHER_TENANT, TENANT, user, type OpenStore } from './support.js';

export function describeMemberContract(openStore: OpenStore): void {
  describe('group members', () => {
    let store: Store;
    beforeEach(async () => {
      const opened = await openStore();
      store = opened.store;
      await ensureTenants(store);
      await insert(
        store,
        user('u-babs', 'bjensen', { displayName: 'Babs Jensen' }),
        user('u-jsmith', 'jsmith'),
        group('g-admins', 'Admins'),
        group('g-staff', 'Staff'),
        group('g-all', 'Everyone'),
        group('g-other', 'Globex Admins', { tenantId: OTHER_TENANT }),
      );
      return () => opened.close();
    });

    const add = (groupId: string, ...members: { value: string; type: 'User' | 'Group' }[]) =>
      store.transaction((writer) => writer.addMembers(TENANT, groupId, members));

    it('adds members idempotently and lists them by member id with their display names', async () => {
      expect(await add('g-admins', { value: 'u-jsmith', type: 'User' }, { value: 'u-babs', type: 'User' }, { value: 'g-staff', type: 'Group' })).toEqual([
        { value: 'u-jsmith', type: 'User' },
        { value: 'u-babs', type: 'User' },
        { value: 'g-staff', type: 'Group' },
      ]);
      // Already there, and named twice: nothing added, nothing reported.
      expect(await add('g-admins', { value: 'u-babs', type: 'User' }, { value: 'u-babs', type: 'User' })).toEqual([]);
      expect(await store.reader.listMembers(TENANT, 'g-admins')).toEqual([
        { value: 'g-staff', type: 'Group', display: 'Staff' },
        // displayName when the User has one, else userName.
        { value: 'u-babs', type: 'User', display: 'Babs Jensen' },
        { value: 'u-jsmith', type: 'User', display: 'jsmith' },
      ]);
    });

    it('removes exactly the given members, and all of them', async () => {
      await add('g-admins', { value: 'u-jsmith', type: 'User' }, { value: 'u-babs', type: 'User' }, { value: 'g-staff', type: 'Group' });
      expect(await store.transaction((writer) => writer.removeMembers(TENANT, 'g-admins', ['u-babs', 'not-a-member']))).toEqual([{ value: 'u-babs', type: 'User' }]);
      expect((await store.reader.listMembers(TENANT, 'g-admins')).map((member) => member.value)).toEqual(['g-staff', 'u-jsmith']);
      expect(await store.transaction((writer) => writer.removeAllMembers(TENANT, 'g-admins'))).toEqual([
        { value: 'g-staff', type: 'Group' },
        { value: 'u-jsmith', type: 'User' },
      ]);
      expect(await store.reader.listMembers(TENANT, 'g-admins')).toEqual([]);
    });

    it('deleting a User removes it from every group', async () => {
      await add('g-admins', { value: 'u-babs', type: 'User' }, { value: 'u-jsmith', type: 'User' });
      await add('g-staff', { value: 'u-babs', type: 'User' });
      await store.transaction((writer) => writer.deleteResource(TENANT, 'User', 'u-babs', LATER));
      expect((await store.reader.listMembers(TENANT, 'g-admins')).map((member) => member.value)).toEqual(['u-jsmith']);
      expect(await store.reader.listMembers(TENANT, 'g-staff')).toEqual([]);
      expect(await idsMatching(store, 'Group', 'members.value eq "u-babs"')).toEqual([]);
    });

    it('deleting a member gives each group that lost it a new version and lastModified', async () => {
      await add('g-admins', { value: 'u-babs', type: 'User' });
      const before = await store.reader.getResource(TENANT, 'Group', 'g-admins');
      const untouched = await store.reader.getResource(TENANT, 'Group', 'g-staff');
      await store.transaction((writer) => writer.deleteResource(TENANT, 'User', 'u-babs', LATER));
      const after = await store.reader.getResource(TENANT, 'Group', 'g-admins');
      expect(after?.version).toBe((before?.version ?? 0) + 1);
      expect(after?.lastModified).toBe(LATER);
      expect(await store.reader.getResource(TENANT, 'Group', 'g-staff')).toEqual(untouched);
    });

    it('deleting a Group removes its member rows and its own membership in other groups', async () => {
      await add('g-staff', { value: 'u-babs', type: 'User' });
      await add('g-all', { value: 'g-staff', type: 'Group' }, { value: 'u-jsmith', type: 'User' });
      await store.transaction((writer) => writer.deleteResource(TENANT, 'Group', 'g-staff', LATER));
      expect(await store.reader.listMembers(TENANT, 'g-staff')).toEqual([]);
      expect((await store.reader.listMembers(TENANT, 'g-all')).map((member) => member.value)).toEqual(['u-jsmith']);
      expect(await store.reader.listMemberships(TENANT, 'u-babs')).toEqual([]);
      // A new group with the old id starts empty.
      await insert(store, group('g-staff', 'Staff again'));
      expect(await store.reader.listMembers(TENANT, 'g-staff')).toEqual([]);
    });

    it('RFC 7643 §4.1.2 groups: direct and indirect memberships through nested groups', async () => {
      await add('g-staff', { value: 'u-babs', type: 'User' });
      await add('g-all', { value: 'g-staff', type: 'Group' });
      expect(await store.reader.listMemberships(TENANT, 'u-babs')).toEqual([
        { value: 'g-all', display: 'Everyone', type: 'indirect' },
        { value: 'g-staff', display: 'Staff', type: 'direct' },
      ]);
      await add('g-all', { value: 'u-babs', type: 'User' });
      expect((await store.reader.listMemberships(TENANT, 'u-babs')).map((membership) => membership.type)).toEqual(['direct', 'direct']);
      expect(await store.reader.listMemberships(TENANT, 'g-staff')).toEqual([{ value: 'g-all', display: 'Everyone', type: 'direct' }]);
      expect(await store.reader.listMemberships(TENANT, 'u-jsmith')).toEqual([]);
    });

    it('terminates on a cycle of nested groups', async () => {
      await add('g-admins', { value: 'g-staff', type: 'Group' }, { value: 'u-babs', type: 'User' });
      await add('g-staff', { value: 'g-all', type: 'Group' });
      await add('g-all', { value: 'g-admins', type: 'Group' });
      expect(await store.reader.listMemberships(TENANT, 'u-babs')).toEqual([
        { value: 'g-admins', display: 'Admins', type: 'direct' },
        { value: 'g-all', display: 'Everyone', type: 'indirect' },
        { value: 'g-staff', display: 'Staff', type: 'indirect' },
      ]);
      // A group reached back through the cycle is not listed as its own member.
      expect((await store.reader.listMemberships(TENANT, 'g-admins')).map((membership) => membership.value)).toEqual(['g-all', 'g-staff']);
      expect(await idsMatching(store, 'User', 'groups.value eq "g-staff"')).toEqual(['u-babs']);
    });

    it('filters Groups on members and Users on groups (RFC 7644 §3.4.2.2)', async () => {
      await add('g-admins', { value: 'u-babs', type: 'User' }, { value: 'g-staff', type: 'Group' });
      await add('g-staff', { value: 'u-jsmith', type: 'User' });
      expect(await idsMatching(store, 'Group', 'members.value eq "u-babs"')).toEqual(['g-admins']);
      expect(await idsMatching(store, 'Group', 'members[type eq "group"]')).toEqual(['g-admins']);
      expect(await idsMatching(store, 'Group', 'members pr')).toEqual(['g-admins', 'g-staff']);
      expect(await idsMatching(store, 'Group', 'not (members pr)')).toEqual(['g-all']);
      expect(await idsMatching(store, 'User', 'groups.value eq "g-admins"')).toEqual(['u-babs', 'u-jsmith']);
      expect(await idsMatching(store, 'User', 'groups[display eq "staff"]')).toEqual(['u-jsmith']);
      expect(await idsMatching(store, 'User', 'groups eq "g-staff"')).toEqual(['u-jsmith']);
    });

    it('reads ne on members and groups as "some member (group) differs", and pr/eq null over the elements (RFC 7644 §3.4.2.2)', async () => {
      // g-admins: u-babs and g-staff; g-staff: u-jsmith; g-all: nobody.
      await add('g-admins', { value: 'u-babs', type: 'User' }, { value: 'g-staff', type: 'Group' });
      await add('g-staff', { value: 'u-jsmith', type: 'User' });
      expect(await idsMatching(store, 'Group', 'members.value ne "u-babs"')).toEqual(['g-admins', 'g-staff']);
      expect(await idsMatching(store, 'Group', 'members ne "u-jsmith"')).toEqual(['g-admins']);
      expect(await idsMatching(store, 'Group', 'members[value ne "u-jsmith"]')).toEqual(['g-admins']);
      expect(await idsMatching(store, 'Group', 'members.type ne "User"')).toEqual(['g-admins']);
      expect(await idsMatching(store, 'Group', 'not (members.type eq "User")')).toEqual(['g-all']);
      expect(await idsMatching(store, 'Group', 'members eq null')).toEqual(['g-all']);
      expect(await idsMatching(store, 'Group', 'members ne null')).toEqual(['g-admins', 'g-staff']);
      // u-babs is in g-admins only; u-jsmith in g-staff and, through it, g-admins.
      expect(await idsMatching(store, 'User', 'groups.value ne "g-admins"')).toEqual(['u-jsmith']);
      expect(await idsMatching(store, 'User', 'groups[value ne "g-admins"]')).toEqual(['u-jsmith']);
      expect(await idsMatching(store, 'User', 'not (groups.value eq "g-admins")')).toEqual([]);
      expect(await idsMatching(store, 'User', 'groups.display ne "staff"')).toEqual(['u-babs', 'u-jsmith']);
      expect(await idsMatching(store, 'User', 'groups pr')).toEqual(['u-babs', 'u-jsmith']);
      expect(await idsMatching(store, 'User', 'groups eq null')).toEqual([]);
    });

    it('never crosses tenants', async () => {
      await add('g-admins', { value: 'u-babs', type: 'User' });
      expect(await store.reader.listMembers(OTHER_TENANT, 'g-admins')).toEqual([]);
      expect(await store.reader.listMemberships(OTHER_TENANT, 'u-babs')).toEqual([]);
      expect(await idsMatching(store, 'Group', 'members.value eq "u-babs"', OTHER_TENANT)).toEqual([]);
      expect(await store.transaction((writer) => writer.removeAllMembers(OTHER_TENANT, 'g-admins'))).toEqual([]);
      expect(await store.transaction((writer) => writer.removeMembers(OTHER_TENANT, 'g-admins', ['u-babs']))).toEqual([]);
      expect(await store.reader.listMembers(TENANT, 'g-admins')).toHaveLength(1);
    });
  });
}
