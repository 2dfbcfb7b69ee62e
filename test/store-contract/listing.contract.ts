import { beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/store.js';
import { ensureTenants, group, insert, list, OTHER_TENANT, scimErrorOf, user, type ListOptions, type OpenStore } from './support.js';

const seeds = [
  user('u1', 'delta', { title: 'b', name: { familyName: 'Zimmer' }, emails: [{ value: 'z@example.com' }, { value: 'A@example.com', primary: true }] }, { now: '2020-01-04T00:00:00.000Z' }),
  user('u2', 'Alpha', { name: { familyName: 'älter' }, emails: [{ value: 'm@example.com', type: 'work' }] }, { now: '2020-01-01T00:00:00.000Z' }),
  user('u3', 'charlie', { title: 'B', emails: [{ value: 'B@example.com' }, { value: 'c@example.com' }] }, { now: '2020-01-03T00:00:00.000Z' }),
  user('u4', 'BRAVO', { title: 'a', name: { familyName: 'Adams' } }, { now: '2020-01-02T00:00:00.000Z' }),
  user('u5', 'echo', { title: 'b', emails: [{ type: 'home', primary: true }, { value: 'e@example.com' }] }, { now: '2020-01-05T00:00:00.000Z' }),
  user('x1', 'aaa', {}, { tenantId: OTHER_TENANT }),
];

export function describeListingContract(openStore: OpenStore): void {
  describe('sorting and paging', () => {
    let store: Store;
    beforeAll(async () => {
      const opened = await openStore();
      store = opened.store;
      await ensureTenants(store);
      await insert(store, ...seeds, group('g2', 'beta'), group('g1', 'Alpha'), group('g3', 'Gamma'));
      return () => opened.close();
    });

    const ids = async (options: ListOptions) => (await list(store, 'User', options)).resources.map((resource) => resource.id);

    it('orders by id without sortBy', async () => {
      expect(await ids({})).toEqual(['u1', 'u2', 'u3', 'u4', 'u5']);
    });

    it('RFC 7644 §3.4.2.3: sorts case-insensitive strings case-folded, both ways', async () => {
      expect(await ids({ sortBy: 'userName' })).toEqual(['u2', 'u4', 'u3', 'u1', 'u5']);
      expect(await ids({ sortBy: 'userName', sortOrder: 'descending' })).toEqual(['u5', 'u1', 'u3', 'u4', 'u2']);
      expect((await list(store, 'Group', { sortBy: 'displayName' })).resources.map((resource) => resource.id)).toEqual(['g1', 'g2', 'g3']);
    });

    it('RFC 7644 §3.4.2.3: puts resources without a value last ascending and first descending, ties by id', async () => {
      // Titles fold to a, b, b, b; u2 has none.
      expect(await ids({ sortBy: 'title' })).toEqual(['u4', 'u1', 'u3', 'u5', 'u2']);
      expect(await ids({ sortBy: 'title', sortOrder: 'descending' })).toEqual(['u2', 'u1', 'u3', 'u5', 'u4']);
      expect(await ids({ sortBy: 'name.familyName' })).toEqual(['u4', 'u1', 'u2', 'u3', 'u5']);
    });

    it('RFC 7644 §3.4.2.3: sorts a multi-valued attribute by its primary value, else its first value', async () => {
      // u1 → a@ (primary), u2 → m@, u3 → b@ (first), u4 → none, u5 → e@ (the primary has no value).
      expect(await ids({ sortBy: 'emails' })).toEqual(['u1', 'u3', 'u5', 'u2', 'u4']);
      expect(await ids({ sortBy: 'emails.value', sortOrder: 'descending' })).toEqual(['u4', 'u2', 'u5', 'u3', 'u1']);
    });

    it('sorts dateTimes in time order', async () => {
      expect(await ids({ sortBy: 'meta.lastModified', sortOrder: 'descending' })).toEqual(['u5', 'u1', 'u3', 'u4', 'u2']);
      expect(await ids({ sortBy: 'meta.created' })).toEqual(['u2', 'u4', 'u3', 'u1', 'u5']);
    });

    it('RFC 7644 §3.4.2.4: pages with 1-based startIndex and count, totalResults counting every match', async () => {
      const page = await list(store, 'User', { sortBy: 'userName', startIndex: 2, count: 2 });
      expect(page.totalResults).toBe(5);
      expect(page.resources.map((resource) => resource.id)).toEqual(['u4', 'u3']);
      const last = await list(store, 'User', { sortBy: 'userName', startIndex: 5, count: 2 });
      expect(last.resources.map((resource) => resource.id)).toEqual(['u5']);
      const beyond = await list(store, 'User', { startIndex: 9, count: 2 });
      expect(beyond).toEqual({ totalResults: 5, resources: [] });
      const filtered = await list(store, 'User', { filter: 'title pr', startIndex: 1, count: 1 });
      expect(filtered.totalResults).toBe(4);
      expect(filtered.resources).toHaveLength(1);
    });

    it('RFC 7644 §3.4.2.4: count 0 returns only the total', async () => {
      expect(await list(store, 'User', { count: 0 })).toEqual({ totalResults: 5, resources: [] });
      expect(await list(store, 'User', { count: 0, filter: 'emails pr' })).toEqual({ totalResults: 4, resources: [] });
    });

    it('rejects a sortBy it cannot order by with 400 invalidValue', async () => {
      const error = await scimErrorOf(list(store, 'User', { sortBy: 'meta.location' }));
      expect(error.status).toBe(400);
      expect(error.scimType).toBe('invalidValue');
    });
  });
}
