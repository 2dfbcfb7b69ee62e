/**
 * The resolver's cache on two instances sharing one database file (two
 * stores, as two processes would open it): the instance that declares sees
 * the change at once, the other within its recheck interval.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { attribute } from '../core/schema/attribute.js';
import { createDefaultRegistry } from '../core/schema/registry.js';
import { openSqliteStore } from '../store/sqlite/index.js';
import type { Store } from '../store/store.js';
import { TenantSchemaResolver } from './tenant-schema-resolver.js';

const EXTENSION = 'urn:example:params:scim:schemas:extension:acme:2.0:User';
const NOW = '2030-01-01T00:00:00.000Z';

describe('TenantSchemaResolver', () => {
  const base = createDefaultRegistry();
  let directory: string;
  let stores: Store[];
  let clock: number;

  beforeEach(async () => {
    directory = fs.mkdtempSync(path.join(os.tmpdir(), 'scimitar-resolver-'));
    const filename = path.join(directory, 'scimitar.db');
    stores = [await openSqliteStore({ filename, registry: base }), await openSqliteStore({ filename, registry: base })];
    await stores[0]!.tenants.ensureTenant('acme', 'Acme', NOW);
    await stores[0]!.tenants.ensureTenant('globex', 'Globex', NOW);
    clock = 0;
  });
  afterEach(async () => {
    for (const store of stores) await store.close();
    fs.rmSync(directory, { recursive: true, force: true });
  });

  const resolverOn = (store: Store) => new TenantSchemaResolver({ base, store: store.schemaDeclarations, recheckMs: 1000, clock: () => clock });
  const declare = (store: Store) =>
    store.schemaDeclarations.putDeclaration({
      tenantId: 'acme',
      schemaId: EXTENSION,
      resourceType: 'User',
      name: 'Acme',
      description: '',
      attributes: [attribute('badgeId', 'string')],
      updatedAt: NOW,
    });

  it('gives every tenant the server schemas and keeps undeclared extensions by default', async () => {
    const schemas = await resolverOn(stores[0]!).schemasFor('acme', 'User');
    expect(schemas.extensions.map((extension) => extension.id)).toEqual(base.forResourceType('User').extensions.map((extension) => extension.id));
    expect(schemas.undeclaredExtensions).toBe('keep');
  });

  it('sees a change made by this instance once told, and one made by another instance after the recheck interval', async () => {
    const here = resolverOn(stores[0]!);
    const there = resolverOn(stores[1]!);
    expect((await here.schemasFor('acme', 'User')).extension(EXTENSION)).toBeUndefined();
    expect((await there.schemasFor('acme', 'User')).extension(EXTENSION)).toBeUndefined();

    await declare(stores[0]!);
    here.forget('acme');
    expect((await here.schemasFor('acme', 'User')).extension(EXTENSION)?.id).toBe(EXTENSION);
    // Within the interval the other instance answers from its cache, without a read.
    clock += 999;
    expect((await there.schemasFor('acme', 'User')).extension(EXTENSION)).toBeUndefined();
    clock += 1;
    expect((await there.schemasFor('acme', 'User')).extension(EXTENSION)?.id).toBe(EXTENSION);
    expect((await there.schemasFor('globex', 'User')).extension(EXTENSION)).toBeUndefined();
  });

  it('has a tenant’s schemas at hand once read, and not after forgetting them or when the change row is due to be read again', async () => {
    const here = resolverOn(stores[0]!);
    const there = resolverOn(stores[1]!);
    expect(here.knownSchemasFor('acme', 'User')).toBeUndefined();
    const read = await here.schemasFor('acme', 'User');
    expect(here.knownSchemasFor('acme', 'User')).toBe(read);
    expect(here.knownSchemasFor('globex', 'User')).toBeUndefined();

    await declare(stores[0]!);
    here.forget('acme');
    expect(here.knownSchemasFor('acme', 'User')).toBeUndefined();
    expect((await here.schemasFor('acme', 'User')).extension(EXTENSION)?.id).toBe(EXTENSION);
    expect(here.knownSchemasFor('acme', 'User')?.extension(EXTENSION)?.id).toBe(EXTENSION);

    // The other instance read before the declaration: at hand within the interval, then asked again.
    await stores[1]!.schemaDeclarations.setUndeclaredExtensions('globex', 'keep', NOW);
    const before = await there.schemasFor('globex', 'User');
    expect(there.knownSchemasFor('globex', 'User')).toBe(before);
    clock += 1000;
    expect(there.knownSchemasFor('globex', 'User')).toBeUndefined();
    await there.schemasFor('acme', 'User');
    expect(there.knownSchemasFor('acme', 'User')?.extension(EXTENSION)?.id).toBe(EXTENSION);
  });

  it('applies a tenant made strict on the other instance too', async () => {
    const there = resolverOn(stores[1]!);
    expect((await there.schemasFor('acme', 'User')).undeclaredExtensions).toBe('keep');
    await stores[0]!.schemaDeclarations.setUndeclaredExtensions('acme', 'reject', NOW);
    clock += 1000;
    expect((await there.schemasFor('acme', 'User')).undeclaredExtensions).toBe('reject');
    expect((await there.registryFor('globex')).forResourceType('User').undeclaredExtensions).toBe('keep');
  });
});
