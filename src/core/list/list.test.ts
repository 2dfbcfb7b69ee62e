import { describe, expect, it } from 'vitest';
import { ScimError } from '../errors/scim-error.js';
import { noProjection, projectResource } from '../projection/index.js';
import { ENTERPRISE_USER_SCHEMA } from '../schema/enterprise-user.js';
import { createDefaultRegistry } from '../schema/registry.js';
import { USER_SCHEMA } from '../schema/user.js';
import {
  LIST_RESPONSE_SCHEMA,
  SEARCH_REQUEST_SCHEMA,
  listResponse,
  parseListQuery,
  parseProjectionQuery,
  parseSearchRequest,
  type ListRequest,
  type ListSettings,
} from './index.js';

const registry = createDefaultRegistry();
const users = registry.forResourceType('User');
const groups = registry.forResourceType('Group');
const settings: ListSettings = { defaultPageSize: 100, maxPageSize: 200 };

const list = (query: Record<string, unknown>): ListRequest => parseListQuery(query, users, settings);
const search = (body: unknown): ListRequest => parseSearchRequest(body, users, settings);

function scimError(run: () => unknown): ScimError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ScimError);
    return error as ScimError;
  }
  throw new Error('expected a ScimError');
}

function expectInvalidValue(run: () => unknown, detail: RegExp): void {
  const error = scimError(run);
  expect(error.status).toBe(400);
  expect(error.scimType).toBe('invalidValue');
  expect(error.detail).toMatch(detail);
}

describe('parseListQuery defaults', () => {
  it('no parameters: no filter, no sort, startIndex 1, the default page size, no projection', () => {
    expect(list({})).toEqual({ filter: undefined, sort: undefined, startIndex: 1, count: 100, projection: noProjection });
  });

  it('ignores parameters it does not know', () => {
    expect(list({ domain: 'x', aadOptscim062020: '' })).toEqual(list({}));
  });

  it('refuses inconsistent settings as a programming mistake', () => {
    expect(() => parseListQuery({}, users, { defaultPageSize: 300, maxPageSize: 200 })).toThrow(TypeError);
    expect(() => parseListQuery({}, users, { defaultPageSize: 1.5, maxPageSize: 200 })).toThrow(TypeError);
  });
});

describe('pagination (RFC 7644 §3.4.2.4)', () => {
  it('the §3.4.2.4 example: GET /Users?startIndex=1&count=10', () => {
    expect(list({ startIndex: '1', count: '10' })).toMatchObject({ startIndex: 1, count: 10 });
  });

  it('"A value less than 1 SHALL be interpreted as 1"', () => {
    expect(list({ startIndex: '0' }).startIndex).toBe(1);
    expect(list({ startIndex: '-7' }).startIndex).toBe(1);
    expect(list({ startIndex: '-99999999999999999999' }).startIndex).toBe(1);
    expect(list({ startIndex: '51' }).startIndex).toBe(51);
  });

  it('a startIndex beyond any result count stays a safe integer', () => {
    expect(list({ startIndex: '99999999999999999999' }).startIndex).toBe(Number.MAX_SAFE_INTEGER);
  });

  it('"A negative value SHALL be interpreted as 0"; 0 asks only for totalResults', () => {
    expect(list({ count: '-1' }).count).toBe(0);
    expect(list({ count: '0' }).count).toBe(0);
  });

  it('a count above maxPageSize is lowered to maxPageSize (advertised as filter.maxResults)', () => {
    expect(list({ count: '201' }).count).toBe(200);
    expect(list({ count: '99999999999999999999' }).count).toBe(200);
    expect(list({ count: '200' }).count).toBe(200);
    expect(list({ count: '+5' }).count).toBe(5);
  });

  it.each(['abc', '1.5', '', ' ', '1e3', '0x10', '10abc', '1,000', 'NaN', 'Infinity'])('startIndex=%j is 400 invalidValue', (value) => {
    expectInvalidValue(() => list({ startIndex: value }), /^startIndex must be an integer/);
  });

  it.each(['abc', '1.5', '', '2.0', ' 3'])('count=%j is 400 invalidValue', (value) => {
    expectInvalidValue(() => list({ count: value }), /^count must be an integer/);
  });
});

describe('sorting (RFC 7644 §3.4.2.3)', () => {
  it('sortBy=userName sorts ascending by default', () => {
    const { sort } = list({ sortBy: 'userName' });
    expect(sort?.order).toBe('ascending');
    expect(sort?.attribute.canonicalPath).toBe('userName');
    expect(sort?.attribute.leaf.name).toBe('userName');
  });

  it('sortOrder is ascending or descending, in any case', () => {
    expect(list({ sortBy: 'userName', sortOrder: 'descending' }).sort?.order).toBe('descending');
    expect(list({ sortBy: 'userName', sortOrder: 'DESCENDING' }).sort?.order).toBe('descending');
    expect(list({ sortBy: 'userName', sortOrder: 'Ascending' }).sort?.order).toBe('ascending');
  });

  it('any other sortOrder is 400 invalidValue', () => {
    expectInvalidValue(() => list({ sortBy: 'userName', sortOrder: 'up' }), /^sortOrder must be "ascending" or "descending"/);
    expectInvalidValue(() => list({ sortBy: 'userName', sortOrder: '' }), /^sortOrder/);
  });

  it('sortOrder without sortBy is ignored, whatever its value', () => {
    expect(list({ sortOrder: 'descending' }).sort).toBeUndefined();
    expect(list({ sortOrder: 'sideways' }).sort).toBeUndefined();
  });

  it('the §3.4.2.3 example sortBy=name.givenName, extension paths and meta sub-attributes resolve', () => {
    expect(list({ sortBy: 'name.givenName' }).sort?.attribute.jsonPath).toEqual(['name', 'givenName']);
    expect(list({ sortBy: `${ENTERPRISE_USER_SCHEMA}:manager.value` }).sort?.attribute.jsonPath).toEqual([ENTERPRISE_USER_SCHEMA, 'manager', 'value']);
    expect(list({ sortBy: `${ENTERPRISE_USER_SCHEMA}:employeeNumber` }).sort?.attribute.isExtension).toBe(true);
    expect(list({ sortBy: 'meta.lastModified' }).sort?.attribute.canonicalPath).toBe('meta.lastModified');
    expect(list({ sortBy: `${USER_SCHEMA}:userName` }).sort?.attribute.canonicalPath).toBe('userName');
    expect(list({ sortBy: 'USERNAME' }).sort?.attribute.canonicalPath).toBe('userName');
  });

  it('a multi-valued attribute with a value sub-attribute sorts by its primary value (the store picks it)', () => {
    const { sort } = list({ sortBy: 'emails' });
    expect(sort?.attribute.leaf.name).toBe('emails');
    expect(sort?.attribute.subAttribute).toBeUndefined();
    expect(parseListQuery({ sortBy: 'members' }, groups, settings).sort?.attribute.canonicalPath).toBe('members');
  });

  it('a complex attribute without a sub-attribute is 400 invalidValue, unless multi-valued with a value', () => {
    expectInvalidValue(() => list({ sortBy: 'name' }), /complex attribute.*name\.formatted/);
    expectInvalidValue(() => list({ sortBy: `${ENTERPRISE_USER_SCHEMA}:manager` }), /complex attribute/);
    // addresses is multi-valued but has no value sub-attribute.
    expectInvalidValue(() => list({ sortBy: 'addresses' }), /complex attribute/);
  });

  it('a sortBy that names no attribute is 400 invalidValue (Table 9 lists invalidValue for GET; invalidPath is PATCH-only)', () => {
    expectInvalidValue(() => list({ sortBy: 'shoeSize' }), /names no attribute of User/);
    expectInvalidValue(() => list({ sortBy: 'name.nope' }), /names no attribute/);
    expectInvalidValue(() => parseListQuery({ sortBy: 'userName' }, groups, settings), /names no attribute of Group/);
    expectInvalidValue(() => list({ sortBy: 'schemas' }), /names no attribute/);
  });

  it('a syntactically invalid sortBy is 400 invalidValue', () => {
    expectInvalidValue(() => list({ sortBy: 'na me' }), /^sortBy "na me" is not an attribute name/);
    expectInvalidValue(() => list({ sortBy: '' }), /^sortBy/);
    expectInvalidValue(() => list({ sortBy: 'emails[type eq "work"].value' }), /^sortBy/);
  });

  it('sorting by an attribute that is never returned is refused', () => {
    expectInvalidValue(() => list({ sortBy: 'password' }), /never returned/);
  });
});

describe('filter (RFC 7644 §3.4.2.2)', () => {
  it('parses and validates the filter', () => {
    expect(list({ filter: 'userName eq "bjensen"' }).filter).toMatchObject({
      kind: 'Comparison',
      path: { name: 'userName' },
      operator: 'eq',
      value: 'bjensen',
    });
    expect(list({ filter: 'emails[type eq "work" and value co "@example.com"]' }).filter?.kind).toBe('ValuePath');
  });

  it('a filter that does not parse is 400 invalidFilter', () => {
    const error = scimError(() => list({ filter: 'userName eq' }));
    expect(error.status).toBe(400);
    expect(error.scimType).toBe('invalidFilter');
  });

  it('a filter on an attribute the resource type lacks is 400 invalidFilter', () => {
    expect(scimError(() => list({ filter: 'shoeSize eq 42' })).scimType).toBe('invalidFilter');
    expect(scimError(() => parseListQuery({ filter: 'userName eq "x"' }, groups, settings)).scimType).toBe('invalidFilter');
  });
});

describe('parameter names and repetitions', () => {
  it('accepts any case for parameter names', () => {
    const request = list({
      FILTER: 'userName eq "bjensen"',
      SortBy: 'userName',
      sortorder: 'descending',
      startindex: '3',
      Count: '4',
      excludedattributes: 'emails',
    });
    expect(request.filter?.kind).toBe('Comparison');
    expect(request.sort?.order).toBe('descending');
    expect(request.startIndex).toBe(3);
    expect(request.count).toBe(4);
    expect(request.projection.excludedAttributes?.map((attribute) => attribute.canonicalPath)).toEqual(['emails']);
    expect(list({ ATTRIBUTES: 'userName' }).projection.attributes?.map((attribute) => attribute.canonicalPath)).toEqual(['userName']);
  });

  it('a repeated parameter is 400 invalidValue', () => {
    expectInvalidValue(() => list({ count: ['1', '2'] }), /count is given more than once/);
    expectInvalidValue(() => list({ filter: ['userName pr', 'title pr'] }), /filter is given more than once/);
    expectInvalidValue(() => list({ count: '1', Count: '2' }), /count is given more than once/);
  });

  it('a parameter given once in array form is taken as given', () => {
    expect(list({ count: ['5'] }).count).toBe(5);
  });

  it('repeated attributes / excludedAttributes are joined', () => {
    const request = list({ attributes: ['userName', 'name.givenName,displayName'] });
    expect(request.projection.attributes?.map((attribute) => attribute.canonicalPath)).toEqual(['userName', 'name.givenName', 'displayName']);
  });

  it('a value that is not text is 400 invalidValue', () => {
    expectInvalidValue(() => list({ filter: { nested: 'x' } }), /filter has an invalid value/);
    expectInvalidValue(() => list({ attributes: [1, 2] }), /attributes has an invalid value/);
  });
});

describe('projection parameters', () => {
  it('attributes and excludedAttributes become the projection', () => {
    const request = list({ attributes: 'userName,urn:ietf:params:scim:schemas:extension:enterprise:2.0:User' });
    expect(request.projection.attributes?.map((attribute) => attribute.canonicalPath)).toEqual(['userName']);
    expect(request.projection.attributeSchemas).toEqual([ENTERPRISE_USER_SCHEMA]);
  });

  it('an invalid attribute name is 400 invalidValue naming the parameter', () => {
    expectInvalidValue(() => list({ excludedAttributes: 'a..b' }), /^excludedAttributes: /);
  });

  it('parseProjectionQuery reads only attributes / excludedAttributes, in any case', () => {
    const projection = parseProjectionQuery({ Attributes: 'userName', filter: 'not a filter', count: 'x' }, users);
    expect(projection.attributes?.map((attribute) => attribute.canonicalPath)).toEqual(['userName']);
    expect(parseProjectionQuery({}, users)).toBe(noProjection);
    const resource = { schemas: [USER_SCHEMA], id: '1', userName: 'bjensen', displayName: 'Babs' };
    expect(projectResource(resource, users, parseProjectionQuery({ excludedattributes: 'displayName' }, users))).toEqual({
      schemas: [USER_SCHEMA],
      id: '1',
      userName: 'bjensen',
    });
  });
});

describe('parseSearchRequest (RFC 7644 §3.4.3)', () => {
  it('the §3.4.3 example body', () => {
    const request = search({
      schemas: [SEARCH_REQUEST_SCHEMA],
      attributes: ['displayName', 'userName'],
      filter: 'displayName sw "smith"',
      startIndex: 1,
      count: 10,
    });
    expect(request.filter).toMatchObject({ kind: 'Comparison', operator: 'sw', value: 'smith' });
    expect(request.startIndex).toBe(1);
    expect(request.count).toBe(10);
    expect(request.sort).toBeUndefined();
    expect(request.projection.attributes?.map((attribute) => attribute.canonicalPath)).toEqual(['displayName', 'userName']);
  });

  it('an empty search request lists with the defaults', () => {
    expect(search({ schemas: [SEARCH_REQUEST_SCHEMA] })).toEqual(list({}));
  });

  it('accepts a body without schemas (leniency for clients that omit it)', () => {
    expect(search({ count: 5 }).count).toBe(5);
  });

  it('a schemas member without the SearchRequest URN is 400 invalidSyntax', () => {
    for (const schemas of [[USER_SCHEMA], [], SEARCH_REQUEST_SCHEMA, null]) {
      const error = scimError(() => search({ schemas }));
      expect(error.status).toBe(400);
      expect(error.scimType).toBe('invalidSyntax');
    }
    expect(search({ schemas: [SEARCH_REQUEST_SCHEMA.toLowerCase()] }).count).toBe(100);
  });

  it('a body that is not a JSON object is 400 invalidSyntax', () => {
    for (const body of [null, undefined, [], 'filter=x', 42]) {
      expect(scimError(() => search(body)).scimType).toBe('invalidSyntax');
    }
  });

  it('startIndex and count may be numbers or numeric strings; they are clamped as in a query', () => {
    expect(search({ startIndex: '3', count: '7' })).toMatchObject({ startIndex: 3, count: 7 });
    expect(search({ startIndex: 0, count: -2 })).toMatchObject({ startIndex: 1, count: 0 });
    expect(search({ count: 5000 }).count).toBe(200);
  });

  it('non-integer startIndex / count are 400 invalidValue', () => {
    expectInvalidValue(() => search({ startIndex: 1.5 }), /^startIndex must be an integer/);
    expectInvalidValue(() => search({ count: 'ten' }), /^count must be an integer/);
    expectInvalidValue(() => search({ count: true }), /^count must be an integer/);
    expectInvalidValue(() => search({ count: [10] }), /^count must be an integer/);
  });

  it('attributes / excludedAttributes may be arrays or comma-separated strings', () => {
    expect(search({ attributes: 'userName,displayName' }).projection.attributes?.map((attribute) => attribute.canonicalPath)).toEqual([
      'userName',
      'displayName',
    ]);
    expect(search({ excludedAttributes: ['emails', 'groups'] }).projection.excludedAttributes?.map((attribute) => attribute.canonicalPath)).toEqual([
      'emails',
      'groups',
    ]);
    expectInvalidValue(() => search({ attributes: [1] }), /^attributes must be an array of attribute names/);
    expectInvalidValue(() => search({ attributes: { userName: true } }), /^attributes must be/);
  });

  it('filter, sortBy and sortOrder must be strings', () => {
    expectInvalidValue(() => search({ filter: 5 }), /^filter must be a string/);
    expectInvalidValue(() => search({ sortBy: ['userName'] }), /^sortBy must be a string/);
    expectInvalidValue(() => search({ sortBy: 'userName', sortOrder: false }), /^sortOrder must be a string/);
  });

  it('treats null members as absent, ignores unknown members and matches names in any case', () => {
    const request = search({ filter: null, SORTBY: 'userName', SortOrder: 'descending', extra: { anything: true }, Count: 2 });
    expect(request.filter).toBeUndefined();
    expect(request.sort?.order).toBe('descending');
    expect(request.count).toBe(2);
  });

  it('a member given twice under different cases is 400 invalidValue', () => {
    expectInvalidValue(() => search({ count: 1, COUNT: 2 }), /count is given more than once in the search request/);
  });

  it('a filter that does not parse is 400 invalidFilter', () => {
    expect(scimError(() => search({ filter: '(userName eq "x"' })).scimType).toBe('invalidFilter');
  });
});

describe('listResponse (RFC 7644 §3.4.2)', () => {
  it('the §3.4.2.4 paged response shape', () => {
    const resources = [{ id: '1' }, { id: '2' }];
    expect(listResponse(resources, 100, 11)).toEqual({
      schemas: [LIST_RESPONSE_SCHEMA],
      totalResults: 100,
      startIndex: 11,
      itemsPerPage: 2,
      Resources: [{ id: '1' }, { id: '2' }],
    });
  });

  it('count=0: only totalResults, with an empty Resources array', () => {
    expect(listResponse([], 42, 1)).toEqual({ schemas: [LIST_RESPONSE_SCHEMA], totalResults: 42, startIndex: 1, itemsPerPage: 0, Resources: [] });
  });

  it('copies the resources array', () => {
    const resources = [{ id: '1' }];
    const response = listResponse(resources, 1, 1);
    resources.push({ id: '2' });
    expect(response['Resources']).toEqual([{ id: '1' }]);
  });
});
