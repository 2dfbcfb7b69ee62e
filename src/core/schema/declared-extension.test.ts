import { describe, expect, it } from 'vitest';
import { incompatibleChanges, parseDeclaredExtension, reviveDeclaredAttribute } from './declared-extension.js';
import { createDefaultRegistry } from './registry.js';

const registry = createDefaultRegistry();
const ENTRA = 'urn:ietf:params:scim:schemas:extension:CustomExtensionName:2.0:User';

describe('a declared extension schema', () => {
  it('is read with the RFC 7643 §2.2 defaults and named after its URN', () => {
    const { resourceType, schema } = parseDeclaredExtension({ id: ENTRA, resourceType: 'user', attributes: [{ name: 'costCenter' }, { name: 'level', type: 'integer', multiValued: true }] }, registry);
    expect(resourceType).toBe('User');
    expect(schema.name).toBe('CustomExtensionName');
    expect(schema.attributes[0]).toMatchObject({ name: 'costCenter', type: 'string', multiValued: false, required: false, caseExact: false, mutability: 'readWrite', returned: 'default' });
    expect(schema.attributes[1]).toMatchObject({ type: 'integer', multiValued: true });
  });

  it.each([
    ['an unknown type', { id: ENTRA, resourceType: 'User', attributes: [{ name: 'a', type: 'float' }] }, /"float" is not one of/],
    ['a clash with a core attribute, in any case', { id: ENTRA, resourceType: 'User', attributes: [{ name: 'USERNAME' }] }, /clashes with the User attribute/],
    ['a clash with a common attribute', { id: ENTRA, resourceType: 'Group', attributes: [{ name: 'externalId' }] }, /clashes/],
    ['a reserved URN', { id: 'urn:ietf:params:scim:api:messages:2.0:Mine', resourceType: 'User', attributes: [{ name: 'a' }] }, /reserved/],
    ['text that is no URN', { id: 'CustomExtensionName', resourceType: 'User', attributes: [{ name: 'a' }] }, /schema URN/],
    ['a name declared twice', { id: ENTRA, resourceType: 'User', attributes: [{ name: 'a' }, { name: 'A' }] }, /declared twice/],
    ['nested complex attributes', { id: ENTRA, resourceType: 'User', attributes: [{ name: 'a', type: 'complex', subAttributes: [{ name: 'b', type: 'complex' }] }] }, /subAttributes\[0\]\.type/],
    ['canonical values that are not strings', { id: ENTRA, resourceType: 'User', attributes: [{ name: 'a', canonicalValues: [1] }] }, /canonicalValues\[0\]/],
  ])('refuses %s, naming it', (_what, body, message) => {
    expect(() => parseDeclaredExtension(body, registry)).toThrow(message);
  });

  it('counts as incompatible only the attributes it drops or retypes', () => {
    const before = parseDeclaredExtension({ id: ENTRA, resourceType: 'User', attributes: [{ name: 'a' }, { name: 'b' }, { name: 'c', type: 'complex', subAttributes: [{ name: 'x' }] }] }, registry).schema;
    const after = parseDeclaredExtension(
      { id: ENTRA, resourceType: 'User', attributes: [{ name: 'A', description: 'renamed in case only' }, { name: 'b', type: 'integer' }, { name: 'c', type: 'complex', subAttributes: [{ name: 'y' }, { name: 'x' }] }, { name: 'd' }] },
      registry,
    ).schema;
    expect(incompatibleChanges(before, after)).toEqual(['b']);
  });

  it('reads back from storage as it was declared, whatever order the JSON keys came back in', () => {
    const { schema } = parseDeclaredExtension({ id: ENTRA, resourceType: 'User', attributes: [{ name: 'c', type: 'complex', subAttributes: [{ name: 'x', canonicalValues: ['p'] }] }] }, registry);
    const shuffled = JSON.parse(JSON.stringify(schema.attributes[0], Object.keys(schema.attributes[0]!).reverse().concat('name', 'type', 'canonicalValues', 'subAttributes')));
    expect(JSON.stringify(reviveDeclaredAttribute(shuffled))).toBe(JSON.stringify(schema.attributes[0]));
  });
});
