import { beforeEach, describe, expect, it } from 'vitest';
import { attribute, complex } from '../../src/core/schema/attribute.js';
import type { StoredSchemaDeclaration } from '../../src/store/schema-declarations.js';
import type { Store } from '../../src/store/store.js';
import { ensureTenants, LATER, NOW, OTHER_TENANT, TENANT, type OpenStore } from './support.js';

const ENTRA_EXTENSION = 'urn:ietf:params:scim:schemas:extension:CustomExtensionName:2.0:User';

function declaration(overrides: Partial<StoredSchemaDeclaration> = {}): StoredSchemaDeclaration {
  return {
    tenantId: TENANT,
    schemaId: ENTRA_EXTENSION,
    resourceType: 'User',
    name: 'CustomExtensionName',
    description: 'Mapped in Entra ID',
    attributes: [
      attribute('costCenter', 'string', { caseExact: true, canonicalValues: ['CC-1', 'CC-42'] }),
      complex('office', [attribute('building', 'string'), attribute('floor', 'integer')], { multiValued: true }),
    ],
    updatedAt: NOW,
    ...overrides,
  };
}

export function describeSchemaDeclarationContract(openStore: OpenStore): void {
  describe('tenant schema declarations', () => {
    let store: Store;
    beforeEach(async () => {
      const opened = await openStore();
      store = opened.store;
      await ensureTenants(store);
      return () => opened.close();
    });

    it('stores a declaration and reads it back attribute for attribute, for its tenant only', async () => {
      await store.schemaDeclarations.putDeclaration(declaration());
      expect(await store.schemaDeclarations.listDeclarations(TENANT)).toEqual([declaration()]);
      expect(await store.schemaDeclarations.listDeclarations(OTHER_TENANT)).toEqual([]);
    });

    it('replaces a declaration of the same URN whatever its case, keeping one row', async () => {
      await store.schemaDeclarations.putDeclaration(declaration());
      const again = declaration({ schemaId: ENTRA_EXTENSION.toLowerCase(), attributes: [attribute('region', 'string')], updatedAt: LATER });
      await store.schemaDeclarations.putDeclaration(again);
      expect(await store.schemaDeclarations.listDeclarations(TENANT)).toEqual([again]);
    });

    it('deletes a declaration by URN in any case, and says when there was none', async () => {
      await store.schemaDeclarations.putDeclaration(declaration());
      expect(await store.schemaDeclarations.deleteDeclaration(TENANT, ENTRA_EXTENSION.toUpperCase())).toBe(true);
      expect(await store.schemaDeclarations.deleteDeclaration(TENANT, ENTRA_EXTENSION)).toBe(false);
      expect(await store.schemaDeclarations.listDeclarations(TENANT)).toEqual([]);
    });

    it('keeps undeclared extensions by default and remembers a tenant made strict', async () => {
      expect(await store.schemaDeclarations.undeclaredExtensions(TENANT)).toBe('keep');
      await store.schemaDeclarations.setUndeclaredExtensions(TENANT, 'reject', NOW);
      expect(await store.schemaDeclarations.undeclaredExtensions(TENANT)).toBe('reject');
      expect(await store.schemaDeclarations.undeclaredExtensions(OTHER_TENANT)).toBe('keep');
      await store.schemaDeclarations.setUndeclaredExtensions(TENANT, 'keep', LATER);
      expect(await store.schemaDeclarations.undeclaredExtensions(TENANT)).toBe('keep');
    });

    it('moves the change mark on every change, so other instances drop their cached schemas', async () => {
      const marks = [await store.schemaDeclarations.lastChange()];
      await store.schemaDeclarations.putDeclaration(declaration());
      marks.push(await store.schemaDeclarations.lastChange());
      await store.schemaDeclarations.putDeclaration(declaration());
      marks.push(await store.schemaDeclarations.lastChange());
      await store.schemaDeclarations.setUndeclaredExtensions(TENANT, 'reject', NOW);
      marks.push(await store.schemaDeclarations.lastChange());
      await store.schemaDeclarations.deleteDeclaration(TENANT, ENTRA_EXTENSION);
      marks.push(await store.schemaDeclarations.lastChange());
      expect(marks[0]).toBe('');
      expect(new Set(marks).size).toBe(marks.length);
    });

    it('goes with its tenant', async () => {
      await store.schemaDeclarations.putDeclaration(declaration());
      await store.schemaDeclarations.setUndeclaredExtensions(TENANT, 'reject', NOW);
      await store.tenants.deleteTenant(TENANT);
      expect(await store.schemaDeclarations.listDeclarations(TENANT)).toEqual([]);
      expect(await store.schemaDeclarations.undeclaredExtensions(TENANT)).toBe('keep');
    });
  });
}
