import { describe, expect, it } from 'vitest';
import { ScimError } from '../errors/scim-error.js';
import { attribute, type SchemaDefinition } from '../schema/attribute.js';
import { createDefaultRegistry } from '../schema/registry.js';
import { cloneJson } from '../resource/json-value.js';
import storedFullUser from '../resource/fixtures/rfc7643-8.2-full-user.stored.json' with { type: 'json' };
import { applyPatch, PATCH_OP_SCHEMA, parsePatchRequest } from './index.js';

const registry = createDefaultRegistry();
const users = registry.forResourceType('User');
const groups = registry.forResourceType('Group');

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

const fullUser: Record<string, unknown> = storedFullUser;
const minimalUser = { schemas: [USER], userName: 'bjensen@example.com' };
const enterpriseUser = {
  ...cloneJson(fullUser),
  schemas: [USER, ENTERPRISE],
  [ENTERPRISE]: {
    employeeNumber: '701984',
    department: 'Tour Operations',
    manager: { value: '26118915-6090-4610-87e4-49d8ca9f808d', $ref: '../Users/26118915-6090-4610-87e4-49d8ca9f808d' },
  },
};
const group = { schemas: [GROUP], displayName: 'Tour Guides', members: [{ value: 'u1', type: 'User' }, { value: 'u2', type: 'User' }, { value: 'g1', type: 'Group' }] };

function patch(current: Record<string, unknown>, operations: unknown[], schemas = users) {
  return applyPatch(current, parsePatchRequest({ schemas: [PATCH_OP_SCHEMA], Operations: operations }), schemas);
}

function expectScimError(action: () => unknown, status: number, scimType: string, detail: RegExp): void {
  let caught: unknown;
  try {
    action();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(ScimError);
  const error = caught as ScimError;
  expect({ status: error.status, scimType: error.scimType, detail: error.detail }).toEqual({ status, scimType, detail: expect.stringMatching(detail) });
}

describe('identity-provider request shapes', () => {
  it('Entra: {"op":"Replace","path":"active","value":"False"} deactivates the user', () => {
    const result = patch(fullUser, [{ op: 'Replace', path: 'active', value: 'False' }]);
    expect(result.attributes).toEqual({ ...fullUser, active: false });
    expect(result.changedAttributes).toEqual(['active']);
  });

  it('Entra: no-path add with dotted and URN-qualified keys, and a bare-string manager', () => {
    const result = patch(fullUser, [
      {
        op: 'add',
        value: {
          'name.givenName': 'X',
          [`${ENTERPRISE}:department`]: 'Y',
          [`${ENTERPRISE}:manager`]: 'mgr-id',
        },
      },
    ]);
    expect(result.attributes).toEqual({
      ...fullUser,
      schemas: [USER, ENTERPRISE],
      name: { ...(fullUser['name'] as object), givenName: 'X' },
      [ENTERPRISE]: { department: 'Y', manager: { value: 'mgr-id' } },
    });
    expect(result.changedAttributes).toEqual(['name', `${ENTERPRISE}:department`, `${ENTERPRISE}:manager`]);
  });

  it('Entra: replace of the manager with "" clears it', () => {
    const result = patch(enterpriseUser, [{ op: 'replace', path: `${ENTERPRISE}:manager`, value: '' }]);
    expect(result.attributes[ENTERPRISE]).toEqual({ employeeNumber: '701984', department: 'Tour Operations' });
    expect(result.changedAttributes).toEqual([`${ENTERPRISE}:manager`]);
  });

  it('Entra: {"op":"Add","path":"manager","value":[{"$ref":…,"value":…}]} sets the enterprise manager', () => {
    // "Develop and plan provisioning for a SCIM endpoint", Example 5: no URN in the path, the value an array.
    const value = [{ $ref: 'http://idp.example.com/scim/Users/00aa00aa-bb11-cc22-dd33-44ee44ee44ee', value: '00aa00aa-bb11-cc22-dd33-44ee44ee44ee' }];
    const result = patch(minimalUser, [{ op: 'Add', path: 'manager', value }]);
    expect(result.attributes).toEqual({ ...minimalUser, schemas: [USER, ENTERPRISE], [ENTERPRISE]: { manager: value[0] } });
    expect(result.changedAttributes).toEqual([`${ENTERPRISE}:manager`]);
  });

  it('an unqualified path names the extension attribute only when one extension defines it', () => {
    expect(patch(enterpriseUser, [{ op: 'replace', path: 'department', value: 'Sales' }]).attributes[ENTERPRISE]).toEqual({
      ...(enterpriseUser[ENTERPRISE] as object),
      department: 'Sales',
    });
    expect(patch(enterpriseUser, [{ op: 'remove', path: 'manager' }]).attributes[ENTERPRISE]).toEqual({ employeeNumber: '701984', department: 'Tour Operations' });
    expectScimError(() => patch(group, [{ op: 'replace', path: 'department', value: 'x' }], groups), 400, 'invalidPath', /Unknown attribute "department"/);
  });

  it('a singular complex value given as two elements is refused, never reduced to one', () => {
    expectScimError(
      () => patch(enterpriseUser, [{ op: 'replace', path: `${ENTERPRISE}:manager`, value: [{ value: 'a' }, { value: 'b' }] }]),
      400,
      'invalidValue',
      /single-valued; got an array of 2 values/,
    );
  });

  it('replace of a singular complex attribute with [] clears it, as null and "" do', () => {
    expect(patch(enterpriseUser, [{ op: 'replace', path: `${ENTERPRISE}:manager`, value: [] }]).attributes[ENTERPRISE]).toEqual({
      employeeNumber: '701984',
      department: 'Tour Operations',
    });
  });

  it('clearing the last extension attribute drops the extension and its schema URN', () => {
    const onlyManager = { ...minimalUser, schemas: [USER, ENTERPRISE], [ENTERPRISE]: { manager: { value: 'm1' } } };
    expect(patch(onlyManager, [{ op: 'replace', path: `${ENTERPRISE}:manager`, value: null }]).attributes).toEqual(minimalUser);
  });

  it('a new manager value drops the $ref that pointed at the old one', () => {
    const result = patch(enterpriseUser, [{ op: 'replace', path: `${ENTERPRISE}:manager`, value: { value: 'new-manager' } }]);
    expect((result.attributes[ENTERPRISE] as Record<string, unknown>)['manager']).toEqual({ value: 'new-manager' });
  });

  it('Entra: phoneNumbers[type eq "work"].value creates the work number when there is none', () => {
    const result = patch(minimalUser, [{ op: 'Add', path: 'phoneNumbers[type eq "work"].value', value: '555-0100' }]);
    expect(result.attributes).toEqual({ ...minimalUser, phoneNumbers: [{ type: 'work', value: '555-0100' }] });
  });

  it('Entra: phoneNumbers[type eq "work"].value updates the existing work number', () => {
    const result = patch(fullUser, [{ op: 'replace', path: 'phoneNumbers[type eq "work"].value', value: '555-0100' }]);
    expect(result.attributes['phoneNumbers']).toEqual([
      { value: '555-0100', type: 'work' },
      { value: '555-555-4444', type: 'mobile' },
    ]);
  });

  it('Entra: successive sub-attribute adds build one address element', () => {
    const result = patch(minimalUser, [
      { op: 'add', path: 'addresses[type eq "work"].streetAddress', value: '1 Main St' },
      { op: 'add', path: 'addresses[type eq "work"].locality', value: 'Springfield' },
    ]);
    expect(result.attributes['addresses']).toEqual([{ type: 'work', streetAddress: '1 Main St', locality: 'Springfield' }]);
  });

  it('Entra: remove of members with a value array removes exactly those members', () => {
    const result = patch(group, [{ op: 'Remove', path: 'members', value: [{ value: 'u1' }, { value: 'g1' }] }], groups);
    expect(result.attributes['members']).toEqual([{ value: 'u2', type: 'User' }]);
  });

  it('a remove of members listing only absent ids removes nothing, never all', () => {
    const result = patch(group, [{ op: 'remove', path: 'members', value: [{ value: 'nobody' }] }], groups);
    expect(result.attributes).toEqual(group);
    expect(result.changed).toBe(false);
  });

  it('member ids are compared exactly when removing by value array', () => {
    expect(patch(group, [{ op: 'remove', path: 'members', value: [{ value: 'U1' }] }], groups).attributes['members']).toHaveLength(3);
  });

  it('Okta: {"op":"replace","value":{"active":false}}', () => {
    expect(patch(fullUser, [{ op: 'replace', value: { active: false } }]).attributes).toEqual({ ...fullUser, active: false });
  });

  it('Okta: a group rename whose value carries the id ignores the id', () => {
    const result = patch(group, [{ op: 'replace', value: { id: 'e9e30dba-f08f-4109-8486-d5c6a331660a', displayName: 'Guides' } }], groups);
    expect(result.attributes).toEqual({ ...group, displayName: 'Guides' });
    expect(result.changedAttributes).toEqual(['displayName']);
  });

  it('ignores schemas, meta and groups inside a no-path value (RFC 7644 §3.5.1 treatment of readOnly)', () => {
    const result = patch(minimalUser, [{ op: 'replace', value: { schemas: [USER], meta: { version: 'W/"1"' }, groups: [{ value: 'g' }], title: 'Boss' } }]);
    expect(result.attributes).toEqual({ ...minimalUser, title: 'Boss' });
  });

  it('a no-path value may use a value-path key', () => {
    const result = patch(fullUser, [{ op: 'replace', value: { 'emails[type eq "home"].value': 'babs@example.org' } }]);
    expect(result.attributes['emails']).toEqual([
      { value: 'bjensen@example.com', type: 'work', primary: true },
      { value: 'babs@example.org', type: 'home' },
    ]);
  });
});

describe('add and replace semantics (RFC 7644 §3.5.2.1, §3.5.2.3)', () => {
  it('add to a singular attribute replaces its value', () => {
    expect(patch(fullUser, [{ op: 'add', path: 'title', value: 'Chief Guide' }]).attributes['title']).toBe('Chief Guide');
  });

  it('add and replace on a complex attribute set the given sub-attributes and leave the others', () => {
    const name = fullUser['name'] as Record<string, unknown>;
    expect(patch(fullUser, [{ op: 'add', path: 'name', value: { givenName: 'Babs' } }]).attributes['name']).toEqual({ ...name, givenName: 'Babs' });
    expect(patch(fullUser, [{ op: 'replace', path: 'NAME', value: { FamilyName: 'Smith' } }]).attributes['name']).toEqual({ ...name, familyName: 'Smith' });
  });

  it('paths and sub-attribute names are case-insensitive', () => {
    const result = patch(fullUser, [{ op: 'replace', path: 'Emails[Type eq "WORK"].Value', value: 'barbara@example.com' }]);
    expect(result.attributes['emails']).toEqual([
      { value: 'barbara@example.com', type: 'work', primary: true },
      { value: 'babs@jensen.org', type: 'home' },
    ]);
  });

  it('replace of a multi-valued attribute without filter replaces every value', () => {
    expect(patch(fullUser, [{ op: 'replace', path: 'phoneNumbers', value: { value: '555-0199', type: 'home' } }]).attributes['phoneNumbers']).toEqual([
      { value: '555-0199', type: 'home' },
    ]);
  });

  it('add of a multi-valued attribute appends and skips values already present', () => {
    const result = patch(fullUser, [{ op: 'add', path: 'ims', value: [{ value: 'someaimhandle', type: 'aim' }, { value: 'babs', type: 'xmpp' }] }]);
    expect(result.attributes['ims']).toEqual([
      { value: 'someaimhandle', type: 'aim' },
      { value: 'babs', type: 'xmpp' },
    ]);
  });

  it('replace of a value path that matches nothing creates the element from its eq conditions (lenient, for Entra)', () => {
    const result = patch(fullUser, [{ op: 'replace', path: 'emails[type eq "other" and primary eq false]', value: { value: 'o@example.com' } }]);
    expect(result.attributes['emails']).toEqual([
      { value: 'bjensen@example.com', type: 'work', primary: true },
      { value: 'babs@jensen.org', type: 'home' },
      { type: 'other', primary: false, value: 'o@example.com' },
    ]);
  });

  it('a value path that matches nothing and is no set of eq conditions is noTarget', () => {
    expectScimError(
      () => patch(fullUser, [{ op: 'replace', path: 'emails[value co "nowhere"].type', value: 'other' }]),
      400,
      'noTarget',
      /^Operations\[0\]: No element of "emails" matches the filter "value co "nowhere""/,
    );
    expectScimError(() => patch(fullUser, [{ op: 'add', path: 'emails[type eq "a" or type eq "b"].value', value: 'x' }]), 400, 'noTarget', /cannot describe a new element/);
  });

  it('replace of a value path merges the given object into every matching element', () => {
    const result = patch(fullUser, [{ op: 'replace', path: 'photos[value sw "https://photos.example.com/"]', value: { display: 'Babs' } }]);
    expect(result.attributes['photos']).toEqual([
      { value: 'https://photos.example.com/profilephoto/72930000000Ccne/F', type: 'photo', display: 'Babs' },
      { value: 'https://photos.example.com/profilephoto/72930000000Ccne/T', type: 'thumbnail', display: 'Babs' },
    ]);
  });

  it('a sub-attribute path on a multi-valued attribute without filter applies to every element', () => {
    const result = patch(fullUser, [{ op: 'replace', path: 'phoneNumbers.display', value: 'Babs' }]);
    expect(result.attributes['phoneNumbers']).toEqual([
      { value: '555-555-5555', type: 'work', display: 'Babs' },
      { value: '555-555-4444', type: 'mobile', display: 'Babs' },
    ]);
  });

  it('setting primary on one element clears it on the others (RFC 7643 §2.4)', () => {
    const viaFilter = patch(fullUser, [{ op: 'replace', path: 'emails[type eq "home"].primary', value: 'True' }]);
    expect(viaFilter.attributes['emails']).toEqual([
      { value: 'bjensen@example.com', type: 'work' },
      { value: 'babs@jensen.org', type: 'home', primary: true },
    ]);
    const viaAdd = patch(fullUser, [{ op: 'add', path: 'emails', value: { value: 'new@example.com', primary: true } }]);
    expect(viaAdd.attributes['emails']).toEqual([
      { value: 'bjensen@example.com', type: 'work' },
      { value: 'babs@jensen.org', type: 'home' },
      { value: 'new@example.com', primary: true },
    ]);
  });

  it('"" and null clear a singular attribute for add and replace', () => {
    expect(patch(fullUser, [{ op: 'replace', path: 'nickName', value: '' }]).attributes['nickName']).toBeUndefined();
    expect(patch(fullUser, [{ op: 'add', path: 'name', value: null }]).attributes['name']).toBeUndefined();
  });

  it('the extension URN as a path adds to and removes the whole extension object', () => {
    const added = patch(minimalUser, [{ op: 'add', path: ENTERPRISE, value: { Department: 'Tours', manager: 'm1' } }]);
    expect(added.attributes).toEqual({ schemas: [USER, ENTERPRISE], userName: 'bjensen@example.com', [ENTERPRISE]: { department: 'Tours', manager: { value: 'm1' } } });
    expect(patch(added.attributes, [{ op: 'remove', path: ENTERPRISE }]).attributes).toEqual(minimalUser);
  });

  it('a no-path value may carry an extension object; its attributes are added or replaced one by one', () => {
    const added = patch(minimalUser, [{ op: 'add', value: { [ENTERPRISE]: { department: 'Tours' } } }]);
    expect(added.attributes).toEqual({ schemas: [USER, ENTERPRISE], userName: 'bjensen@example.com', [ENTERPRISE]: { department: 'Tours' } });
    const replaced = patch(enterpriseUser, [{ op: 'replace', value: { [ENTERPRISE.toLowerCase()]: { Department: 'Rides' } } }]);
    expect(replaced.attributes[ENTERPRISE]).toEqual({ ...(enterpriseUser[ENTERPRISE] as object), department: 'Rides' });
    expect(patch(enterpriseUser, [{ op: 'replace', value: { [ENTERPRISE]: null } }]).attributes).toEqual({ ...fullUser });
  });

  it('sets, replaces and removes the password outside the attributes', () => {
    const set = patch(minimalUser, [{ op: 'replace', path: 'password', value: 'n3w-Secret' }]);
    expect(set).toEqual({ attributes: minimalUser, password: 'n3w-Secret', changed: true, changedAttributes: ['password'] });
    expect(patch(minimalUser, [{ op: 'add', value: { PASSWORD: 'other' } }]).password).toBe('other');
    expect(patch(minimalUser, [{ op: 'remove', path: 'password' }]).password).toBeNull();
    expect(patch(minimalUser, [{ op: 'replace', path: 'title', value: 'x' }]).password).toBeUndefined();
  });
});

describe('remove semantics (RFC 7644 §3.5.2.2)', () => {
  it('unassigns a singular attribute and a sub-attribute', () => {
    const result = patch(fullUser, [
      { op: 'remove', path: 'nickName' },
      { op: 'remove', path: 'name.middleName' },
    ]);
    const { middleName: _removed, ...name } = fullUser['name'] as Record<string, unknown>;
    const { nickName: _nickName, ...rest } = fullUser;
    expect(result.attributes).toEqual({ ...rest, name });
    expect(result.changedAttributes).toEqual(['name', 'nickName']);
  });

  it('unassigns a sub-attribute of the selected elements', () => {
    expect(patch(fullUser, [{ op: 'remove', path: 'emails[type eq "work"].value' }]).attributes['emails']).toEqual([
      { type: 'work', primary: true },
      { value: 'babs@jensen.org', type: 'home' },
    ]);
  });

  it('removes every value of a multi-valued attribute without filter', () => {
    expect(patch(fullUser, [{ op: 'remove', path: 'photos' }]).attributes['photos']).toBeUndefined();
  });

  it('is a no-op for an absent attribute or a filter matching nothing', () => {
    for (const path of ['title', 'name.givenName', 'emails[type eq "other"]', `${ENTERPRISE}:manager`, ENTERPRISE]) {
      const result = patch(minimalUser, [{ op: 'remove', path }]);
      expect(result.attributes).toEqual(minimalUser);
      expect(result.changed).toBe(false);
    }
  });

  it('requires a path: noTarget (§3.5.2.2)', () => {
    expectScimError(() => patch(fullUser, [{ op: 'remove', value: { title: 'x' } }]), 400, 'noTarget', /^Operations\[0\]: "remove" requires a "path"/);
  });

  it('cannot remove a required attribute', () => {
    expectScimError(() => patch(fullUser, [{ op: 'remove', path: 'userName' }]), 400, 'invalidValue', /"userName" is required/);
    expectScimError(() => patch(group, [{ op: 'remove', path: 'displayName' }], groups), 400, 'invalidValue', /"displayName" is required/);
  });
});

describe('mutability (RFC 7644 §3.5.2)', () => {
  it('rejects paths to readOnly attributes', () => {
    for (const path of ['id', 'meta', 'meta.created', 'groups', 'groups[value eq "g"]', `${ENTERPRISE}:manager.displayName`, 'schemas']) {
      for (const operation of [{ op: 'replace', path, value: 'x' }, { op: 'remove', path }]) {
        expectScimError(() => patch(enterpriseUser, [operation]), 400, 'mutability', /^Operations\[0\]: /);
      }
    }
    expectScimError(() => patch(group, [{ op: 'replace', path: 'members[value eq "u1"].display', value: 'X' }], groups), 400, 'mutability', /"members\.display" is readOnly/);
  });

  it('lets an unset immutable member type be added, never changed or removed', () => {
    const untyped = { ...group, members: [{ value: 'u9' }] };
    expect(patch(untyped, [{ op: 'add', path: 'members[value eq "u9"].type', value: 'user' }], groups).attributes['members']).toEqual([{ value: 'u9', type: 'User' }]);
    expectScimError(() => patch(group, [{ op: 'replace', path: 'members[value eq "u1"].type', value: 'Group' }], groups), 400, 'mutability', /"members\.type" is immutable/);
    expectScimError(() => patch(group, [{ op: 'remove', path: 'members[value eq "u1"].type' }], groups), 400, 'mutability', /"members\.type" is immutable/);
    expectScimError(() => patch(group, [{ op: 'replace', path: 'members[value eq "u1"].value', value: 'u7' }], groups), 400, 'mutability', /"members\.value" is immutable/);
    expectScimError(() => patch(group, [{ op: 'replace', path: 'members', value: [{ value: 'u1', type: 'Group' }] }], groups), 400, 'mutability', /"members\.type" is immutable/);
  });

  it('keeps the types of members listed again without them when members are replaced', () => {
    const result = patch(group, [{ op: 'replace', path: 'members', value: [{ value: 'g1' }, { value: 'u3' }] }], groups);
    expect(result.attributes['members']).toEqual([{ value: 'g1', type: 'Group' }, { value: 'u3' }]);
  });

  it('lets an immutable attribute be added when absent, never changed or removed', () => {
    const BADGE = 'urn:example:params:scim:schemas:extension:badge:2.0:User';
    const badgeSchema: SchemaDefinition = { id: BADGE, name: 'Badge', description: '', attributes: [attribute('serial', 'string', { mutability: 'immutable' })] };
    const custom = createDefaultRegistry([{ resourceType: 'User', schema: badgeSchema }]).forResourceType('User');
    const added = patch(minimalUser, [{ op: 'add', path: `${BADGE}:serial`, value: 'S-1' }], custom);
    expect(added.attributes).toEqual({ schemas: [USER, BADGE], userName: 'bjensen@example.com', [BADGE]: { serial: 'S-1' } });
    expect(patch(added.attributes, [{ op: 'replace', path: `${BADGE}:serial`, value: 'S-1' }], custom).changed).toBe(false);
    expectScimError(() => patch(added.attributes, [{ op: 'replace', path: `${BADGE}:serial`, value: 'S-2' }], custom), 400, 'mutability', /:serial" is immutable/);
    expectScimError(() => patch(added.attributes, [{ op: 'remove', path: `${BADGE}:serial` }], custom), 400, 'mutability', /:serial" is immutable/);
    expectScimError(() => patch(added.attributes, [{ op: 'remove', path: BADGE }], custom), 400, 'mutability', /:serial" is immutable/);
  });
});

describe('invalid paths and values', () => {
  it('rejects unknown attributes, sub-attributes and schemas in a path with invalidPath', () => {
    expectScimError(() => patch(fullUser, [{ op: 'replace', path: 'nickname2', value: 'x' }]), 400, 'invalidPath', /^Operations\[0\]: Unknown attribute "nickname2"/);
    expectScimError(() => patch(fullUser, [{ op: 'replace', path: 'name.first', value: 'x' }]), 400, 'invalidPath', /Unknown attribute "name\.first"/);
    expectScimError(() => patch(fullUser, [{ op: 'replace', path: 'emails[type eq "work"].label', value: 'x' }]), 400, 'invalidPath', /"emails\.label"/);
    expectScimError(() => patch(fullUser, [{ op: 'replace', path: 'urn:example:nothing:1.0:User:title', value: 'x' }]), 400, 'invalidPath', /Unknown schema/);
  });

  it('rejects a value filter on a singular attribute or on an unknown sub-attribute with invalidPath', () => {
    expectScimError(() => patch(fullUser, [{ op: 'remove', path: 'title[value eq "x"]' }]), 400, 'invalidPath', /"title" is not multi-valued/);
    expectScimError(() => patch(fullUser, [{ op: 'remove', path: 'emails[label eq "x"]' }]), 400, 'invalidPath', /label/);
  });

  it('rejects values of the wrong type, naming the operation index', () => {
    expectScimError(
      () => patch(fullUser, [{ op: 'replace', path: 'title', value: 'ok' }, { op: 'replace', path: 'active', value: 'yes' }]),
      400,
      'invalidValue',
      /^Operations\[1\]: Attribute "active" must be a boolean, got string "yes"$/,
    );
    expectScimError(() => patch(fullUser, [{ op: 'add', path: 'emails', value: 'a@b.c' }]), 400, 'invalidValue', /"emails" must be a complex object/);
    expectScimError(() => patch(fullUser, [{ op: 'replace', path: 'name.givenName', value: { x: 1 } }]), 400, 'invalidValue', /"name\.givenName" must be a string/);
    expectScimError(() => patch(fullUser, [{ op: 'replace', path: 'password', value: 42 }]), 400, 'invalidValue', /"password" must be a string/);
    expectScimError(() => patch(group, [{ op: 'add', path: 'members', value: [{ value: '' }] }], groups), 400, 'invalidValue', /"members\.value" is required/);
    expectScimError(() => patch(group, [{ op: 'add', path: 'members', value: [{ value: 'x', type: 'Robot' }] }], groups), 400, 'invalidValue', /"members\.type" must be one of/);
  });

  it('rejects a no-path add or replace whose value is not an object', () => {
    expectScimError(() => patch(fullUser, [{ op: 'add', value: 'Babs' }]), 400, 'invalidValue', /needs an object of attributes/);
  });

  it('rejects unknown attributes in a no-path value with invalidSyntax', () => {
    expectScimError(() => patch(fullUser, [{ op: 'replace', value: { nickName: 'B', shoeSize: 42 } }]), 400, 'invalidSyntax', /"shoeSize"/);
  });

  it('rejects a second primary value set by one operation', () => {
    expectScimError(
      () => patch(fullUser, [{ op: 'replace', path: 'emails[value ew ".org" or value ew ".com"].primary', value: true }]),
      400,
      'invalidValue',
      /primary/,
    );
  });

  it('rejects growing a multi-valued attribute beyond its limit', () => {
    const manyEmails = Array.from({ length: 10_000 }, (_, index) => ({ value: `u${index}@example.com` }));
    const current = { ...minimalUser, emails: manyEmails };
    expectScimError(() => patch(current, [{ op: 'add', path: 'emails', value: { value: 'one-more@example.com' } }]), 400, 'invalidValue', /at most 10000/);
  });

  it('accepts a current resource carrying empty values (a group loaded with no members)', () => {
    const result = patch({ schemas: [GROUP], displayName: 'Empty', members: [] }, [{ op: 'remove', path: 'members[type eq "Group"]' }], groups);
    expect(result).toEqual({ attributes: { schemas: [GROUP], displayName: 'Empty' }, password: undefined, changed: false, changedAttributes: [] });
  });

  it('reports a programming error for a current resource that is not an object', () => {
    expect(() => applyPatch(null as never, [], users)).toThrow(TypeError);
  });
});
