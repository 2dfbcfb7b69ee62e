import { beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/store.js';
import { CORE_USER, ENTERPRISE_USER, ensureTenants, group, idsMatching, insert, list, OTHER_TENANT, scimErrorOf, user, type OpenStore } from './support.js';

const RFC_INSTANT = '2011-05-13T04:42:34.000Z';

/**
 * Users chosen so that every RFC 7644 §3.4.2.2 example filter matches some
 * and misses others; `u-split` has a work email and an example.com email in
 * different elements, which only a same-element value filter tells apart.
 */
const seeds = [
  user(
    'u-bjensen',
    'bjensen',
    {
      schemas: [CORE_USER, ENTERPRISE_USER],
      externalId: 'EXT-701984',
      title: 'Tour Guide',
      userType: 'Employee',
      active: true,
      name: { familyName: 'Jensen', givenName: 'Barbara' },
      emails: [
        { value: 'bjensen@example.com', type: 'work', primary: true },
        { value: 'babs@jensen.org', type: 'home' },
      ],
      [ENTERPRISE_USER]: { employeeNumber: '701984', department: 'Tour Operations', manager: { value: 'u-jsmith' } },
    },
    { now: RFC_INSTANT },
  ),
  user(
    'u-omalley',
    'omalley',
    { userType: 'Contractor', active: false, name: { familyName: "O'Malley" }, emails: [{ value: 'omalley@example.org', type: 'work' }] },
    { now: '2010-01-01T00:00:00.000Z' },
  ),
  user(
    'u-jsmith',
    'JSmith',
    { title: 'Engineer', userType: 'Employee', externalId: 'ext-701984', emails: [{ value: 'jsmith@example.com', type: 'home' }] },
    { now: '2012-01-01T00:00:00.000Z' },
  ),
  user(
    'u-jdoe',
    'jdoe',
    { userType: 'Intern', emails: [{ value: 'jdoe@other.net', type: 'work' }], ims: [{ value: 'jdoe@foo.com', type: 'xmpp' }] },
    { now: '2011-05-13T04:42:35.000Z' },
  ),
  // An empty title and an empty email list are absent for "pr" (RFC 7643 §2.5).
  user('u-intern', 'mintern', { userType: 'Intern', title: '', emails: [] }, { now: '2011-05-13T04:42:33.999Z' }),
  user(
    'u-home',
    'home-user',
    { schemas: [CORE_USER, ENTERPRISE_USER], emails: [{ value: 'home@EXAMPLE.COM', type: 'Work' }], displayName: 'Émile Zoë' },
    { now: '2013-01-01T00:00:00.000Z' },
  ),
  user(
    'u-split',
    'split',
    {
      userType: 'Employee',
      emails: [
        { value: 'split@example.com', type: 'home' },
        { value: 'split@other.org', type: 'work' },
      ],
    },
    { now: '2009-06-01T00:00:00.000Z' },
  ),
  // Another tenant holding look-alikes of everything: no filter may reach them.
  user(
    'x-bjensen',
    'bjensen',
    { title: 'Tour Guide', userType: 'Employee', emails: [{ value: 'bjensen@example.com', type: 'work' }] },
    { tenantId: OTHER_TENANT, now: RFC_INSTANT },
  ),
];

/** RFC 7644 §3.4.2.2, the example filters (in the order the RFC lists them), with the ids each selects here. */
export const rfcExampleFilters: readonly (readonly [string, readonly string[]])[] = [
  ['userName eq "bjensen"', ['u-bjensen']],
  ['name.familyName co "O\'Malley"', ['u-omalley']],
  ['userName sw "J"', ['u-jdoe', 'u-jsmith']],
  ['urn:ietf:params:scim:schemas:core:2.0:User:userName sw "J"', ['u-jdoe', 'u-jsmith']],
  ['title pr', ['u-bjensen', 'u-jsmith']],
  ['meta.lastModified gt "2011-05-13T04:42:34Z"', ['u-home', 'u-jdoe', 'u-jsmith']],
  ['meta.lastModified ge "2011-05-13T04:42:34Z"', ['u-bjensen', 'u-home', 'u-jdoe', 'u-jsmith']],
  ['meta.lastModified lt "2011-05-13T04:42:34Z"', ['u-intern', 'u-omalley', 'u-split']],
  ['meta.lastModified le "2011-05-13T04:42:34Z"', ['u-bjensen', 'u-intern', 'u-omalley', 'u-split']],
  ['title pr and userType eq "Employee"', ['u-bjensen', 'u-jsmith']],
  ['title pr or userType eq "Intern"', ['u-bjensen', 'u-intern', 'u-jdoe', 'u-jsmith']],
  ['schemas eq "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"', ['u-bjensen', 'u-home']],
  ['userType eq "Employee" and (emails co "example.com" or emails.value co "example.org")', ['u-bjensen', 'u-jsmith', 'u-split']],
  ['userType ne "Employee" and not (emails co "example.com" or emails.value co "example.org")', ['u-intern', 'u-jdoe']],
  ['userType eq "Employee" and (emails.type eq "work")', ['u-bjensen', 'u-split']],
  ['userType eq "Employee" and emails[type eq "work" and value co "@example.com"]', ['u-bjensen']],
  ['emails[type eq "work" and value co "@example.com"] or ims[type eq "xmpp" and value co "@foo.com"]', ['u-bjensen', 'u-home', 'u-jdoe']],
];

/** Semantics beyond the RFC examples that every store must share with the in-memory evaluator (src/core/filter/evaluate.ts). */
const semanticFilters: readonly (readonly [string, readonly string[]])[] = [
  // Two-valued logic: a missing attribute is "ne" anything, and "not (eq)" holds for it.
  ['title ne "Tour Guide"', ['u-home', 'u-intern', 'u-jdoe', 'u-jsmith', 'u-omalley', 'u-split']],
  ['not (title eq "Tour Guide")', ['u-home', 'u-intern', 'u-jdoe', 'u-jsmith', 'u-omalley', 'u-split']],
  ['not (title pr)', ['u-home', 'u-intern', 'u-jdoe', 'u-omalley', 'u-split']],
  ['title eq null', ['u-home', 'u-intern', 'u-jdoe', 'u-omalley', 'u-split']],
  ['title ne null', ['u-bjensen', 'u-jsmith']],
  // Multi-valued "ne" (RFC 7644 §3.4.2.2: "matches if any of the values …
  // match"): some element differs, as in emails[type ne "work"]; without
  // emails there is no value to match. "not (eq)" is the negation.
  ['emails.type ne "work"', ['u-bjensen', 'u-jsmith', 'u-split']],
  ['emails[type ne "work"]', ['u-bjensen', 'u-jsmith', 'u-split']],
  ['not (emails.type eq "work")', ['u-intern', 'u-jsmith']],
  ['emails pr', ['u-bjensen', 'u-home', 'u-jdoe', 'u-jsmith', 'u-omalley', 'u-split']],
  ['not (emails[type eq "work"])', ['u-intern', 'u-jsmith']],
  // caseExact: id and externalId compare exactly; userName, emails and types do not.
  ['externalId eq "EXT-701984"', ['u-bjensen']],
  ['externalId co "ext"', ['u-jsmith']],
  ['id eq "U-BJENSEN"', []],
  ['id eq "u-bjensen"', ['u-bjensen']],
  ['userName eq "JSMITH"', ['u-jsmith']],
  ['emails.value ew "@EXAMPLE.COM"', ['u-bjensen', 'u-home', 'u-jsmith', 'u-split']],
  ['emails[type eq "WORK" and value sw "HOME@"]', ['u-home']],
  // Non-ASCII text folds like JavaScript's toLowerCase().
  ['displayName eq "émile zoë"', ['u-home']],
  ['displayName co "ZOË"', ['u-home']],
  ['displayName gt "e"', ['u-home']],
  // Booleans, ordering operators on strings, ids of the resource type.
  ['active eq true', ['u-bjensen']],
  ['active eq false', ['u-omalley']],
  ['active ne true', ['u-home', 'u-intern', 'u-jdoe', 'u-jsmith', 'u-omalley', 'u-split']],
  ['userName gt "mintern"', ['u-omalley', 'u-split']],
  ['userName le "home-user"', ['u-bjensen', 'u-home']],
  ['meta.resourceType eq "User"', ['u-bjensen', 'u-home', 'u-intern', 'u-jdoe', 'u-jsmith', 'u-omalley', 'u-split']],
  ['meta.created eq "2011-05-13T06:42:34+02:00"', ['u-bjensen']],
  // Extension attributes, qualified by their schema URN.
  [`${ENTERPRISE_USER}:employeeNumber eq "701984"`, ['u-bjensen']],
  [`${ENTERPRISE_USER}:manager.value eq "u-jsmith"`, ['u-bjensen']],
  [`${ENTERPRISE_USER}:department pr`, ['u-bjensen']],
  [`${ENTERPRISE_USER}:manager pr`, ['u-bjensen']],
  // LIKE wildcards in values are plain characters.
  ['userName co "%"', []],
  ['userName co "_"', []],
  ['userName co "-"', ['u-home']],
  // Precedence: "and" binds tighter than "or".
  ['userType eq "Intern" or userType eq "Employee" and title pr', ['u-bjensen', 'u-intern', 'u-jdoe', 'u-jsmith']],
  ['(userType eq "Intern" or userType eq "Employee") and title pr', ['u-bjensen', 'u-jsmith']],
];

export function describeFilterContract(openStore: OpenStore): void {
  describe('filters', () => {
    let store: Store;
    beforeAll(async () => {
      const opened = await openStore();
      store = opened.store;
      await ensureTenants(store);
      await insert(store, ...seeds, group('g-tour', 'Tour Guides'), group('g-tour-2', 'TOUR GUIDES', { tenantId: OTHER_TENANT }));
      return () => opened.close();
    });

    for (const [filter, expected] of rfcExampleFilters) {
      it(`RFC 7644 §3.4.2.2 example: ${filter}`, async () => {
        expect(await idsMatching(store, 'User', filter)).toEqual(expected);
      });
    }

    for (const [filter, expected] of semanticFilters) {
      it(`matches like the in-memory evaluator: ${filter}`, async () => {
        expect(await idsMatching(store, 'User', filter)).toEqual(expected);
      });
    }

    it('filters Groups by displayName case-insensitively, within the tenant', async () => {
      expect(await idsMatching(store, 'Group', 'displayName eq "tour guides"')).toEqual(['g-tour']);
      expect(await idsMatching(store, 'Group', 'displayName eq "tour guides"', OTHER_TENANT)).toEqual(['g-tour-2']);
    });

    it('never matches across tenants, also in the totals', async () => {
      const result = await list(store, 'User', { filter: 'userName eq "bjensen"', tenantId: OTHER_TENANT });
      expect(result.totalResults).toBe(1);
      expect(result.resources.map((resource) => resource.id)).toEqual(['x-bjensen']);
      expect((await list(store, 'User', { tenantId: OTHER_TENANT })).totalResults).toBe(1);
      expect((await list(store, 'User')).totalResults).toBe(7);
    });

    it('rejects what it cannot express with 400 invalidFilter', async () => {
      for (const filter of ['nickname2 eq "x"', 'password eq "secret"', 'name eq "x"', 'active gt true', 'meta.location pr', 'members.value eq "x"']) {
        const error = await scimErrorOf(list(store, 'User', { filter }));
        expect(error.status, filter).toBe(400);
        expect(error.scimType, filter).toBe('invalidFilter');
      }
    });
  });
}
