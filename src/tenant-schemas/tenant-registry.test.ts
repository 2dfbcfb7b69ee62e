import { describe, expect, it } from 'vitest';
import { createDefaultRegistry } from '../core/schema/registry.js';
import type { StoredSchemaDeclaration } from '../store/schema-declarations.js';
import { tenantRegistry } from './tenant-registry.js';

const base = createDefaultRegistry();
const BADGE: StoredSchemaDeclaration = {
  tenantId: 'acme',
  schemaId: 'urn:acme:params:scim:schemas:extension:badge:1.0:User',
  resourceType: 'User',
  name: 'Badge',
  description: 'Badge number',
  attributes: [{ name: 'badge', type: 'string', multiValued: false, required: false, caseExact: false, mutability: 'readWrite', returned: 'default', uniqueness: 'none', description: 'Badge' }],
  updatedAt: '2024-01-01T00:00:00.000Z',
};

describe('a tenant’s schema registry', () => {
  it('is one registry shared by every tenant that declared nothing, per policy: 10,000 tenants keep one copy of what each registry computes', () => {
    const keep = tenantRegistry(base, [], 'keep');
    expect(tenantRegistry(base, [], 'keep')).toBe(keep);
    expect(keep.forResourceType('User').undeclaredExtensions).toBe('keep');
    const reject = tenantRegistry(base, [], 'reject');
    expect(reject).not.toBe(keep);
    expect(reject.forResourceType('User').undeclaredExtensions).toBe('reject');
  });

  it('is the tenant’s own when it declared an extension, holding it', () => {
    const own = tenantRegistry(base, [BADGE], 'keep');
    expect(own).not.toBe(tenantRegistry(base, [], 'keep'));
    expect(own.schema(BADGE.schemaId)?.name).toBe('Badge');
    expect(tenantRegistry(base, [], 'keep').schema(BADGE.schemaId)).toBeUndefined();
  });
});
