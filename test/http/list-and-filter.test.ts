/**
 * Listing and searching (RFC 7644 §3.4.2, §3.4.3): the §3.4.2.2 filter
 * examples on a small seeded directory with exact result ids, paging,
 * sorting, projection, POST /.search and the error paths.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build, type TestServer } from '../helpers/build.js';
import {
  createUser,
  ENTERPRISE_SCHEMA,
  expectScimError,
  expectStatus,
  GROUP_SCHEMA,
  ids,
  type Json,
  LIST_RESPONSE_SCHEMA,
  query,
  SEARCH_REQUEST_SCHEMA,
  USER_SCHEMA,
} from './support.js';

const T0 = '2011-05-13T04:42:34Z';

describe('lists and filters', () => {
  let server: TestServer;
  let clock = new Date('2011-05-01T00:00:00Z');
  /** userName → id */
  const id: Record<string, string> = {};
  let employees: Json;
  let tourGuides: Json;

  function u(...userNames: string[]): string[] {
    return userNames.map((userName) => {
      const found = id[userName];
      if (found === undefined) throw new TypeError(`no seeded user ${userName}`);
      return found;
    });
  }

  async function createAt(at: string, userName: string, extra: Json): Promise<void> {
    clock = new Date(at);
    id[userName] = (await createUser(server, userName, extra))['id'] as string;
  }

  beforeAll(async () => {
    server = await build({}, { now: () => clock });
    await createAt('2011-05-12T00:00:00Z', 'bjensen', {
      schemas: [USER_SCHEMA, ENTERPRISE_SCHEMA],
      displayName: 'Babs Jensen',
      name: { familyName: 'Jensen', givenName: 'Barbara' },
      title: 'Tour Guide',
      userType: 'Employee',
      active: true,
      emails: [{ value: 'bjensen@example.com', type: 'work', primary: true }],
      [ENTERPRISE_SCHEMA]: { employeeNumber: '701984', department: 'Tour Operations' },
    });
    await createAt(T0, 'jsmith', {
      name: { familyName: "O'Malley", givenName: 'James' },
      userType: 'Intern',
      active: false,
      emails: [{ value: 'jsmith@example.org', type: 'home' }],
      ims: [{ value: 'jsmith@foo.com', type: 'xmpp' }],
    });
    await createAt('2011-05-14T00:00:00Z', 'JDoe', {
      name: { familyName: 'Doe', givenName: 'Jane' },
      title: 'Engineer',
      userType: 'Employee',
      active: true,
      emails: [{ value: 'jdoe@example.org', type: 'work' }],
    });
    await createAt('2011-05-15T00:00:00Z', 'alice', {
      name: { familyName: 'Liddell', givenName: 'Alice' },
      userType: 'Contractor',
      active: true,
      emails: [{ value: 'alice@wonder.land', type: 'work' }],
    });
    await createAt('2011-05-16T00:00:00Z', 'zed', {
      schemas: [USER_SCHEMA, ENTERPRISE_SCHEMA],
      title: 'Manager',
      userType: 'Employee',
      active: true,
      [ENTERPRISE_SCHEMA]: { department: 'Sales' },
    });
    clock = new Date('2011-05-17T00:00:00Z');
    employees = expectStatus(
      await server.request({
        method: 'POST',
        url: '/scim/v2/Groups',
        body: { schemas: [GROUP_SCHEMA], displayName: 'Employees', members: u('bjensen', 'JDoe', 'zed').map((value) => ({ value })) },
      }),
      201,
    );
    tourGuides = expectStatus(
      await server.request({ method: 'POST', url: '/scim/v2/Groups', body: { schemas: [GROUP_SCHEMA], displayName: 'Tour Guides', members: [{ value: id['bjensen'] }] } }),
      201,
    );
  });
  afterAll(async () => {
    await server.close();
  });

  async function list(parameters: Record<string, string | number>, endpoint = '/Users'): Promise<Json> {
    return expectStatus(await server.request({ method: 'GET', url: `/scim/v2${endpoint}?${query(parameters)}` }), 200);
  }
  async function filterIds(filter: string): Promise<string[]> {
    const body = await list({ filter, count: 100 });
    expect(body['totalResults']).toBe((body['Resources'] as Json[]).length);
    return ids(body).sort();
  }
  function sorted(values: string[]): string[] {
    return [...values].sort();
  }

  describe('the RFC 7644 §3.4.2.2 filter examples', () => {
    it.each([
      ['userName eq "bjensen"', ['bjensen']],
      ['name.familyName co "O\'Malley"', ['jsmith']],
      ['userName sw "J"', ['jsmith', 'JDoe']],
      [`${USER_SCHEMA}:userName sw "J"`, ['jsmith', 'JDoe']],
      ['title pr', ['bjensen', 'JDoe', 'zed']],
      [`meta.lastModified gt "${T0}"`, ['JDoe', 'alice', 'zed']],
      [`meta.lastModified ge "${T0}"`, ['jsmith', 'JDoe', 'alice', 'zed']],
      [`meta.lastModified lt "${T0}"`, ['bjensen']],
      [`meta.lastModified le "${T0}"`, ['bjensen', 'jsmith']],
      ['title pr and userType eq "Employee"', ['bjensen', 'JDoe', 'zed']],
      ['title pr or userType eq "Intern"', ['bjensen', 'jsmith', 'JDoe', 'zed']],
      [`schemas eq "${ENTERPRISE_SCHEMA}"`, ['bjensen', 'zed']],
      ['userType eq "Employee" and (emails co "example.com" or emails.value co "example.org")', ['bjensen', 'JDoe']],
      ['userType ne "Employee" and not (emails co "example.com" or emails.value co "example.org")', ['alice']],
      ['userType eq "Employee" and (emails.type eq "work")', ['bjensen', 'JDoe']],
      ['userType eq "Employee" and emails[type eq "work" and value co "@example.com"]', ['bjensen']],
      ['emails[type eq "work" and value co "@example.com"] or ims[type eq "xmpp" and value co "@foo.com"]', ['bjensen', 'jsmith']],
    ])('%s', async (filter, expected) => {
      expect(await filterIds(filter)).toEqual(sorted(u(...expected)));
    });
  });

  describe('more filters', () => {
    it.each([
      ['userName eq "BJENSEN"', ['bjensen']],
      ['USERNAME EQ "bjensen"', ['bjensen']],
      ['userName ne "bjensen"', ['jsmith', 'JDoe', 'alice', 'zed']],
      ['userName ew "SMITH"', ['jsmith']],
      ['userName gt "j"', ['jsmith', 'JDoe', 'zed']],
      ['userName le "bjensen"', ['alice', 'bjensen']],
      ['active eq true', ['bjensen', 'JDoe', 'alice', 'zed']],
      ['active eq false', ['jsmith']],
      ['emails.value ew "example.org"', ['jsmith', 'JDoe']],
      ['emails pr', ['bjensen', 'jsmith', 'JDoe', 'alice']],
      ['not (emails pr)', ['zed']],
      [`${ENTERPRISE_SCHEMA}:department eq "Sales"`, ['zed']],
      [`${ENTERPRISE_SCHEMA}:employeeNumber pr`, ['bjensen']],
      ['name.givenName sw "ja" and name.familyName eq "doe"', ['JDoe']],
      ['meta.resourceType eq "User"', ['bjensen', 'jsmith', 'JDoe', 'alice', 'zed']],
      ['userName eq "nobody"', []],
      ['(userName eq "alice") or ((userName eq "zed"))', ['alice', 'zed']],
    ])('%s', async (filter, expected) => {
      expect(await filterIds(filter)).toEqual(sorted(u(...expected)));
    });

    it('filters by id', async () => {
      expect(await filterIds(`id eq "${u('alice')[0] as string}"`)).toEqual(u('alice'));
    });

    it.each([
      ['co "%"', 'userName co "%"'],
      ['co "_"', 'userName co "_"'],
      ['sw "_"', 'userName sw "_"'],
      ['ew "%"', 'userName ew "%"'],
      ['co "\\\\"', 'userName co "\\\\"'],
      ['sw "%" in a value path', 'emails[value sw "%"]'],
      ['an escaped quote trying to close the string', 'userName eq "x\\" or \\"1\\"=\\"1"'],
      ['an SQL comment', 'userName eq "bjensen\' --"'],
      ['an SQL statement', 'userName eq "\\"); DROP TABLE users; --"'],
    ])('treats %s as data, matching nothing', async (_name, filter) => {
      expect(await filterIds(filter)).toEqual([]);
    });

    it('matches a literal % or _ in a value and nothing else', async () => {
      const percent = await createUser(server, 'per%cent_user');
      try {
        expect(await filterIds('userName co "%"')).toEqual([percent['id']]);
        expect(await filterIds('userName co "_"')).toEqual([percent['id']]);
        expect(await filterIds('userName sw "per%"')).toEqual([percent['id']]);
        expect(await filterIds('userName co "r%c"')).toEqual([percent['id']]);
        expect(await filterIds('userName co "r_c"')).toEqual([]);
      } finally {
        expectStatus(await server.request({ method: 'DELETE', url: `/scim/v2/Users/${percent['id'] as string}` }), 204);
      }
    });

    it('filters groups by displayName and member', async () => {
      const byName = await list({ filter: 'displayName eq "employees"' }, '/Groups');
      expect(ids(byName)).toEqual([employees['id']]);
      const byMember = await list({ filter: `members.value eq "${u('bjensen')[0] as string}"` }, '/Groups');
      expect(ids(byMember).sort()).toEqual([employees['id'], tourGuides['id']].sort());
      const byMemberPath = await list({ filter: `members[value eq "${u('zed')[0] as string}"]` }, '/Groups');
      expect(ids(byMemberPath)).toEqual([employees['id']]);
    });
  });

  describe('bad filters', () => {
    it.each([
      ['a missing comparison value', 'userName eq'],
      ['an unknown operator', 'userName xx "bjensen"'],
      ['an unbalanced (', '(userName eq "bjensen"'],
      ['an unbalanced )', 'userName eq "bjensen")'],
      ['an unclosed [', 'emails[type eq "work"'],
      ['an unterminated string', 'userName eq "bjensen'],
      ['single quotes', "userName eq 'bjensen'"],
      ['a dangling and', 'userName eq "bjensen" and'],
      ['two values', 'userName eq "a" "b"'],
      ['a bare word value', 'userName eq bjensen'],
      ['an empty filter', ' '],
    ])('%s is 400 invalidFilter naming a column', async (_name, filter) => {
      const body = expectScimError(await server.request({ method: 'GET', url: `/scim/v2/Users?${query({ filter })}` }), 400, 'invalidFilter');
      expect(body['detail']).toMatch(/column \d+/);
    });

    it.each([
      ['an unknown attribute', 'shoeSize eq "9"'],
      ['an unknown sub-attribute', 'name.shoeSize eq "9"'],
      ['an unknown extension', 'urn:example:nope:2.0:User:thing eq "x"'],
      ['gt on a boolean (RFC 7644 §3.4.2.2)', 'active gt true'],
      ['lt on a boolean', 'active lt false'],
      ['a boolean compared to a string', 'active eq "yes"'],
      ['a string compared to a number', 'userName eq 5'],
      ['a dateTime compared to a non-date', 'meta.created gt "not-a-date"'],
      ['the never-returned password', 'password pr'],
      ['a password probe', 'password eq "secret"'],
    ])('%s is 400 invalidFilter', async (_name, filter) => {
      expectScimError(await server.request({ method: 'GET', url: `/scim/v2/Users?${query({ filter })}` }), 400, 'invalidFilter');
    });

    it('a filter longer than the limit is 400 invalidFilter', async () => {
      const filter = Array.from({ length: 2000 }, (_, index) => `userName eq "u${index}"`).join(' or ');
      expectScimError(await server.request({ method: 'GET', url: `/scim/v2/Users?${query({ filter })}` }), 400, 'invalidFilter');
    });

    it('a filter nested too deep is 400 invalidFilter', async () => {
      const filter = `${'('.repeat(200)}userName eq "a"${')'.repeat(200)}`;
      expectScimError(await server.request({ method: 'GET', url: `/scim/v2/Users?${query({ filter })}` }), 400, 'invalidFilter');
    });

    it('a filter given twice is 400', async () => {
      expectScimError(await server.request({ method: 'GET', url: '/scim/v2/Users?filter=userName%20pr&filter=title%20pr' }), 400);
    });
  });

  describe('paging (RFC 7644 §3.4.2.4)', () => {
    it('answers a ListResponse with totalResults, startIndex, itemsPerPage and Resources', async () => {
      const body = await list({});
      expect(body['schemas']).toEqual([LIST_RESPONSE_SCHEMA]);
      expect(body['totalResults']).toBe(5);
      expect(body['startIndex']).toBe(1);
      expect(body['itemsPerPage']).toBe(5);
      expect(ids(body).sort()).toEqual(sorted(u('bjensen', 'jsmith', 'JDoe', 'alice', 'zed')));
    });

    it('pages with startIndex and count over a sorted list', async () => {
      const body = await list({ sortBy: 'userName', startIndex: 2, count: 2 });
      expect(body['totalResults']).toBe(5);
      expect(body['startIndex']).toBe(2);
      expect(body['itemsPerPage']).toBe(2);
      expect(ids(body)).toEqual(u('bjensen', 'JDoe'));
    });

    it('answers past the end with no resources', async () => {
      const body = await list({ startIndex: 6, count: 10 });
      expect(body['totalResults']).toBe(5);
      expect(body['itemsPerPage']).toBe(0);
      expect(body['Resources'] ?? []).toEqual([]);
    });

    it('answers count=0 with totalResults only', async () => {
      const body = await list({ count: 0 });
      expect(body['totalResults']).toBe(5);
      expect(body['itemsPerPage']).toBe(0);
      expect(body['Resources'] ?? []).toEqual([]);
    });

    it('treats startIndex=0 and negative startIndex as 1', async () => {
      for (const startIndex of [0, -5]) {
        const body = await list({ startIndex, count: 1, sortBy: 'userName' });
        expect(body['startIndex']).toBe(1);
        expect(ids(body)).toEqual(u('alice'));
      }
    });

    it('treats a negative count as 0', async () => {
      const body = await list({ count: -3 });
      expect(body['itemsPerPage']).toBe(0);
      expect(body['totalResults']).toBe(5);
    });

    it('reads parameter names case-insensitively', async () => {
      const body = expectStatus(await server.request({ method: 'GET', url: '/scim/v2/Users?startindex=2&COUNT=1&sortby=userName' }), 200);
      expect(body['startIndex']).toBe(2);
      expect(ids(body)).toEqual(u('bjensen'));
    });

    it.each([
      ['count=abc', 'count'],
      ['count=1.5', 'count'],
      ['startIndex=abc', 'startIndex'],
      ['startIndex=', 'startIndex'],
      ['startIndex=1e3', 'startIndex'],
      ['count=0x10', 'count'],
    ])('answers %s with 400', async (parameter, name) => {
      const body = expectScimError(await server.request({ method: 'GET', url: `/scim/v2/Users?${parameter}` }), 400);
      expect(body['detail']).toContain(name);
    });
  });

  describe('sorting (RFC 7644 §3.4.2.3)', () => {
    it('sorts by userName case-insensitively, ascending by default', async () => {
      expect(ids(await list({ sortBy: 'userName' }))).toEqual(u('alice', 'bjensen', 'JDoe', 'jsmith', 'zed'));
    });

    it('sorts descending', async () => {
      expect(ids(await list({ sortBy: 'userName', sortOrder: 'descending' }))).toEqual(u('zed', 'jsmith', 'JDoe', 'bjensen', 'alice'));
    });

    it('puts resources without the value last when ascending and first when descending', async () => {
      expect(ids(await list({ sortBy: 'name.familyName' }))).toEqual(u('JDoe', 'bjensen', 'alice', 'jsmith', 'zed'));
      expect(ids(await list({ sortBy: 'name.familyName', sortOrder: 'descending' }))).toEqual(u('zed', 'jsmith', 'alice', 'bjensen', 'JDoe'));
    });

    it('sorts by meta.created', async () => {
      expect(ids(await list({ sortBy: 'meta.created', sortOrder: 'descending' }))).toEqual(u('zed', 'alice', 'JDoe', 'jsmith', 'bjensen'));
    });

    it('sorts then filters then pages together', async () => {
      const body = await list({ filter: 'userType eq "Employee"', sortBy: 'userName', sortOrder: 'descending', startIndex: 2, count: 1 });
      expect(body['totalResults']).toBe(3);
      expect(ids(body)).toEqual(u('JDoe'));
    });

    it('answers an unknown sortBy attribute with 400', async () => {
      expectScimError(await server.request({ method: 'GET', url: '/scim/v2/Users?sortBy=shoeSize' }), 400);
    });

    it('answers sortBy on the never-returned password with 400', async () => {
      expectScimError(await server.request({ method: 'GET', url: '/scim/v2/Users?sortBy=password' }), 400);
    });

    it('answers an unknown sortOrder with 400', async () => {
      expectScimError(await server.request({ method: 'GET', url: '/scim/v2/Users?sortBy=userName&sortOrder=sideways' }), 400);
    });
  });

  describe('projection in lists', () => {
    it('attributes=userName answers id, schemas and userName only', async () => {
      const body = await list({ attributes: 'userName' });
      expect(body['totalResults']).toBe(5);
      for (const resource of body['Resources'] as Json[]) expect(Object.keys(resource).sort()).toEqual(['id', 'schemas', 'userName']);
    });

    it('excludedAttributes removes the named attributes', async () => {
      const body = await list({ excludedAttributes: 'emails,name,meta' });
      for (const resource of body['Resources'] as Json[]) {
        expect(resource).not.toHaveProperty('emails');
        expect(resource).not.toHaveProperty('name');
        expect(resource).toHaveProperty('userName');
        expect(resource).toHaveProperty('id');
      }
    });

    it('attributes naming the Enterprise URN answers the extension object', async () => {
      const body = await list({ filter: 'userName eq "bjensen"', attributes: ENTERPRISE_SCHEMA });
      const resource = (body['Resources'] as Json[])[0] as Json;
      expect(resource[ENTERPRISE_SCHEMA]).toEqual({ employeeNumber: '701984', department: 'Tour Operations' });
      expect(resource).not.toHaveProperty('userName');
    });
  });

  describe('POST /Users/.search (RFC 7644 §3.4.3)', () => {
    async function search(body: Json, endpoint = '/Users/.search'): Promise<Json> {
      return expectStatus(await server.request({ method: 'POST', url: `/scim/v2${endpoint}`, body }), 200);
    }

    it('answers the same as GET with the same parameters', async () => {
      const body = await search({
        schemas: [SEARCH_REQUEST_SCHEMA],
        attributes: ['userName', 'displayName'],
        filter: 'userType eq "Employee"',
        sortBy: 'userName',
        startIndex: 1,
        count: 10,
      });
      expect(body['schemas']).toEqual([LIST_RESPONSE_SCHEMA]);
      expect(body['totalResults']).toBe(3);
      expect(ids(body)).toEqual(u('bjensen', 'JDoe', 'zed'));
      for (const resource of body['Resources'] as Json[]) expect(resource).not.toHaveProperty('emails');
    });

    it('accepts excludedAttributes and a body without schemas', async () => {
      const body = await search({ filter: 'userName eq "alice"', excludedAttributes: ['emails'] });
      expect(ids(body)).toEqual(u('alice'));
      expect((body['Resources'] as Json[])[0]).not.toHaveProperty('emails');
    });

    it('answers a bad filter with 400 invalidFilter', async () => {
      expectScimError(await server.request({ method: 'POST', url: '/scim/v2/Users/.search', body: { schemas: [SEARCH_REQUEST_SCHEMA], filter: 'userName eq' } }), 400, 'invalidFilter');
    });

    it('answers a wrong schemas list with 400 invalidSyntax', async () => {
      expectScimError(await server.request({ method: 'POST', url: '/scim/v2/Users/.search', body: { schemas: [USER_SCHEMA], filter: 'userName pr' } }), 400, 'invalidSyntax');
    });

    it('answers a non-string filter with 400', async () => {
      expectScimError(await server.request({ method: 'POST', url: '/scim/v2/Users/.search', body: { schemas: [SEARCH_REQUEST_SCHEMA], filter: 42 } }), 400);
    });

    it('answers a deeply nested count or startIndex with 400, not 500', async () => {
      for (const member of ['count', 'startIndex']) {
        const body = `{"schemas":["${SEARCH_REQUEST_SCHEMA}"],"${member}":${'['.repeat(50_000)}${']'.repeat(50_000)}}`;
        const response = await server.request({ method: 'POST', url: '/scim/v2/Users/.search', body });
        expectScimError(response, 400);
      }
    });

    it('answers a non-object body with 400 invalidSyntax', async () => {
      expectScimError(await server.request({ method: 'POST', url: '/scim/v2/Users/.search', body: '["filter"]' }), 400, 'invalidSyntax');
    });

    it('searches groups at /Groups/.search', async () => {
      const body = await search({ schemas: [SEARCH_REQUEST_SCHEMA], filter: 'displayName sw "tour"' }, '/Groups/.search');
      expect(ids(body)).toEqual([tourGuides['id']]);
    });
  });

  describe('POST /.search at the root', () => {
    it('answers Users then Groups', async () => {
      const body = expectStatus(
        await server.request({
          method: 'POST',
          url: '/scim/v2/.search',
          body: { schemas: [SEARCH_REQUEST_SCHEMA], filter: 'displayName pr', sortBy: 'displayName' },
        }),
        200,
      );
      expect(body['totalResults']).toBe(3);
      expect(ids(body)).toEqual([u('bjensen')[0], employees['id'], tourGuides['id']]);
      expect((body['Resources'] as Json[]).map((resource) => resource['meta']['resourceType'])).toEqual(['User', 'Group', 'Group']);
    });

    it('pages across the two types', async () => {
      const body = expectStatus(
        await server.request({
          method: 'POST',
          url: '/scim/v2/.search',
          body: { schemas: [SEARCH_REQUEST_SCHEMA], filter: 'displayName pr', sortBy: 'displayName', startIndex: 2, count: 1 },
        }),
        200,
      );
      expect(body['totalResults']).toBe(3);
      expect(body['startIndex']).toBe(2);
      expect(body['itemsPerPage']).toBe(1);
      expect(ids(body)).toEqual([employees['id']]);
    });

    it('matches no Groups for a filter on a User-only attribute', async () => {
      const body = expectStatus(
        await server.request({ method: 'POST', url: '/scim/v2/.search', body: { schemas: [SEARCH_REQUEST_SCHEMA], filter: 'userName eq "bjensen"' } }),
        200,
      );
      expect(body['totalResults']).toBe(1);
      expect(ids(body)).toEqual(u('bjensen'));
    });

    it('answers a filter valid for neither type with 400 invalidFilter', async () => {
      expectScimError(
        await server.request({ method: 'POST', url: '/scim/v2/.search', body: { schemas: [SEARCH_REQUEST_SCHEMA], filter: 'shoeSize eq "9"' } }),
        400,
        'invalidFilter',
      );
    });
  });
});

describe('page size limits', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await build({ SCIMITAR_MAX_PAGE_SIZE: '2', SCIMITAR_DEFAULT_PAGE_SIZE: '2' });
    for (const userName of ['p1', 'p2', 'p3']) await createUser(server, userName);
  });
  afterAll(async () => {
    await server.close();
  });

  it('clamps count above the maximum page size', async () => {
    const body = expectStatus(await server.request({ method: 'GET', url: '/scim/v2/Users?count=1000' }), 200);
    expect(body['totalResults']).toBe(3);
    expect(body['itemsPerPage']).toBe(2);
    expect((body['Resources'] as Json[]).length).toBe(2);
  });

  it('uses the default page size without count', async () => {
    const body = expectStatus(await server.request({ method: 'GET', url: '/scim/v2/Users' }), 200);
    expect(body['totalResults']).toBe(3);
    expect(body['itemsPerPage']).toBe(2);
  });

  it('clamps count in a search body as well', async () => {
    const body = expectStatus(await server.request({ method: 'POST', url: '/scim/v2/Users/.search', body: { count: 50 } }), 200);
    expect(body['itemsPerPage']).toBe(2);
  });

  it('reaches the last page with startIndex', async () => {
    const body = expectStatus(await server.request({ method: 'GET', url: '/scim/v2/Users?startIndex=3&count=1000' }), 200);
    expect(body['itemsPerPage']).toBe(1);
    expect(body['startIndex']).toBe(3);
  });
});

/**
 * The two wrong answers an audit found in the SQL path, as a client sees
 * them (RFC 7644 §3.4.2.2): `addresses pr` matched nobody (a complex
 * attribute without `value` was tested as a scalar), and `emails.type ne
 * "home"` missed a user with a work and a home email (read as `not (eq)`).
 */
describe('filters on multi-valued attributes: pr without value, and ne on any element', () => {
  let server: TestServer;
  const id: Record<string, string> = {};
  beforeAll(async () => {
    server = await build();
    id['both'] = (await createUser(server, 'mv-both', {
      emails: [
        { value: 'both@example.com', type: 'work' },
        { value: 'both@example.org', type: 'home' },
      ],
      addresses: [{ type: 'work', locality: 'Paris' }],
    }))['id'] as string;
    id['home'] = (await createUser(server, 'mv-home', { emails: [{ value: 'home@example.org', type: 'home' }] }))['id'] as string;
    id['none'] = (await createUser(server, 'mv-none'))['id'] as string;
  });
  afterAll(async () => {
    await server.close();
  });

  async function matching(filter: string): Promise<string[]> {
    return ids(expectStatus(await server.request({ method: 'GET', url: `/scim/v2/Users?${query({ filter })}` }), 200)).sort();
  }
  const users = (...names: string[]) => names.map((name) => id[name]!).sort();

  it('addresses pr matches the user with an address; eq null and not (pr) the others', async () => {
    expect(await matching('addresses pr')).toEqual(users('both'));
    expect(await matching('addresses ne null')).toEqual(users('both'));
    expect(await matching('addresses eq null')).toEqual(users('home', 'none'));
    expect(await matching('not (addresses pr)')).toEqual(users('home', 'none'));
  });

  it('emails.type ne "home" matches a user with any email not of type home, as emails[type ne "home"] does', async () => {
    expect(await matching('emails.type ne "home"')).toEqual(users('both'));
    expect(await matching('emails[type ne "home"]')).toEqual(users('both'));
    // The negation is another filter: no email of type home, which a user without emails meets.
    expect(await matching('not (emails.type eq "home")')).toEqual(users('none'));
  });
});
