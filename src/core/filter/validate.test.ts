import { describe, it, expect } from 'vitest';
import { ScimError } from '../errors/scim-error.js';
import { attribute, type SchemaDefinition } from '../schema/attribute.js';
import { createDefaultRegistry } from '../schema/registry.js';
import { filterNodes } from './ast.js';
import { parseFilter } from './parser.js';
import { resolveFilterAttribute, resolveValuePathAttribute, schemasFilterAttribute, validateFilter } from './validate.js';

const ENTERPRISE_USER = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const GAME = 'urn:example:params:scim:schemas:extension:game:2.0:User';

const gameSchema: SchemaDefinition = {
  id: GAME,
  name: 'Game',
  description: 'Test extension',
  attributes: [attribute('level', 'integer'), attribute('score', 'decimal')],
};

const registry = createDefaultRegistry([{ resourceType: 'User', schema: gameSchema }]);
const users = registry.forResourceType('User');
const groups = registry.forResourceType('Group');

function rejection(filter: string, schemas = users): ScimError {
  try {
    validateFilter(parseFilter(filter), schemas);
  } catch (error) {
    if (error instanceof ScimError) return error;
    throw error;
  }
  throw new Error(`expected ${filter} to be rejected`);
}

function expectRejected(cases: readonly (readonly [string, string])[]): void {
  for (const [filter, detail] of cases) {
    const error = rejection(filter);
    expect(error.status).toBe(400);
    expect(error.scimType).toBe('invalidFilter');
    expect(error.detail).toBe(detail);
  }
}

describe('validateFilter accepts', () => {
  it('§3.4.2.2: every RFC example filter on Users', () => {
    for (const filter of [
      'userName eq "bjensen"',
      `name.familyName co "O'Malley"`,
      'userName sw "J"',
      'urn:ietf:params:scim:schemas:core:2.0:User:userName sw "J"',
      'title pr',
      'meta.lastModified gt "2011-05-13T04:42:34Z"',
      'meta.lastModified ge "2011-05-13T04:42:34Z"',
      'meta.lastModified lt "2011-05-13T04:42:34Z"',
      'meta.lastModified le "2011-05-13T04:42:34Z"',
      'title pr and userType eq "Employee"',
      'title pr or userType eq "Intern"',
      `schemas eq "${ENTERPRISE_USER}"`,
      'userType eq "Employee" and (emails co "example.com" or emails.value co "example.org")',
      'userType ne "Employee" and not (emails co "example.com" or emails.value co "example.org")',
      'userType eq "Employee" and (emails.type eq "work")',
      'userType eq "Employee" and emails[type eq "work" and value co "@example.com"]',
      'emails[type eq "work" and value co "@example.com"] or ims[type eq "xmpp" and value co "@foo.com"]',
    ]) {
      expect(() => validateFilter(parseFilter(filter), users)).not.toThrow();
    }
  });

  it('eq null and ne null on any attribute, complex and boolean included', () => {
    for (const filter of ['name eq null', 'addresses ne null', 'active eq null', 'meta.lastModified ne null', `${ENTERPRISE_USER}:manager eq null`]) {
      expect(() => validateFilter(parseFilter(filter), users)).not.toThrow();
    }
  });

  it('co, sw and ew on string, reference and binary attributes; pr on complex ones', () => {
    for (const filter of ['displayName co "x"', 'profileUrl sw "https"', 'x509Certificates co "MII"', 'groups.$ref ew "x"', 'name pr', 'addresses pr']) {
      expect(() => validateFilter(parseFilter(filter), users)).not.toThrow();
    }
  });

  it('common attributes, qualified or not, and Group filters against the Group schemas', () => {
    for (const filter of ['ID eq "x"', 'urn:ietf:params:scim:schemas:core:2.0:User:id eq "x"', 'externalId sw "x"', 'meta.resourceType eq "User"']) {
      expect(() => validateFilter(parseFilter(filter), users)).not.toThrow();
    }
    for (const filter of ['displayName eq "Tour Guides"', 'members[value eq "2819c223" and type eq "User"]', 'members eq "2819c223"', 'members.$ref pr']) {
      expect(() => validateFilter(parseFilter(filter), groups)).not.toThrow();
    }
  });

  it('numbers of either kind on integer and decimal attributes', () => {
    for (const filter of [`${GAME}:level gt 1.5`, `${GAME}:score le -2e3`, `${GAME}:level eq 7`]) {
      expect(() => validateFilter(parseFilter(filter), users)).not.toThrow();
    }
  });
});

describe('validateFilter rejects with invalidFilter', () => {
  it('unknown attributes, sub-attributes and schemas', () => {
    expectRejected([
      ['nosuch eq "x"', 'Unknown attribute "nosuch" for User resources (at column 1)'],
      ['title pr and nosuch pr', 'Unknown attribute "nosuch" for User resources (at column 14)'],
      ['name.nosuch pr', 'Unknown sub-attribute "nosuch" of "name" (at column 6)'],
      [
        `${ENTERPRISE_USER}:manager.nosuch pr`,
        `Unknown sub-attribute "nosuch" of "${ENTERPRISE_USER}:manager" (at column 68)`,
      ],
      [`${ENTERPRISE_USER}:nosuch pr`, `Unknown attribute "${ENTERPRISE_USER}:nosuch" for User resources (at column 1)`],
      ['urn:example:nope:name pr', 'Unknown schema "urn:example:nope" for User resources (at column 1)'],
    ]);
    expect(rejection('userName eq "x"', groups).detail).toBe('Unknown attribute "userName" for Group resources (at column 1)');
  });

  it('a sub-attribute on an attribute that has none', () => {
    expectRejected([
      ['userName.x pr', '"userName" has no sub-attributes; "userName.x" names nothing (at column 10)'],
      ['schemas.x pr', '"schemas" has no sub-attributes; "schemas.x" names nothing (at column 9)'],
    ]);
  });

  it('a value filter on an attribute that is not multi-valued complex', () => {
    expectRejected([
      ['name[givenName eq "x"]', '"name" is not multi-valued; a value filter "[…]" applies only to a multi-valued complex attribute (at column 1)'],
      [
        'title pr or schemas[value eq "x"]',
        '"schemas" is multi-valued but not complex; a value filter "[…]" applies only to a multi-valued complex attribute (at column 13)',
      ],
      [`${ENTERPRISE_USER}:manager[value eq "x"]`, `"${ENTERPRISE_USER}:manager" is not multi-valued; a value filter "[…]" applies only to a multi-valued complex attribute (at column 1)`],
    ]);
  });

  it('paths inside a value filter that are not sub-attributes of its attribute', () => {
    expectRejected([
      ['emails[nosuch eq "x"]', 'Unknown sub-attribute "nosuch" of "emails" (at column 8)'],
      ['emails[type eq "work"] and addresses[nosuch pr]', 'Unknown sub-attribute "nosuch" of "addresses" (at column 38)'],
      ['emails[type.x eq "x"]', '"emails.type" has no sub-attributes; "type.x" names nothing (at column 13)'],
      ['emails[emails.type eq "x"]', '"emails.emails" has no sub-attributes; "emails.type" names nothing (at column 15)'],
      [
        'emails[urn:ietf:params:scim:schemas:core:2.0:User:type eq "x"]',
        'Inside the value filter of "emails", name a sub-attribute without a schema URN, not "urn:ietf:params:scim:schemas:core:2.0:User:type" (at column 8)',
      ],
    ]);
  });

  it('§3.4.2.2: gt, ge, lt and le on boolean and binary attributes', () => {
    expectRejected([
      ['active gt true', 'The operator "gt" cannot order the boolean attribute "active" (at column 1)'],
      ['emails[primary ge false]', 'The operator "ge" cannot order the boolean attribute "emails.primary" (at column 8)'],
      ['x509Certificates.value lt "A"', 'The operator "lt" cannot order the binary attribute "x509Certificates.value" (at column 1)'],
      ['x509Certificates le "A"', 'The operator "le" cannot order the binary attribute "x509Certificates.value" (at column 1)'],
    ]);
  });

  it('a comparison on a complex attribute without a value sub-attribute', () => {
    expectRejected([
      ['name eq "x"', '"name" is a complex attribute: compare one of its sub-attributes, such as "name.formatted", or use "pr" (at column 1)'],
      ['addresses co "x"', '"addresses" is a complex attribute: compare one of its sub-attributes, such as "addresses.formatted", or use "pr" (at column 1)'],
      ['meta gt "x"', '"meta" is a complex attribute: compare one of its sub-attributes, such as "meta.resourceType", or use "pr" (at column 1)'],
    ]);
  });

  it('a value of the wrong JSON type for the attribute', () => {
    expectRejected([
      ['userName eq 5', '"userName" is a string attribute: compare it to a string, not to the number 5 (at column 1)'],
      ['userName eq true', '"userName" is a string attribute: compare it to a string, not to the literal true (at column 1)'],
      ['active eq "true"', '"active" is a boolean attribute: compare it to true or false, not to the string "true" (at column 1)'],
      ['active eq 1', '"active" is a boolean attribute: compare it to true or false, not to the number 1 (at column 1)'],
      [`${GAME}:level eq "10"`, `"${GAME}:level" is an integer attribute: compare it to a number, not to the string "10" (at column 1)`],
      [
        'meta.lastModified gt "yesterday"',
        '"meta.lastModified" is a dateTime attribute: compare it to an ISO 8601 date-time string such as "2011-05-13T04:42:34Z", not to the string "yesterday" (at column 1)',
      ],
      [
        'meta.lastModified gt 1305261754',
        '"meta.lastModified" is a dateTime attribute: compare it to an ISO 8601 date-time string such as "2011-05-13T04:42:34Z", not to the number 1305261754 (at column 1)',
      ],
      [
        'meta.created eq "2011-02-30T00:00:00Z"',
        '"meta.created" is a dateTime attribute: compare it to an ISO 8601 date-time string such as "2011-05-13T04:42:34Z", not to the string "2011-02-30T00:00:00Z" (at column 1)',
      ],
    ]);
  });

  it('co, sw and ew on attributes that are not string-like', () => {
    expectRejected([
      ['active co "t"', 'The operator "co" applies only to string attributes; "active" is boolean (at column 1)'],
      ['meta.lastModified sw "2011"', 'The operator "sw" applies only to string attributes; "meta.lastModified" is dateTime (at column 1)'],
      [`${GAME}:level ew 1`, `The operator "ew" applies only to string attributes; "${GAME}:level" is integer (at column 1)`],
    ]);
  });

  it('null with any operator but eq and ne', () => {
    expectRejected([
      ['title gt null', 'Only "eq" and "ne" can compare "title" to null, not "gt" (at column 1)'],
      ['title co null', 'Only "eq" and "ne" can compare "title" to null, not "co" (at column 1)'],
    ]);
  });

  it('attributes that are never returned (password)', () => {
    expectRejected([
      ['password eq "t1meMa$heen"', '"password" is never returned and cannot be used in a filter (at column 1)'],
      ['userName pr and password pr', '"password" is never returned and cannot be used in a filter (at column 17)'],
    ]);
  });

  it('trees the parser never builds: nested value filters and a value filter on a sub-attribute', () => {
    const inner = filterNodes.valuePath(filterNodes.attributePath('ims', { position: 8 }), filterNodes.present(filterNodes.attributePath('value')));
    const nested = filterNodes.valuePath(filterNodes.attributePath('emails'), inner);
    expect(() => validateFilter(nested, users)).toThrow('Value filters cannot be nested: "ims[…]" (at column 8)');
    const onSub = filterNodes.valuePath(filterNodes.attributePath('emails', { subAttribute: 'value' }), filterNodes.present(filterNodes.attributePath('type')));
    expect(() => validateFilter(onSub, users)).toThrow(/not of the sub-attribute "emails.value"/);
  });
});

describe('resolveFilterAttribute decides what a path designates', () => {
  const resolve = (text: string) => {
    const node = parseFilter(`${text} pr`);
    if (node.kind !== 'Present') throw new Error('expected a Present node');
    return resolveFilterAttribute(node.path, users);
  };

  it('resolves case-insensitively to canonical names and JSON paths', () => {
    expect(resolve('NAME.GIVENNAME')).toMatchObject({ canonicalPath: 'name.givenName', jsonPath: ['name', 'givenName'], isExtension: false });
    expect(resolve(`${ENTERPRISE_USER}:MANAGER.value`)).toMatchObject({
      canonicalPath: `${ENTERPRISE_USER}:manager.value`,
      jsonPath: [ENTERPRISE_USER, 'manager', 'value'],
      isExtension: true,
    });
    expect(resolve('meta.lastModified').leaf.type).toBe('dateTime');
  });

  it('§3.4.2.2: reads a multi-valued complex attribute with a value sub-attribute as its value', () => {
    expect(resolve('emails')).toMatchObject({ canonicalPath: 'emails.value', jsonPath: ['emails', 'value'] });
    expect(resolve('x509Certificates').leaf).toMatchObject({ name: 'value', type: 'binary', caseExact: true });
    expect(resolve('addresses')).toMatchObject({ canonicalPath: 'addresses', subAttribute: undefined });
    expect(resolve('name').canonicalPath).toBe('name');
  });

  it('resolves schemas to a multi-valued, case-insensitive URI attribute', () => {
    expect(resolve('Schemas')).toBe(schemasFilterAttribute);
    expect(schemasFilterAttribute.leaf).toMatchObject({ type: 'reference', multiValued: true, caseExact: false });
  });

  it('resolves paths inside a value filter relative to its attribute', () => {
    const emails = resolveValuePathAttribute(filterNodes.attributePath('EMAILS'), users);
    expect(emails.canonicalPath).toBe('emails');
    expect(resolveFilterAttribute(filterNodes.attributePath('Type'), users, emails)).toMatchObject({ canonicalPath: 'emails.type', jsonPath: ['emails', 'type'] });
    const members = resolveValuePathAttribute(filterNodes.attributePath('members'), groups);
    expect(resolveFilterAttribute(filterNodes.attributePath('$ref'), groups, members).canonicalPath).toBe('members.$ref');
  });
});
