import { describe, expect, it } from 'vitest';
import { attribute, type SchemaDefinition } from './attribute.js';
import { createDefaultRegistry } from './registry.js';
import { BUILT_IN_RESOURCE_TYPES, defineResourceType, eventTypeOf, groupResourceType, ResourceTypes, userResourceType } from './resource-types.js';

const deviceSchema: SchemaDefinition = {
  id: 'urn:example:scim:schemas:Device',
  name: 'Device',
  description: 'A managed device',
  attributes: [attribute('serialNumber', 'string', { required: true }), attribute('enabled', 'boolean')],
};

describe('resource type facts', () => {
  it('state for User and Group what the server does differently for each', () => {
    expect(userResourceType).toMatchObject({ endpoint: '/Users', collection: 'users', eventPrefix: 'user', activeAttribute: 'active', password: true, members: undefined });
    expect(userResourceType.asMember).toEqual({ groupsAttribute: 'groups' });
    expect(groupResourceType.asMember).toEqual({ groupsAttribute: undefined });
    expect(groupResourceType).toMatchObject({ endpoint: '/Groups', collection: 'groups', eventPrefix: 'group', activeAttribute: undefined, password: false });
    expect(groupResourceType.members).toEqual({ attribute: 'members' });
    expect(BUILT_IN_RESOURCE_TYPES.map((type) => type.name)).toEqual(['User', 'Group']);
  });

  it('name events {eventPrefix}.{action}', () => {
    expect(eventTypeOf(userResourceType, 'deactivated')).toBe('user.deactivated');
    expect(eventTypeOf(groupResourceType, 'member_added')).toBe('group.member_added');
  });

  it('give a registered type no password, no members and no membership, with defaults read from its endpoint and name', () => {
    const { facts, schema } = defineResourceType({ name: 'Device', endpoint: '/Devices', schema: deviceSchema, activeAttribute: 'enabled' });
    expect(schema).toBe(deviceSchema);
    expect(facts).toEqual({
      id: 'Device',
      name: 'Device',
      endpoint: '/Devices',
      description: 'Device',
      schema: deviceSchema.id,
      schemaExtensions: [],
      collection: 'devices',
      eventPrefix: 'device',
      activeAttribute: 'enabled',
      password: false,
      members: undefined,
      asMember: undefined,
    });
  });

  it.each([
    ['an endpoint without its slash', { endpoint: 'Devices' }],
    ['an endpoint of two segments', { endpoint: '/Devices/All' }],
    ['an event prefix with a dot', { eventPrefix: 'device.v2' }],
    ['an active attribute that is not a boolean', { activeAttribute: 'serialNumber' }],
    ['an active attribute the schema lacks', { activeAttribute: 'active' }],
  ])('refuse %s with a TypeError', (_name, options) => {
    expect(() => defineResourceType({ name: 'Device', endpoint: '/Devices', schema: deviceSchema, ...options })).toThrow(TypeError);
  });
});

describe('ResourceTypes', () => {
  const device = defineResourceType({ name: 'Device', endpoint: '/Devices', schema: deviceSchema });
  const types = createDefaultRegistry([], [device]).types;

  it('are what the registry serves: the built-in types, then the registered ones', () => {
    expect(types.all.map((type) => type.name)).toEqual(['User', 'Group', 'Device']);
    expect(createDefaultRegistry([], [device]).forResourceType('Device').coreSchema).toBe(deviceSchema);
  });

  it('find a type by its endpoint segment, case-insensitively, and nothing for an unknown one', () => {
    expect(types.atEndpoint('devices')?.name).toBe('Device');
    expect(types.atEndpoint('USERS')?.name).toBe('User');
    expect(types.atEndpoint('Widgets')).toBeUndefined();
  });

  it('throw a TypeError for an unregistered name (a programming error, not a client one)', () => {
    expect(types.get('Device')).toEqual(device.facts);
    expect(() => types.get('Widget')).toThrow(new TypeError('Unknown resource type "Widget"; registered: User, Group, Device'));
    expect(() => createDefaultRegistry().forResourceType('Device')).toThrow(TypeError);
  });

  it('name the one type that holds members', () => {
    expect(types.grouping?.name).toBe('Group');
    expect(new ResourceTypes([userResourceType]).grouping).toBeUndefined();
  });

  it('refuse two types sharing a name, an endpoint, a collection or an event prefix', () => {
    const again = (overrides: Partial<Parameters<typeof defineResourceType>[0]>) =>
      defineResourceType({ name: 'Device', endpoint: '/Devices', schema: deviceSchema, ...overrides }).facts;
    expect(() => new ResourceTypes([...BUILT_IN_RESOURCE_TYPES, again({ name: 'user', endpoint: '/Devices' })])).toThrow(/same name "user"/);
    expect(() => new ResourceTypes([...BUILT_IN_RESOURCE_TYPES, again({ endpoint: '/users' })])).toThrow(/same endpoint "\/users"/);
    expect(() => new ResourceTypes([...BUILT_IN_RESOURCE_TYPES, again({ collection: 'groups' })])).toThrow(/same collection "groups"/);
    expect(() => new ResourceTypes([...BUILT_IN_RESOURCE_TYPES, again({ eventPrefix: 'user' })])).toThrow(/same event prefix "user"/);
    expect(() => new ResourceTypes([groupResourceType, { ...groupResourceType, name: 'Team', id: 'Team', endpoint: '/Teams', collection: 'teams', eventPrefix: 'team' }])).toThrow(
      'At most one resource type can hold members',
    );
  });
});
