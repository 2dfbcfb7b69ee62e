/**
 * Cursor-based pagination (RFC 9865) over HTTP, on every store: the
 * parameters and response attributes of §2 and §3 with the RFC's own
 * request shapes, the ServiceProviderConfig `pagination` attribute (§4),
 * and the refusals (§2.1).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build, type TestServer } from '../helpers/build.js';
import { expectScimError, json, LIST_RESPONSE_SCHEMA, SEARCH_REQUEST_SCHEMA, type Json } from '../http/support.js';
import { expectCursorValue, getPage, ids, seedUsers } from './support.js';

/** 25 users whose userName starts with J (the RFC's example filter), 5 that do not. */
const J_IDS = Array.from({ length: 25 }, (_, index) => `j${String(index).padStart(2, '0')}`);
const OTHER_IDS = ['k1', 'k2', 'k3', 'k4', 'k5'];

describe('cursor pagination (RFC 9865)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await build();
    await seedUsers(server, J_IDS, (id) => `J-${id}`);
    await seedUsers(server, OTHER_IDS, (id) => `K-${id}`);
  });
  afterAll(async () => {
    await server.close();
  });

  it('§4: ServiceProviderConfig advertises both pagination methods, index by default, and the page sizes', async () => {
    const body = json(await server.request({ method: 'GET', url: '/scim/v2/ServiceProviderConfig' }));
    expect(body['pagination']).toEqual({ cursor: true, index: true, defaultPaginationMethod: 'index', defaultPageSize: 100, maxPageSize: 1000 });
    expect(body['filter']).toMatchObject({ maxResults: 1000 });
  });

  // The RFC writes the filter as `userName sw J`; RFC 7644 §3.4.2.2 requires the string quoted, so it is quoted here.
  it('§2 example: GET /Users?filter=userName sw "J"&cursor&count=10, then each nextCursor, to the last page', async () => {
    const first = await getPage(server, '/scim/v2/Users?filter=userName%20sw%20%22J%22&cursor&count=10');
    expect(first['schemas']).toEqual([LIST_RESPONSE_SCHEMA]);
    expect(first['totalResults']).toBe(25);
    expect(first['itemsPerPage']).toBe(10);
    expect(first).not.toHaveProperty('startIndex');
    expect(first).not.toHaveProperty('previousCursor');
    expectCursorValue(first['nextCursor']);
    expect(ids(first)).toEqual(J_IDS.slice(0, 10));

    const second = await getPage(server, `/scim/v2/Users?filter=userName%20sw%20%22J%22&cursor=${first['nextCursor']}&count=10`);
    expect(second['totalResults']).toBe(25);
    expect(ids(second)).toEqual(J_IDS.slice(10, 20));
    expectCursorValue(second['previousCursor']);
    expectCursorValue(second['nextCursor']);

    const last = await getPage(server, `/scim/v2/Users?filter=userName%20sw%20%22J%22&cursor=${second['nextCursor']}&count=10`);
    expect(ids(last)).toEqual(J_IDS.slice(20));
    expect(last['itemsPerPage']).toBe(5);
    // §2: nextCursor is omitted only to say there are no more pages.
    expect(last).not.toHaveProperty('nextCursor');

    // previousCursor goes back a page.
    const back = await getPage(server, `/scim/v2/Users?filter=userName%20sw%20%22J%22&cursor=${second['previousCursor']}&count=10`);
    expect(ids(back)).toEqual(J_IDS.slice(0, 10));
    expect(back).not.toHaveProperty('previousCursor');
    expect(back['nextCursor']).toBeDefined();
  });

  it('§2: an empty cursor= is the first page; without cursor the default stays index paging', async () => {
    const empty = await getPage(server, '/scim/v2/Users?cursor=&count=7');
    expect(ids(empty)).toEqual(J_IDS.slice(0, 7));
    expectCursorValue(empty['nextCursor']);
    const indexed = await getPage(server, '/scim/v2/Users?count=7');
    expect(indexed['startIndex']).toBe(1);
    expect(indexed).not.toHaveProperty('nextCursor');
  });

  it('§2: cursor paging with sortBy follows the sort order across pages', async () => {
    const seen: string[] = [];
    let url = '/scim/v2/Users?sortBy=userName&sortOrder=descending&count=4&cursor=';
    for (let pages = 0; pages < 20; pages += 1) {
      const page = await getPage(server, url);
      seen.push(...ids(page));
      if (page['nextCursor'] === undefined) break;
      url = `/scim/v2/Users?sortBy=userName&sortOrder=descending&count=4&cursor=${page['nextCursor']}`;
    }
    expect(seen).toEqual([...OTHER_IDS].reverse().concat([...J_IDS].reverse()));
  });

  it('§3 example: POST /Users/.search with "cursor": "" and count, then the nextCursor', async () => {
    const search = (cursor: string) =>
      server.request({
        method: 'POST',
        url: '/scim/v2/Users/.search',
        body: { schemas: [SEARCH_REQUEST_SCHEMA], attributes: ['displayName', 'userName'], filter: 'userName sw "J"', cursor, count: 10 },
      });
    const first = json(await search(''));
    expect(first['totalResults']).toBe(25);
    expect(first['itemsPerPage']).toBe(10);
    expectCursorValue(first['nextCursor']);
    expect(Object.keys((first['Resources'] as Json[])[0]!).sort()).toEqual(['displayName', 'id', 'schemas', 'userName']);
    const second = json(await search(first['nextCursor'] as string));
    expect(ids(second)).toEqual(J_IDS.slice(10, 20));
  });

  it('refuses cursor together with startIndex: one pagination method per request', async () => {
    const body = expectScimError(await server.request({ method: 'GET', url: '/scim/v2/Users?cursor=&startIndex=1' }), 400, 'invalidValue');
    expect(body['detail']).toMatch(/cursor and startIndex/);
    expectScimError(await server.request({ method: 'POST', url: '/scim/v2/Users/.search', body: { cursor: '', startIndex: 3 } }), 400, 'invalidValue');
  });

  it('§2.1: a garbled, forged or foreign cursor is 400 (invalidCursor), never a 500', async () => {
    const first = await getPage(server, '/scim/v2/Users?filter=userName%20sw%20%22J%22&cursor&count=10');
    const token = first['nextCursor'] as string;
    const forged = Buffer.from(JSON.stringify({ v: 1, d: 'n', i: "x' OR '1'='1", c: '0000000000000000' })).toString('base64url');
    const wrongShape = Buffer.from(JSON.stringify([1, 2, 3])).toString('base64url');
    const notJson = Buffer.from('{"v":1,').toString('base64url');
    const badUtf8 = Buffer.from([0xff, 0xfe, 0xfd]).toString('base64url');
    const cases = [
      '/scim/v2/Users?cursor=not%20a%20cursor',
      `/scim/v2/Users?cursor=${token.slice(0, -3)}`,
      `/scim/v2/Users?cursor=${token}x`,
      `/scim/v2/Users?cursor=${forged}`,
      `/scim/v2/Users?cursor=${wrongShape}`,
      `/scim/v2/Users?cursor=${notJson}`,
      `/scim/v2/Users?cursor=${badUtf8}`,
      `/scim/v2/Users?cursor=${'A'.repeat(20_000)}`,
      // Issued for another query: the filter, the sort or the resource type differ.
      `/scim/v2/Users?cursor=${token}`,
      `/scim/v2/Users?filter=userName%20sw%20%22K%22&cursor=${token}`,
      `/scim/v2/Users?filter=userName%20sw%20%22J%22&sortBy=userName&cursor=${token}`,
      `/scim/v2/Groups?filter=displayName%20sw%20%22J%22&cursor=${token}`,
    ];
    for (const url of cases) {
      const body = expectScimError(await server.request({ method: 'GET', url }), 400, 'invalidCursor');
      expect(body['detail'], url.slice(0, 80)).toMatch(/cursor/i);
    }
  });

  it('§2.1: count must be at least 1 with a cursor (invalidCount); above maxPageSize it is lowered', async () => {
    const body = expectScimError(await server.request({ method: 'GET', url: '/scim/v2/Users?cursor=&count=0' }), 400, 'invalidCount');
    expect(body['detail']).toMatch(/count must be between 1 and/);
    const capped = await getPage(server, '/scim/v2/Users?cursor=&count=5000');
    expect(capped['itemsPerPage']).toBe(30);
    expect(capped).not.toHaveProperty('nextCursor');
  });

  it('refuses a sortBy keyset paging cannot follow, saying what it supports', async () => {
    const body = expectScimError(await server.request({ method: 'GET', url: '/scim/v2/Users?cursor=&sortBy=emails.value' }), 400, 'invalidValue');
    expect(body['detail']).toMatch(/cursor paging supports sorting by singular attributes/);
  });

  it('the root /.search (Users then Groups) offers index paging only', async () => {
    const body = expectScimError(await server.request({ method: 'POST', url: '/scim/v2/.search', body: { cursor: '' } }), 400, 'invalidValue');
    expect(body['detail']).toMatch(/\/Users\/\.search/);
  });

  it('an empty result has no cursors', async () => {
    const page = await getPage(server, '/scim/v2/Groups?cursor=');
    expect(page).toMatchObject({ totalResults: 0, itemsPerPage: 0, Resources: [] });
    expect(page).not.toHaveProperty('nextCursor');
    expect(page).not.toHaveProperty('previousCursor');
  });
});
