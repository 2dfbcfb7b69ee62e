import { beforeAll, describe, expect, it } from 'vitest';
import { parseFilter } from '../../src/core/filter/parser.js';
import type { ResourceTypeName } from '../../src/core/schema/attribute.js';
import type { KeysetPosition, ListResult, Store } from '../../src/store/store.js';
import { contractRegistry, ensureTenants, group, insert, list, OTHER_TENANT, scimErrorOf, TENANT, user, type ListOptions, type OpenStore } from './support.js';

/** One keyset page (RFC 9865 cursor paging below the HTTP layer). */
function keysetList(store: Store, resourceType: ResourceTypeName, options: ListOptions, position: KeysetPosition | undefined): Promise<ListResult> {
  const schemas = contractRegistry.forResourceType(resourceType);
  const attribute = options.sortBy === undefined ? undefined : schemas.resolvePath(options.sortBy);
  if (options.sortBy !== undefined && attribute === undefined) throw new TypeError(`Unknown sortBy ${options.sortBy}`);
  return store.reader.listResources(options.tenantId ?? TENANT, resourceType, {
    schemas,
    filter: options.filter === undefined ? undefined : parseFilter(options.filter),
    sort: attribute === undefined ? undefined : { attribute, order: options.sortOrder ?? 'ascending' },
    startIndex: 1,
    count: options.count ?? 1000,
    keyset: { position },
  });
}

/** Follows the pages forward from the first, returning each page's ids. */
async function walkForward(store: Store, resourceType: ResourceTypeName, options: ListOptions): Promise<string[][]> {
  const pages: string[][] = [];
  let position: KeysetPosition | undefined;
  for (;;) {
    const result = await keysetList(store, resourceType, options, position);
    pages.push(result.resources.map((resource) => resource.id));
    const page = result.keyset;
    expect(page).toBeDefined();
    if (page?.hasNext !== true || page.last === undefined) return pages;
    position = { direction: 'after', ...page.last };
    if (pages.length > 100) throw new TypeError('the walk does not end');
  }
}

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

    describe('keyset (cursor) paging, RFC 9865', () => {
      it('pages by id without sortBy: first page, next pages, end', async () => {
        const first = await keysetList(store, 'User', { count: 2 }, undefined);
        expect(first.totalResults).toBe(5);
        expect(first.resources.map((resource) => resource.id)).toEqual(['u1', 'u2']);
        expect(first.keyset).toEqual({ first: { sortValue: undefined, id: 'u1' }, last: { sortValue: undefined, id: 'u2' }, hasNext: true, hasPrevious: false });
        expect(await walkForward(store, 'User', { count: 2 })).toEqual([['u1', 'u2'], ['u3', 'u4'], ['u5']]);
        // A page that ends exactly at the last row has no next page.
        expect(await walkForward(store, 'User', { count: 5 })).toEqual([['u1', 'u2', 'u3', 'u4', 'u5']]);
      });

      it('pages with a filter; totalResults counts the whole filter on every page', async () => {
        const pages = await walkForward(store, 'User', { filter: 'title pr', count: 3 });
        expect(pages).toEqual([['u1', 'u3', 'u4'], ['u5']]);
        const second = await keysetList(store, 'User', { filter: 'title pr', count: 3 }, { direction: 'after', sortValue: undefined, id: 'u4' });
        expect(second.totalResults).toBe(4);
      });

      it('pages with sortBy, both orders, absent values last ascending and first descending', async () => {
        expect((await walkForward(store, 'User', { sortBy: 'userName', count: 2 })).flat()).toEqual(['u2', 'u4', 'u3', 'u1', 'u5']);
        expect((await walkForward(store, 'User', { sortBy: 'userName', sortOrder: 'descending', count: 2 })).flat()).toEqual(['u5', 'u1', 'u3', 'u4', 'u2']);
        // Ties on title (b, b, b) and u2 without one: the position carries the id that breaks the tie.
        for (const count of [1, 2, 3]) {
          expect((await walkForward(store, 'User', { sortBy: 'title', count })).flat()).toEqual(['u4', 'u1', 'u3', 'u5', 'u2']);
          expect((await walkForward(store, 'User', { sortBy: 'title', sortOrder: 'descending', count })).flat()).toEqual(['u2', 'u1', 'u3', 'u5', 'u4']);
          expect((await walkForward(store, 'User', { sortBy: 'meta.created', count })).flat()).toEqual(['u2', 'u4', 'u3', 'u1', 'u5']);
        }
        expect((await walkForward(store, 'Group', { sortBy: 'displayName', count: 1 })).flat()).toEqual(['g1', 'g2', 'g3']);
      });

      it('reads the page before a position (previousCursor)', async () => {
        const before = await keysetList(store, 'User', { sortBy: 'title', count: 2 }, { direction: 'before', sortValue: null, id: 'u2' });
        expect(before.resources.map((resource) => resource.id)).toEqual(['u3', 'u5']);
        expect(before.keyset).toMatchObject({ hasNext: true, hasPrevious: true });
        const start = await keysetList(store, 'User', { count: 2 }, { direction: 'before', sortValue: undefined, id: 'u3' });
        expect(start.resources.map((resource) => resource.id)).toEqual(['u1', 'u2']);
        expect(start.keyset).toMatchObject({ hasNext: true, hasPrevious: false });
      });

      it('rejects positions that do not fit the query with 400, never a database error', async () => {
        const wrongType = await scimErrorOf(keysetList(store, 'User', { sortBy: 'meta.created' }, { direction: 'after', sortValue: 12, id: 'u1' }));
        expect(wrongType.status).toBe(400);
        const unsorted = await scimErrorOf(keysetList(store, 'User', {}, { direction: 'after', sortValue: 'x', id: 'u1' }));
        expect(unsorted.status).toBe(400);
        // PostgreSQL text cannot hold U+0000: such a position is refused (SQLite can store it, so it simply sorts).
        const withNul = await keysetList(store, 'User', { sortBy: 'userName' }, { direction: 'after', sortValue: 'a\u0000b', id: 'u\u0000' }).then(
          () => undefined,
          (error: unknown) => error,
        );
        if (withNul !== undefined) expect(withNul).toMatchObject({ status: 400, scimType: 'invalidCursor' });
        // Values are bound parameters: SQL in a position is just text that sorts before letters.
        const injected = await keysetList(store, 'User', { sortBy: 'userName' }, { direction: 'after', sortValue: "' OR 1=1 --", id: "u1' --" });
        expect(injected.resources.map((resource) => resource.id)).toEqual(['u2', 'u4', 'u3', 'u1', 'u5']);
      });

      it('refuses a sortBy keyset paging cannot follow (a multi-valued attribute) with 400 invalidValue', async () => {
        const error = await scimErrorOf(keysetList(store, 'User', { sortBy: 'emails.value' }, undefined));
        expect(error.status).toBe(400);
        expect(error.scimType).toBe('invalidValue');
        expect(error.detail).toMatch(/cursor paging supports sorting by singular attributes/);
      });
    });

    it('rejects a sortBy it cannot order by with 400 invalidValue', async () => {
      const error = await scimErrorOf(list(store, 'User', { sortBy: 'meta.location' }));
      expect(error.status).toBe(400);
      expect(error.scimType).toBe('invalidValue');
    });
  });
}
