import { describe, expect, it } from 'vitest';
import { applyPatch } from '../patch/apply-patch.js';
import { parsePatchRequest } from '../patch/patch-request.js';
import { createDefaultRegistry, SchemaRegistry } from '../schema/registry.js';
import { normalizeResource } from './normalize.js';
import { validateResource } from './validate.js';
import { UNDECLARED_EXTENSION_LIMITS } from './undeclared-extensions.js';

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const ENTRA = 'urn:ietf:params:scim:schemas:extension:CustomExtensionName:2.0:User';
const base = createDefaultRegistry();
const keeping = new SchemaRegistry(base.schemas, base.resourceTypes, 'keep').forResourceType('User');
const strict = base.forResourceType('User');

const patch = (current: Record<string, unknown>, ...operations: unknown[]) =>
  applyPatch(current, parsePatchRequest({ schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: operations }), keeping);

describe('undeclared extension namespaces', () => {
  it('are kept by a tenant that keeps them, listed in schemas after the declared ones', () => {
    const { attributes } = normalizeResource({ schemas: [USER], userName: 'b', [ENTRA]: { costCenter: 'CC-1', nested: { list: [1, 2] } } }, keeping);
    expect(attributes).toEqual({ schemas: [USER, ENTRA], userName: 'b', [ENTRA]: { costCenter: 'CC-1', nested: { list: [1, 2] } } });
    // The stored form is its own normal form, so PATCH's re-check accepts it.
    expect(() => validateResource(attributes, keeping)).not.toThrow();
  });

  it('are 400 invalidSyntax for a strict tenant, as before', () => {
    expect(() => normalizeResource({ schemas: [USER], userName: 'b', [ENTRA]: { costCenter: 'CC-1' } }, strict)).toThrow(/Unknown attribute or schema/);
  });

  it('join the whole object and URN-qualified parts, the listed URN deciding where the namespace ends', () => {
    const { attributes } = normalizeResource({ schemas: [USER, ENTRA], userName: 'b', [ENTRA]: { a: 1 }, [`${ENTRA}:b`]: 'two' }, keeping);
    expect(attributes[ENTRA]).toEqual({ a: 1, b: 'two' });
    expect(() => normalizeResource({ schemas: [USER, ENTRA], userName: 'b', [ENTRA]: { a: 1 }, [`${ENTRA}:A`]: 2 }, keeping)).toThrow(/more than once/);
  });

  it('drop null members, and an empty namespace altogether', () => {
    const { attributes } = normalizeResource({ schemas: [USER], userName: 'b', [ENTRA]: { gone: null } }, keeping);
    expect(attributes).toEqual({ schemas: [USER], userName: 'b' });
  });

  it('never open the reserved namespaces or a declared schema', () => {
    expect(() => normalizeResource({ schemas: [USER], userName: 'b', [`${USER}:shoeSize`]: 9 }, keeping)).toThrow(/Unknown/);
    expect(() => normalizeResource({ schemas: [USER], userName: 'b', 'urn:ietf:params:scim:api:messages:2.0:Thing': { a: 1 } }, keeping)).toThrow(/Unknown/);
    expect(() => normalizeResource({ schemas: [USER], userName: 'b', 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User': { badge: 1 } }, keeping)).toThrow(/Unknown attribute "badge"/);
  });

  it(`hold at most ${UNDECLARED_EXTENSION_LIMITS.maxJsonLength} characters of JSON and ${UNDECLARED_EXTENSION_LIMITS.maxDepth} levels each`, () => {
    const at = (value: unknown) => () => normalizeResource({ schemas: [USER], userName: 'b', [ENTRA]: value }, keeping);
    expect(at({ text: 'x'.repeat(UNDECLARED_EXTENSION_LIMITS.maxJsonLength - 20) })).not.toThrow();
    expect(at({ text: 'x'.repeat(UNDECLARED_EXTENSION_LIMITS.maxJsonLength) })).toThrow(/characters as JSON/);
    expect(at({ a: { b: { c: { d: { e: 1 } } } } })).not.toThrow();
    expect(at({ a: { b: { c: { d: { e: [1] } } } } })).toThrow(/nests deeper/);
  });

  describe('PATCH', () => {
    const current = { schemas: [USER, ENTRA], userName: 'b', [ENTRA]: { costCenter: 'CC-1', office: { floor: 3 } } };

    it('replaces, adds and removes by path, case-insensitively, and reports the namespace changed', () => {
      const result = patch(
        current,
        { op: 'replace', path: `${ENTRA}:COSTCENTER`, value: 'CC-2' },
        { op: 'add', path: `${ENTRA}:office.building`, value: 'B1' },
        { op: 'remove', path: `${ENTRA}:office.floor` },
      );
      expect(result.attributes[ENTRA]).toEqual({ costCenter: 'CC-2', office: { building: 'B1' } });
      expect(result.changedAttributes).toEqual([ENTRA]);
    });

    it('replaces or removes the whole namespace by its URN', () => {
      expect(patch(current, { op: 'replace', path: ENTRA, value: { region: 'EU' } }).attributes[ENTRA]).toEqual({ region: 'EU' });
      const removed = patch(current, { op: 'remove', path: ENTRA }).attributes;
      expect(removed[ENTRA]).toBeUndefined();
      expect(removed['schemas']).toEqual([USER]);
    });

    it('adds a namespace without a path, as a body would', () => {
      const added = patch({ schemas: [USER], userName: 'b' }, { op: 'add', value: { [`${ENTRA}:costCenter`]: 'CC-9' } });
      expect(added.attributes[ENTRA]).toEqual({ costCenter: 'CC-9' });
      expect(added.attributes['schemas']).toEqual([USER, ENTRA]);
    });

    it('refuses a value filter, which needs a schema to read the elements', () => {
      expect(() => patch(current, { op: 'remove', path: `${ENTRA}:office[floor eq 3]` })).toThrow(/declare the extension/);
    });

    it('is unchanged by a replay', () => {
      expect(patch(current, { op: 'replace', path: `${ENTRA}:costCenter`, value: 'CC-1' }).changed).toBe(false);
    });
  });
});
