import { describe, expect, it } from 'vitest';
import { ScimError } from '../errors/scim-error.js';
import { attribute, complex } from '../schema/attribute.js';
import { ENTERPRISE_USER_SCHEMA } from '../schema/enterprise-user.js';
import { createDefaultRegistry } from '../schema/registry.js';
import { USER_SCHEMA } from '../schema/user.js';
import fullUser from './fixtures/rfc7643-8.2-full-user.json' with { type: 'json' };
import enterpriseUser from './fixtures/rfc7643-8.3-enterprise-user.json' with { type: 'json' };
import { noProjection, parseProjection, projectionIncludes, projectResource, type Projection } from './index.js';

const registry = createDefaultRegistry();
const users = registry.forResourceType('User');
const groups = registry.forResourceType('Group');

const ID = '2819c223-7f76-453a-919d-413861904646';
const META = {
  resourceType: 'User',
  created: '2010-01-23T04:56:22Z',
  lastModified: '2011-05-13T04:42:34Z',
  version: 'W/"3694e05e9dff591"',
  location: 'https://example.com/v2/Users/2819c223-7f76-453a-919d-413861904646',
};
const BOTH_SCHEMAS = [USER_SCHEMA, ENTERPRISE_USER_SCHEMA];
const ENTERPRISE = enterpriseUser[ENTERPRISE_USER_SCHEMA];

function project(
  resource: Record<string, unknown>,
  attributes: string | readonly string[] | undefined,
  excludedAttributes?: string | readonly string[],
): Record<string, unknown> {
  return projectResource(resource, users, parseProjection(attributes, excludedAttributes, users));
}

function withoutPassword(resource: Record<string, unknown>): Record<string, unknown> {
  const { password: _password, ...rest } = resource;
  return rest;
}

/** The §8.3 User without its extension object (schemas still list the extension). */
function withoutEnterpriseExtension(resource: Record<string, unknown>): Record<string, unknown> {
  const { [ENTERPRISE_USER_SCHEMA]: _extension, ...rest } = resource;
  return rest;
}

function scimError(run: () => unknown): ScimError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ScimError);
    return error as ScimError;
  }
  throw new Error('expected a ScimError');
}

describe('projectResource without attributes / excludedAttributes', () => {
  it('RFC 7643 §8.2: returns the full User except the password (returned "never")', () => {
    expect(projectResource(fullUser, users, noProjection)).toEqual(withoutPassword(fullUser));
  });

  it('RFC 7643 §8.3: keeps the Enterprise User extension object whole', () => {
    expect(projectResource(enterpriseUser, users, noProjection)).toEqual(withoutPassword(enterpriseUser));
  });

  it('returns a new object that shares nothing with the resource', () => {
    const output = projectResource(enterpriseUser, users, noProjection);
    (output['name'] as Record<string, unknown>)['givenName'] = 'Changed';
    (output['emails'] as Record<string, unknown>[]).pop();
    (output[ENTERPRISE_USER_SCHEMA] as Record<string, unknown>)['department'] = 'Changed';
    expect(enterpriseUser.name.givenName).toBe('Barbara');
    expect(enterpriseUser.emails).toHaveLength(2);
    expect(ENTERPRISE.department).toBe('Tour Operations');
  });

  it('drops keys that no schema of the resource type defines', () => {
    const resource = {
      schemas: [USER_SCHEMA],
      id: ID,
      userName: 'bjensen',
      nonStandard: 1,
      name: { givenName: 'Barbara', nickname: 'Babs' },
      'urn:ietf:params:scim:schemas:core:2.0:Group': { displayName: 'x' },
    };
    expect(projectResource(resource, users, noProjection)).toEqual({ schemas: [USER_SCHEMA], id: ID, userName: 'bjensen', name: { givenName: 'Barbara' } });
  });
});

describe('attributes (RFC 7644 §3.4.2.5, §3.9)', () => {
  it('returns the named attribute plus the minimum set (id, schemas)', () => {
    expect(project(enterpriseUser, 'userName')).toEqual({ schemas: BOTH_SCHEMAS, id: ID, userName: 'bjensen@example.com' });
  });

  it('§3.9 example "userName,name,emails"', () => {
    expect(project(fullUser, 'userName,name,emails')).toEqual({
      schemas: [USER_SCHEMA],
      id: ID,
      userName: 'bjensen@example.com',
      name: fullUser.name,
      emails: fullUser.emails,
    });
  });

  it('name.givenName returns name with only givenName', () => {
    expect(project(fullUser, 'name.givenName')).toEqual({ schemas: [USER_SCHEMA], id: ID, name: { givenName: 'Barbara' } });
  });

  it('emails.value returns only the value of each email', () => {
    expect(project(fullUser, 'emails.value')).toEqual({
      schemas: [USER_SCHEMA],
      id: ID,
      emails: [{ value: 'bjensen@example.com' }, { value: 'babs@jensen.org' }],
    });
  });

  it('a sub-attribute present in only some values keeps only those values', () => {
    expect(project(fullUser, 'addresses.primary')).toEqual({ schemas: [USER_SCHEMA], id: ID, addresses: [{ primary: true }] });
  });

  it('an attribute and one of its sub-attributes together return the whole attribute', () => {
    expect(project(fullUser, 'name.givenName,name')).toEqual({ schemas: [USER_SCHEMA], id: ID, name: fullUser.name });
  });

  it('never returns a "never" attribute, even when named', () => {
    expect(project(fullUser, 'password')).toEqual({ schemas: [USER_SCHEMA], id: ID });
  });

  it('a fully qualified core attribute: urn:ietf:params:scim:schemas:core:2.0:User:userName', () => {
    expect(project(fullUser, 'urn:ietf:params:scim:schemas:core:2.0:User:userName')).toEqual({ schemas: [USER_SCHEMA], id: ID, userName: 'bjensen@example.com' });
  });

  it('an extension attribute by its URN path returns only that attribute of the extension object', () => {
    expect(project(enterpriseUser, `${ENTERPRISE_USER_SCHEMA}:department`)).toEqual({
      schemas: BOTH_SCHEMAS,
      id: ID,
      [ENTERPRISE_USER_SCHEMA]: { department: 'Tour Operations' },
    });
  });

  it('an extension sub-attribute: manager.displayName', () => {
    expect(project(enterpriseUser, `${ENTERPRISE_USER_SCHEMA}:manager.displayName`)).toEqual({
      schemas: BOTH_SCHEMAS,
      id: ID,
      [ENTERPRISE_USER_SCHEMA]: { manager: { displayName: 'John Smith' } },
    });
  });

  it('the extension URN alone returns the whole extension object', () => {
    expect(project(enterpriseUser, ENTERPRISE_USER_SCHEMA)).toEqual({ schemas: BOTH_SCHEMAS, id: ID, [ENTERPRISE_USER_SCHEMA]: ENTERPRISE });
  });

  it('the core schema URN alone returns the core attributes, not the common externalId and meta', () => {
    const { externalId: _externalId, meta: _meta, [ENTERPRISE_USER_SCHEMA]: _extension, ...core } = withoutPassword(enterpriseUser);
    expect(project(enterpriseUser, USER_SCHEMA)).toEqual(core);
  });

  it('drops an extension object left empty', () => {
    const withoutManager = { ...enterpriseUser, [ENTERPRISE_USER_SCHEMA]: { department: 'Tour Operations' } };
    expect(project(withoutManager, `userName,${ENTERPRISE_USER_SCHEMA}:manager`)).toEqual({ schemas: BOTH_SCHEMAS, id: ID, userName: 'bjensen@example.com' });
  });

  it('meta alone, and meta.created alone', () => {
    expect(project(enterpriseUser, 'meta')).toEqual({ schemas: BOTH_SCHEMAS, id: ID, meta: META });
    expect(project(enterpriseUser, 'meta.created')).toEqual({ schemas: BOTH_SCHEMAS, id: ID, meta: { created: '2010-01-23T04:56:22Z' } });
  });

  it('matches names and URNs case-insensitively and outputs canonical names', () => {
    expect(project(enterpriseUser, `USERNAME,Name.GIVENNAME,${ENTERPRISE_USER_SCHEMA.toUpperCase()}:Department`)).toEqual({
      schemas: BOTH_SCHEMAS,
      id: ID,
      userName: 'bjensen@example.com',
      name: { givenName: 'Barbara' },
      [ENTERPRISE_USER_SCHEMA]: { department: 'Tour Operations' },
    });
  });

  it('accepts an array of entries, each of which may itself be comma-separated, with spaces around names', () => {
    expect(project(fullUser, ['userName', ' displayName , nickName '])).toEqual({
      schemas: [USER_SCHEMA],
      id: ID,
      userName: 'bjensen@example.com',
      displayName: 'Babs Jensen',
      nickName: 'Babs',
    });
  });

  it('ignores names the resource type does not have', () => {
    expect(project(fullUser, 'userName,doesNotExist,name.nope,urn:example:unknown:2.0:User:thing')).toEqual({
      schemas: [USER_SCHEMA],
      id: ID,
      userName: 'bjensen@example.com',
    });
    expect(project(fullUser, 'doesNotExist')).toEqual({ schemas: [USER_SCHEMA], id: ID });
    // The Enterprise User extension belongs to Users, not Groups.
    expect(parseProjection(ENTERPRISE_USER_SCHEMA, undefined, groups)).toEqual({ attributes: [], excludedAttributes: undefined, attributeSchemas: [], excludedSchemas: [] });
  });

  it('treats an empty list ("attributes=") as not given', () => {
    expect(parseProjection('', ' , ', users)).toBe(noProjection);
    expect(project(fullUser, '')).toEqual(withoutPassword(fullUser));
  });
});

describe('excludedAttributes (RFC 7644 §3.4.2.5, §3.9)', () => {
  it('removes the named attributes from the default set', () => {
    const { emails: _emails, groups: _groups, meta: _meta, ...rest } = withoutPassword(fullUser);
    expect(project(fullUser, undefined, 'emails,groups,meta')).toEqual(rest);
  });

  it('has no effect on "always" attributes: id and schemas stay', () => {
    expect(project(fullUser, undefined, 'id,schemas')).toEqual(withoutPassword(fullUser));
  });

  it('excluding name.givenName keeps the rest of name', () => {
    const { givenName: _givenName, ...restOfName } = fullUser.name;
    expect(project(fullUser, undefined, 'name.givenName')).toEqual({ ...withoutPassword(fullUser), name: restOfName });
  });

  it('excluding emails.type keeps value and primary of each email', () => {
    expect(project(fullUser, undefined, 'emails.type')['emails']).toEqual([{ value: 'bjensen@example.com', primary: true }, { value: 'babs@jensen.org' }]);
  });

  it('the extension URN alone removes the whole extension object', () => {
    expect(project(enterpriseUser, undefined, ENTERPRISE_USER_SCHEMA)).toEqual(withoutPassword(withoutEnterpriseExtension(enterpriseUser)));
  });

  it('an extension attribute by URN path removes only that attribute', () => {
    const { department: _department, ...restOfEnterprise } = ENTERPRISE;
    expect(project(enterpriseUser, undefined, `${ENTERPRISE_USER_SCHEMA}:department`)[ENTERPRISE_USER_SCHEMA]).toEqual(restOfEnterprise);
  });

  it('drops an extension object whose every attribute is excluded', () => {
    const small = { schemas: BOTH_SCHEMAS, id: ID, [ENTERPRISE_USER_SCHEMA]: { department: 'Tour Operations' } };
    expect(project(small, undefined, `${ENTERPRISE_USER_SCHEMA}:department`)).toEqual({ schemas: BOTH_SCHEMAS, id: ID });
  });

  it('ignores names the resource type does not have', () => {
    expect(project(fullUser, undefined, 'doesNotExist,members')).toEqual(withoutPassword(fullUser));
  });
});

describe('both attributes and excludedAttributes', () => {
  it('§3.9 says clients SHOULD NOT send both; the server accepts it and attributes wins', () => {
    const projection = parseProjection('userName,emails', 'emails', users);
    expect(projection.excludedAttributes).toBeUndefined();
    expect(projectResource(fullUser, users, projection)).toEqual({ schemas: [USER_SCHEMA], id: ID, userName: 'bjensen@example.com', emails: fullUser.emails });
  });

  it('still refuses a syntactically invalid excludedAttributes', () => {
    expect(scimError(() => parseProjection('userName', 'a..b', users)).scimType).toBe('invalidValue');
  });
});

describe('invalid attribute names', () => {
  it.each(['na me', 'a..b', '[', 'emails[type eq "work"]', 'name.', '.name', '1name', 'name.given.Name', 'urn:', 'user"Name'])(
    '%j is 400 invalidValue naming the parameter',
    (entry) => {
      const inAttributes = scimError(() => parseProjection(`userName,${entry}`, undefined, users));
      expect(inAttributes.status).toBe(400);
      expect(inAttributes.scimType).toBe('invalidValue');
      expect(inAttributes.detail).toMatch(/^attributes: /);
      const inExcluded = scimError(() => parseProjection(undefined, [entry], users));
      expect(inExcluded.scimType).toBe('invalidValue');
      expect(inExcluded.detail).toMatch(/^excludedAttributes: /);
    },
  );

  it('a non-string entry in an array is 400 invalidValue', () => {
    expect(scimError(() => parseProjection([5] as unknown as string[], undefined, users)).scimType).toBe('invalidValue');
  });

  it('accepts $ref as a sub-attribute name', () => {
    expect(project(fullUser, 'groups.$ref')).toEqual({
      schemas: [USER_SCHEMA],
      id: ID,
      groups: fullUser.groups.map((group) => ({ $ref: group.$ref })),
    });
  });
});

describe('returned "request" and "always" (RFC 7643 §7)', () => {
  const ACME = 'urn:example:params:scim:schemas:extension:acme:2.0:User';
  const acmeRegistry = createDefaultRegistry([
    {
      resourceType: 'User',
      schema: {
        id: ACME,
        name: 'AcmeUser',
        description: 'Acme extension',
        attributes: [
          attribute('badgeCode', 'string', { returned: 'request' }),
          attribute('tenantTag', 'string', { returned: 'always', mutability: 'readOnly' }),
          complex('clearance', [
            attribute('level', 'string'),
            attribute('pin', 'string', { returned: 'request' }),
            attribute('secret', 'string', { returned: 'never' }),
            attribute('zone', 'string', { returned: 'always' }),
          ]),
        ],
      },
    },
  ]);
  const acmeUsers = acmeRegistry.forResourceType('User');
  const resource = {
    schemas: [USER_SCHEMA, ACME],
    id: ID,
    userName: 'bjensen',
    [ACME]: { badgeCode: 'B-7', tenantTag: 't1', clearance: { level: 'high', pin: '1234', secret: 's', zone: 'north' } },
  };
  const acme = (attributes?: string, excludedAttributes?: string) =>
    projectResource(resource, acmeUsers, parseProjection(attributes, excludedAttributes, acmeUsers));

  it('by default omits "request" attributes and sub-attributes and "never" sub-attributes', () => {
    expect(acme()).toEqual({
      schemas: [USER_SCHEMA, ACME],
      id: ID,
      userName: 'bjensen',
      [ACME]: { tenantTag: 't1', clearance: { level: 'high', zone: 'north' } },
    });
  });

  it('returns "request" attributes and sub-attributes when named', () => {
    expect(acme(`${ACME}:badgeCode,${ACME}:clearance.pin`)).toEqual({
      schemas: [USER_SCHEMA, ACME],
      id: ID,
      [ACME]: { badgeCode: 'B-7', tenantTag: 't1', clearance: { pin: '1234', zone: 'north' } },
    });
  });

  it('naming a complex attribute returns its default sub-attributes, not its "request" ones', () => {
    expect(acme(`${ACME}:clearance`)[ACME]).toEqual({ tenantTag: 't1', clearance: { level: 'high', zone: 'north' } });
  });

  it('naming the extension URN returns its default attributes, not its "request" ones', () => {
    expect(acme(ACME)[ACME]).toEqual({ tenantTag: 't1', clearance: { level: 'high', zone: 'north' } });
  });

  it('keeps "always" attributes and sub-attributes whatever the lists say', () => {
    expect(acme('userName')[ACME]).toEqual({ tenantTag: 't1' });
    expect(acme(undefined, `${ACME}:tenantTag,${ACME}:clearance.zone,${ACME}:clearance.level`)[ACME]).toEqual({
      tenantTag: 't1',
      clearance: { zone: 'north' },
    });
    expect(acme(undefined, ACME)[ACME]).toEqual({ tenantTag: 't1' });
  });
});

describe('projectionIncludes', () => {
  const includes = (projection: Projection, path: string, schemas = users) => projectionIncludes(projection, schemas, path);

  it('a Group service loads members only when the output shows them', () => {
    expect(includes(noProjection, 'members', groups)).toBe(true);
    expect(includes(parseProjection(undefined, 'members', groups), 'members', groups)).toBe(false);
    expect(includes(parseProjection('displayName', undefined, groups), 'members', groups)).toBe(false);
    expect(includes(parseProjection('members.value', undefined, groups), 'members', groups)).toBe(true);
    expect(includes(parseProjection(undefined, 'members.display', groups), 'members', groups)).toBe(true);
  });

  it('a User service loads groups only when the output shows them', () => {
    expect(includes(noProjection, 'groups')).toBe(true);
    expect(includes(parseProjection('userName', undefined, users), 'groups')).toBe(false);
    expect(includes(parseProjection(undefined, 'Groups', users), 'groups')).toBe(false);
  });

  it('answers for sub-attributes, extension attributes, extension URNs, never and always attributes', () => {
    const projection = parseProjection(`name.givenName,${ENTERPRISE_USER_SCHEMA}:manager`, undefined, users);
    expect(includes(projection, 'name.givenName')).toBe(true);
    expect(includes(projection, 'name.familyName')).toBe(false);
    expect(includes(projection, `${ENTERPRISE_USER_SCHEMA}:manager`)).toBe(true);
    expect(includes(projection, `${ENTERPRISE_USER_SCHEMA}:department`)).toBe(false);
    expect(includes(projection, ENTERPRISE_USER_SCHEMA)).toBe(true);
    expect(includes(parseProjection('userName', undefined, users), ENTERPRISE_USER_SCHEMA)).toBe(false);
    expect(includes(noProjection, 'password')).toBe(false);
    expect(includes(projection, 'id')).toBe(true);
    expect(includes(projection, 'schemas')).toBe(true);
  });

  it('an attribute the resource type does not have is a programming mistake', () => {
    expect(() => includes(noProjection, 'members')).toThrow(TypeError);
  });
});
