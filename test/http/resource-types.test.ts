/**
 * A resource type registered by the embedding app (here a test-only
 * `Device`), not written into the core: the registry, routes, discovery,
 * filters, PATCH, PUT, DELETE, Bulk, the root /.search and the events all
 * pick it up from its facts. Runs on every store (vitest.config.ts).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { attribute, complex } from '../../src/core/schema/attribute.js';
import { createDefaultRegistry } from '../../src/core/schema/registry.js';
import { defineResourceType } from '../../src/core/schema/resource-types.js';
import type { ScimitarEvent } from '../../src/events/event.js';
import { adminClient, expectJson } from '../admin/support.js';
import { build, type TestServer } from '../helpers/build.js';
import {
  createGroup,
  createUser,
  expectScimError,
  expectStatus,
  groupBody,
  ids,
  type Json,
  patchBody,
  PUBLIC_BASE,
  query,
  RESOURCE_TYPE_SCHEMA,
  SEARCH_REQUEST_SCHEMA,
} from './support.js';

const DEVICE_SCHEMA = 'urn:example:params:scim:schemas:test:2.0:Device';
const TENANT = 'default';

const device = defineResourceType({
  name: 'Device',
  endpoint: '/Devices',
  description: 'A device issued to a member of staff',
  activeAttribute: 'enabled',
  schema: {
    id: DEVICE_SCHEMA,
    name: 'Device',
    description: 'A device issued to a member of staff',
    attributes: [
      attribute('serialNumber', 'string', { required: true, caseExact: true, mutability: 'immutable', description: 'The maker\'s serial number.' }),
      attribute('displayName', 'string', { description: 'What its owner calls it.' }),
      attribute('enabled', 'boolean', { description: 'Whether it may connect.' }),
      complex(
        'owner',
        [
          attribute('value', 'string', { caseExact: true, description: 'The id of the User it is issued to.' }),
          attribute('display', 'string', { description: 'The owner\'s name.' }),
        ],
        { description: 'The User the device is issued to.' },
      ),
    ],
  },
});

function deviceBody(serialNumber: string, extra: Json = {}): Json {
  return { schemas: [DEVICE_SCHEMA], serialNumber, ...extra };
}

describe('a resource type registered by the embedding app (Device)', () => {
  let server: TestServer;
  let seen = 0;
  /** The events the after-commit hooks were given, by hook. */
  const hooked: string[] = [];

  beforeAll(async () => {
    server = await build(
      {},
      {
        registry: createDefaultRegistry([], [device]),
        hooks: { onUserCreated: (event) => void hooked.push(`onUserCreated ${event.type}`), onEvent: (event) => void hooked.push(`onEvent ${event.type}`) },
      },
    );
  });
  afterAll(async () => {
    await server.close();
  });
  beforeEach(async () => {
    seen = (await server.scimitar.store.events.position(TENANT)).lastSequence;
  });

  /** The events recorded since the test began. */
  async function newEvents(): Promise<ScimitarEvent[]> {
    return [...(await server.scimitar.store.events.listEvents(TENANT, seen, 10_000))];
  }

  async function createDevice(serialNumber: string, extra: Json = {}): Promise<Json> {
    return expectStatus(await server.request({ method: 'POST', url: '/scim/v2/Devices', body: deviceBody(serialNumber, extra) }), 201);
  }

  it('is advertised by /ResourceTypes and /Schemas', async () => {
    const resourceType = expectStatus(await server.request({ method: 'GET', url: '/scim/v2/ResourceTypes/Device' }), 200);
    expect(resourceType).toEqual({
      schemas: [RESOURCE_TYPE_SCHEMA],
      id: 'Device',
      name: 'Device',
      endpoint: '/Devices',
      description: 'A device issued to a member of staff',
      schema: DEVICE_SCHEMA,
      meta: { resourceType: 'ResourceType', location: `${PUBLIC_BASE}/ResourceTypes/Device` },
    });
    const list = expectStatus(await server.request({ method: 'GET', url: '/scim/v2/ResourceTypes' }), 200);
    expect(list['Resources'].map((entry: Json) => entry['name'])).toEqual(['User', 'Group', 'Device']);
    const schema = expectStatus(await server.request({ method: 'GET', url: `/scim/v2/Schemas/${DEVICE_SCHEMA}` }), 200);
    expect(schema['attributes'].map((entry: Json) => entry['name'])).toEqual(['serialNumber', 'displayName', 'enabled', 'owner']);
  });

  it('is created with POST: 201, its Location and meta name it a Device at /Devices, and device.created is recorded', async () => {
    const response = await server.request({ method: 'POST', url: '/scim/v2/Devices', body: deviceBody('SN-CREATE', { displayName: 'Laptop', enabled: true, externalId: 'asset-1' }) });
    const created = expectStatus(response, 201);
    expect(response.headers['location']).toBe(`${PUBLIC_BASE}/Devices/${created['id']}`);
    expect(response.headers['etag']).toBe('W/"1"');
    expect(created).toMatchObject({
      schemas: [DEVICE_SCHEMA],
      serialNumber: 'SN-CREATE',
      displayName: 'Laptop',
      enabled: true,
      externalId: 'asset-1',
      meta: { resourceType: 'Device', location: `${PUBLIC_BASE}/Devices/${created['id']}`, version: 'W/"1"' },
    });
    const [event, ...rest] = await newEvents();
    expect(rest).toEqual([]);
    expect(event).toMatchObject({
      type: 'device.created',
      resourceType: 'Device',
      resourceId: created['id'],
      externalId: 'asset-1',
      data: { resource: { id: created['id'], serialNumber: 'SN-CREATE', meta: { resourceType: 'Device' } } },
    });
    // No typed hook is named after a registered type: its events reach onEvent.
    await server.scimitar.hooksIdle();
    expect(hooked.splice(0)).toEqual(['onEvent device.created']);
  });

  it('is validated against its own schema: a missing required attribute or a wrong type is 400 and writes nothing', async () => {
    const before = await server.rawTables();
    expectScimError(await server.request({ method: 'POST', url: '/scim/v2/Devices', body: { schemas: [DEVICE_SCHEMA], displayName: 'No serial' } }), 400, 'invalidValue');
    expectScimError(await server.request({ method: 'POST', url: '/scim/v2/Devices', body: deviceBody('SN-BAD', { enabled: 'yes please' }) }), 400, 'invalidValue');
    expect(await server.rawTables()).toEqual(before);
  });

  it('is read with GET, projected like any resource, and is 404 under another endpoint or when absent', async () => {
    const created = await createDevice('SN-GET', { displayName: 'Phone' });
    const read = expectStatus(await server.request({ method: 'GET', url: `/scim/v2/Devices/${created['id']}` }), 200);
    expect(read).toEqual(created);
    const projected = expectStatus(await server.request({ method: 'GET', url: `/scim/v2/Devices/${created['id']}?attributes=displayName` }), 200);
    expect(projected).toEqual({ schemas: [DEVICE_SCHEMA], id: created['id'], displayName: 'Phone' });
    expectScimError(await server.request({ method: 'GET', url: `/scim/v2/Users/${created['id']}` }), 404);
    expectScimError(await server.request({ method: 'GET', url: '/scim/v2/Devices/no-such-device' }), 404);
  });

  it('is filtered, sorted and paged in the store, by GET and by /.search', async () => {
    const first = await createDevice('SN-FILTER-1', { displayName: 'Filter tablet', enabled: true });
    const second = await createDevice('SN-FILTER-2', { displayName: 'Filter watch', enabled: false });
    const bySerial = expectStatus(await server.request({ method: 'GET', url: `/scim/v2/Devices?${query({ filter: 'serialNumber eq "SN-FILTER-2"' })}` }), 200);
    expect(ids(bySerial)).toEqual([second['id']]);
    const byName = expectStatus(
      await server.request({ method: 'GET', url: `/scim/v2/Devices?${query({ filter: 'displayName sw "filter " and enabled eq true', sortBy: 'serialNumber' })}` }),
      200,
    );
    expect(ids(byName)).toEqual([first['id']]);
    const searched = expectStatus(
      await server.request({
        method: 'POST',
        url: '/scim/v2/Devices/.search',
        body: { schemas: [SEARCH_REQUEST_SCHEMA], filter: 'serialNumber sw "SN-FILTER-"', sortBy: 'serialNumber', sortOrder: 'descending', count: 1 },
      }),
      200,
    );
    expect(searched['totalResults']).toBe(2);
    expect(ids(searched)).toEqual([second['id']]);
    expectScimError(await server.request({ method: 'GET', url: `/scim/v2/Devices?${query({ filter: 'userName eq "x"' })}` }), 400, 'invalidFilter');
  });

  it('is changed with PATCH (200 with the resource) and PUT; enabled going to false is device.deactivated', async () => {
    const created = await createDevice('SN-CHANGE', { displayName: 'Desk phone', enabled: true });
    seen += 1;
    const patched = expectStatus(
      await server.request({
        method: 'PATCH',
        url: `/scim/v2/Devices/${created['id']}`,
        body: patchBody({ op: 'replace', path: 'displayName', value: 'Lobby phone' }, { op: 'replace', path: 'enabled', value: false }),
      }),
      200,
    );
    expect(patched).toMatchObject({ displayName: 'Lobby phone', enabled: false, meta: { version: 'W/"2"' } });
    expect((await newEvents()).map((event) => [event.type, event.data.changedAttributes])).toEqual([
      ['device.deactivated', undefined],
      ['device.updated', ['displayName']],
    ]);
    seen += 2;

    const replaced = expectStatus(
      await server.request({
        method: 'PUT',
        url: `/scim/v2/Devices/${created['id']}`,
        headers: { 'if-match': 'W/"2"' },
        body: deviceBody('SN-CHANGE', { displayName: 'Lobby phone', enabled: true }),
      }),
      200,
    );
    expect(replaced).toMatchObject({ displayName: 'Lobby phone', enabled: true, meta: { version: 'W/"3"' } });
    expect(replaced['owner']).toBeUndefined();
    expect((await newEvents()).map((event) => event.type)).toEqual(['device.reactivated']);
    // serialNumber is immutable: a PUT that changes it is refused like a User's immutable attribute.
    expectScimError(
      await server.request({ method: 'PUT', url: `/scim/v2/Devices/${created['id']}`, body: deviceBody('SN-OTHER') }),
      400,
      'mutability',
    );
  });

  it('is deleted with DELETE: 204, then 404, and device.deleted is recorded', async () => {
    const created = await createDevice('SN-DELETE');
    seen += 1;
    expect((await server.request({ method: 'DELETE', url: `/scim/v2/Devices/${created['id']}` })).statusCode).toBe(204);
    expectScimError(await server.request({ method: 'GET', url: `/scim/v2/Devices/${created['id']}` }), 404);
    const events = await newEvents();
    expect(events.map((event) => [event.type, event.resourceType, event.resourceId])).toEqual([['device.deleted', 'Device', created['id']]]);
  });

  it('cannot be a group member: 400 invalidValue, and the group is not created', async () => {
    const created = await createDevice('SN-MEMBER');
    const before = await server.rawTables();
    const refused = expectScimError(await server.request({ method: 'POST', url: '/scim/v2/Groups', body: groupBody('Devices team', [created['id']]) }), 400, 'invalidValue');
    expect(refused['detail']).toContain('cannot be a member of a group');
    expect(await server.rawTables()).toEqual(before);
  });

  it('is created and deleted through /Bulk at its endpoint', async () => {
    const response = expectStatus(
      await server.request({
        method: 'POST',
        url: '/scim/v2/Bulk',
        body: {
          schemas: ['urn:ietf:params:scim:api:messages:2.0:BulkRequest'],
          Operations: [
            { method: 'POST', path: '/Devices', bulkId: 'tablet', data: deviceBody('SN-BULK') },
            { method: 'DELETE', path: '/Devices/bulkId:tablet' },
          ],
        },
      }),
      200,
    );
    const [posted, deleted] = response['Operations'] as Json[];
    expect(posted).toMatchObject({ method: 'POST', bulkId: 'tablet', status: '201' });
    expect(posted!['location']).toMatch(new RegExp(`^${PUBLIC_BASE}/Devices/`));
    expect(deleted).toMatchObject({ method: 'DELETE', status: '204', location: posted!['location'] });
  });

  it('is part of the root /.search, after Users and Groups', async () => {
    const user = await createUser(server, 'root-search-owner', { displayName: 'Root search' });
    const group = await createGroup(server, 'Root search');
    const created = await createDevice('SN-ROOT', { displayName: 'Root search' });
    const found = expectStatus(
      await server.request({ method: 'POST', url: '/scim/v2/.search', body: { schemas: [SEARCH_REQUEST_SCHEMA], filter: 'displayName eq "Root search"' } }),
      200,
    );
    expect(ids(found)).toEqual([user['id'], group['id'], created['id']]);
    expect(found['Resources'].map((resource: Json) => resource['meta']['resourceType'])).toEqual(['User', 'Group', 'Device']);
  });

  it('is listed and shown by the admin API under its collection, /tenants/{tenant}/devices', async () => {
    const created = await createDevice('SN-ADMIN', { displayName: 'Admin view' });
    const admin = await adminClient(server);
    const listed = expectJson(await admin.request('GET', `/tenants/${TENANT}/devices?${query({ filter: 'serialNumber eq "SN-ADMIN"' })}`), 200);
    expect(ids(listed)).toEqual([created['id']]);
    const shown = expectJson(await admin.request('GET', `/tenants/${TENANT}/devices/${created['id']}`), 200);
    expect(shown).toMatchObject({ id: created['id'], serialNumber: 'SN-ADMIN', meta: { resourceType: 'Device' } });
  });

  it('has event types a webhook subscribes to by name, and none it cannot produce', async () => {
    const admin = await adminClient(server);
    const webhook = { url: 'https://example.com/devices', enabled: false };
    const created = expectJson(await admin.request('POST', `/tenants/${TENANT}/webhooks`, { ...webhook, eventTypes: ['device.deactivated', 'device.created', 'user.created'] }), 201);
    // In the catalogue's order: the built-in types, then the registered type's.
    expect(created['eventTypes']).toEqual(['user.created', 'device.created', 'device.deactivated']);
    // A Device holds no members, so it has no membership events.
    const refused = await admin.request('POST', `/tenants/${TENANT}/webhooks`, { ...webhook, eventTypes: ['device.member_added'] });
    expect(refused.statusCode).toBe(400);
    expect(JSON.stringify(refused.json())).toContain('device.member_added');
  });

  it('leaves Users and Groups as they were', async () => {
    const user = await createUser(server, 'still-a-user');
    const group = expectStatus(await server.request({ method: 'POST', url: '/scim/v2/Groups', body: groupBody('Still a group', [user['id']]) }), 201);
    expect(group['members']).toEqual([{ value: user['id'], $ref: `${PUBLIC_BASE}/Users/${user['id']}`, display: 'still-a-user', type: 'User' }]);
    expect((await newEvents()).map((event) => event.type)).toEqual(['user.created', 'group.created', 'group.member_added']);
  });
});

describe('a server without the Device type', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await build();
  });
  afterAll(async () => {
    await server.close();
  });

  it('answers its endpoint 404 and does not advertise it', async () => {
    expectScimError(await server.request({ method: 'POST', url: '/scim/v2/Devices', body: deviceBody('SN-NONE') }), 404);
    expectScimError(await server.request({ method: 'GET', url: '/scim/v2/ResourceTypes/Device' }), 404);
  });
});
