import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ScimError } from '../errors/scim-error.js';
import { createDefaultRegistry } from '../schema/registry.js';
import { cloneJson } from '../resource/json-value.js';
import storedFullUser from '../resource/fixtures/rfc7643-8.2-full-user.stored.json' with { type: 'json' };
import { applyPatch, PATCH_OP_SCHEMA, parsePatchRequest } from './index.js';

const users = createDefaultRegistry().forResourceType('User');
const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

const baseUsers: readonly Record<string, unknown>[] = [
  storedFullUser,
  { schemas: [USER], userName: 'bjensen@example.com' },
  { ...cloneJson(storedFullUser), schemas: [USER, ENTERPRISE], [ENTERPRISE]: { department: 'Tours', manager: { value: 'm1', $ref: '../Users/m1' } } },
];

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const member of Object.values(value)) deepFreeze(member);
    Object.freeze(value);
  }
  return value;
}

function request(operations: unknown[]) {
  return parsePatchRequest({ schemas: [PATCH_OP_SCHEMA], Operations: operations });
}

const text = fc.string({ maxLength: 10 });
const emailElement = fc.record(
  { value: text, type: fc.constantFrom('work', 'home', 'Other'), primary: fc.constantFrom(true, false, 'True'), display: text },
  { requiredKeys: [] },
);
const scalar = fc.oneof(text, fc.boolean(), fc.constantFrom('True', 'false', '', null, 42, 1.5));
const attributeValue = fc.oneof(scalar, emailElement, fc.array(emailElement, { maxLength: 3 }), fc.record({ givenName: text, familyName: text }, { requiredKeys: [] }));

/** Paths that parse, valid or not for the User schema. */
const parsablePath = fc.constantFrom(
  'displayName',
  'nickName',
  'title',
  'active',
  'userName',
  'externalId',
  'name',
  'name.givenName',
  'NAME.familyName',
  'emails',
  'emails.type',
  'emails[type eq "work"]',
  'emails[type eq "work"].value',
  'emails[type eq "home"].primary',
  'emails[value ew ".org"]',
  'phoneNumbers[type eq "work"].value',
  'addresses[type eq "work"].streetAddress',
  'x509Certificates',
  `${ENTERPRISE}:department`,
  `${ENTERPRISE}:manager`,
  `${ENTERPRISE}:manager.value`,
  ENTERPRISE,
  'password',
  'id',
  'meta',
  'meta.version',
  'groups',
  'groups[value eq "g1"]',
  'schemas',
  'unknownAttribute',
  'members',
);

const noPathValue = fc.dictionary(
  fc.constantFrom('id', 'meta', 'groups', 'schemas', 'displayName', 'name.givenName', 'Active', `${ENTERPRISE}:department`, 'emails', 'title', ENTERPRISE, 'password'),
  fc.oneof(attributeValue, fc.record({ department: text, manager: text }, { requiredKeys: [] })),
  { maxKeys: 4 },
);

const operation = fc.oneof(
  fc.record({ op: fc.constantFrom('add', 'replace', 'Add', 'Replace'), path: parsablePath, value: attributeValue }),
  fc.record({ op: fc.constantFrom('add', 'replace'), value: noPathValue }),
  fc.record({ op: fc.constantFrom('remove', 'Remove'), path: parsablePath }, { requiredKeys: ['op'] }),
  fc.record({ op: fc.constant('remove'), path: fc.constantFrom('emails', 'phoneNumbers'), value: fc.array(emailElement, { maxLength: 2 }) }),
);

/** Operations that always fail, whatever came before. */
const invalidOperation = fc.constantFrom(
  { op: 'remove' },
  { op: 'replace', path: 'id', value: 'x' },
  { op: 'add', path: 'meta.version', value: 'W/"9"' },
  { op: 'add', path: 'groups', value: [{ value: 'g1' }] },
  { op: 'replace', path: 'unknownAttribute', value: 'x' },
  { op: 'replace', path: 'active', value: 'yes' },
  { op: 'add', path: 'emails', value: 'not-an-object' },
  { op: 'add', value: 'not-an-object' },
  { op: 'remove', path: 'userName' },
);

describe('applyPatch properties', () => {
  it('a PATCH whose last operation is invalid fails and leaves its (frozen) input exactly as it was', () => {
    fc.assert(
      fc.property(fc.constantFrom(...baseUsers), fc.array(operation, { maxLength: 5 }), invalidOperation, (base, prefix, last) => {
        const current = deepFreeze(cloneJson(base));
        const snapshot = cloneJson(base);
        const operations = request([...prefix, last]);
        let caught: unknown;
        try {
          applyPatch(current, operations, users);
        } catch (error) {
          caught = error;
        }
        expect(caught).toBeInstanceOf(ScimError);
        expect(current).toEqual(snapshot);
      }),
    );
  });

  it('applyPatch never mutates its input, and fails only with ScimErrors', () => {
    fc.assert(
      fc.property(fc.constantFrom(...baseUsers), fc.array(operation, { minLength: 1, maxLength: 6 }), (base, list) => {
        const current = deepFreeze(cloneJson(base));
        try {
          applyPatch(current, request(list), users);
        } catch (error) {
          expect(error).toBeInstanceOf(ScimError);
        }
        expect(current).toEqual(base);
      }),
    );
  });

  it('id, meta, groups and password never appear in the result, whatever the operations', () => {
    fc.assert(
      fc.property(fc.constantFrom(...baseUsers), fc.array(operation, { minLength: 1, maxLength: 6 }), (base, list) => {
        let attributes: Record<string, unknown>;
        try {
          attributes = applyPatch(base, request(list), users).attributes;
        } catch (error) {
          expect(error).toBeInstanceOf(ScimError);
          return;
        }
        for (const key of ['id', 'meta', 'groups', 'password']) expect(Object.keys(attributes)).not.toContain(key);
      }),
      { numRuns: 300 },
    );
  });

  it('applying the same replace twice gives the result of applying it once, and the second time changes nothing', () => {
    const email = fc.record({ value: fc.string({ minLength: 1, maxLength: 8 }), type: fc.constantFrom('work', 'home', 'other') }, { requiredKeys: ['value'] });
    const replaceOperation = fc.oneof(
      fc.record({ op: fc.constant('replace'), path: fc.constantFrom('displayName', 'nickName', 'name.familyName', `${ENTERPRISE}:manager`), value: fc.oneof(text, fc.constant(null)) }),
      fc.record({ op: fc.constant('Replace'), path: fc.constant('active'), value: fc.constantFrom(true, false, 'True', 'False') }),
      fc.record({ op: fc.constant('replace'), path: fc.constant('name'), value: fc.record({ givenName: text, middleName: text }, { requiredKeys: [] }) }),
      fc.record({ op: fc.constant('replace'), path: fc.constant('emails'), value: fc.array(email, { maxLength: 3 }) }),
      fc.record({ op: fc.constant('replace'), path: fc.constantFrom('emails[type eq "work"].value', 'phoneNumbers[type eq "work"].value'), value: fc.string({ minLength: 1, maxLength: 8 }) }),
      fc.record({ op: fc.constant('replace'), path: fc.constant('emails[type eq "home"]'), value: fc.record({ display: text, primary: fc.boolean() }, { requiredKeys: [] }) }),
      fc.record({ op: fc.constant('replace'), value: fc.record({ title: text, 'name.givenName': text, [`${ENTERPRISE}:department`]: text, id: text }, { requiredKeys: [] }) }),
    );
    fc.assert(
      fc.property(fc.constantFrom(...baseUsers), replaceOperation, (base, replace) => {
        const operations = request([replace]);
        let once: Record<string, unknown>;
        try {
          once = applyPatch(base, operations, users).attributes;
        } catch (error) {
          expect(error).toBeInstanceOf(ScimError);
          return;
        }
        const twice = applyPatch(once, operations, users);
        expect(twice.attributes).toEqual(once);
        expect(twice.changed).toBe(false);
        expect(twice.changedAttributes).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  it('a successful result is always a valid stored resource: applying an empty-effect PATCH to it changes nothing', () => {
    fc.assert(
      fc.property(fc.constantFrom(...baseUsers), fc.array(operation, { minLength: 1, maxLength: 6 }), (base, list) => {
        let attributes: Record<string, unknown>;
        try {
          attributes = applyPatch(base, request(list), users).attributes;
        } catch {
          return;
        }
        const replay = applyPatch(attributes, request([{ op: 'add', value: {} }]), users);
        expect(replay.attributes).toEqual(attributes);
        expect(replay.changed).toBe(false);
      }),
    );
  });
});
