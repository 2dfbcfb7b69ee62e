import { describe, expect, it } from 'vitest';
import { attribute } from '../core/schema/attribute.js';
import { createDefaultRegistry, type SchemaExtensionDefinition } from '../core/schema/registry.js';
import { buildSchemaRegistry } from './schema-registry.js';

const ACME = 'urn:example:params:scim:schemas:extension:acme:2.0:User';
const schemaExtensions: readonly SchemaExtensionDefinition[] = [
  { resourceType: 'User', schema: { id: ACME, name: 'AcmeUser', description: 'Acme badge data', attributes: [attribute('badgeId', 'string')] } },
];

describe('buildSchemaRegistry, shared by the server, the CLI and migrate', () => {
  it('gives the built-in resource types their RFC 7643 schemas, and the extensions of the options', () => {
    expect(buildSchemaRegistry().schemas.map((schema) => schema.id)).not.toContain(ACME);
    const users = buildSchemaRegistry({ schemaExtensions }).forResourceType('User');
    expect(users.extensions.map((schema) => schema.id)).toEqual(['urn:ietf:params:scim:schemas:extension:enterprise:2.0:User', ACME]);
    expect(users.resolvePath(`${ACME}:badgeId`)?.canonicalPath).toBe(`${ACME}:badgeId`);
  });

  it('uses a registry the app built itself, and refuses one given together with extensions', () => {
    const registry = createDefaultRegistry(schemaExtensions);
    expect(buildSchemaRegistry({ registry })).toBe(registry);
    expect(() => buildSchemaRegistry({ registry, schemaExtensions })).toThrow(TypeError);
  });
});
