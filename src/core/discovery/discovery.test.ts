import { describe, expect, it } from 'vitest';
import type { AttributeDefinition } from '../schema/attribute.js';
import { ENTERPRISE_USER_SCHEMA } from '../schema/enterprise-user.js';
import { GROUP_SCHEMA } from '../schema/group.js';
import { createDefaultRegistry } from '../schema/registry.js';
import { USER_SCHEMA } from '../schema/user.js';
import {
  RESOURCE_TYPE_SCHEMA,
  SCHEMA_SCHEMA,
  SERVICE_PROVIDER_CONFIG_SCHEMA,
  resourceTypeResource,
  resourceTypeResources,
  schemaResource,
  schemaResources,
  serviceProviderConfig,
  type ServiceProviderSettings,
} from './index.js';

const BASE_URL = 'https://example.com/v2';
const registry = createDefaultRegistry();

type Representation = Record<string, unknown>;

function attributesOf(representation: Representation | undefined): Representation[] {
  expect(representation).toBeDefined();
  return (representation?.['attributes'] ?? []) as Representation[];
}

function named(attributes: readonly Representation[], name: string): Representation {
  const found = attributes.find((candidate) => candidate['name'] === name);
  expect(found, `attribute ${name}`).toBeDefined();
  return found as Representation;
}

/** The characteristics RFC 7643 §8.7.1 prints, without its description (ours is worded for this server). */
function withoutDescription(representation: Representation): Representation {
  const { description, subAttributes, ...rest } = representation;
  expect(typeof description).toBe('string');
  return subAttributes === undefined ? rest : { ...rest, subAttributes: (subAttributes as Representation[]).map(withoutDescription) };
}

const settings: ServiceProviderSettings = {
  documentationUri: 'http://example.com/help/scim.html',
  maxPageSize: 200,
  bulk: { supported: true, maxOperations: 1000, maxPayloadSize: 1048576 },
  changePasswordSupported: false,
  sortSupported: true,
  etagSupported: true,
};

describe('ServiceProviderConfig (RFC 7643 §5)', () => {
  it('has the shape of the RFC 7643 §8.5 example, with our settings and bearer-token authentication', () => {
    expect(serviceProviderConfig(settings, BASE_URL)).toEqual({
      schemas: [SERVICE_PROVIDER_CONFIG_SCHEMA],
      documentationUri: 'http://example.com/help/scim.html',
      patch: { supported: true },
      bulk: { supported: true, maxOperations: 1000, maxPayloadSize: 1048576 },
      filter: { supported: true, maxResults: 200 },
      changePassword: { supported: false },
      sort: { supported: true },
      etag: { supported: true },
      authenticationSchemes: [
        {
          type: 'oauthbearertoken',
          name: 'OAuth Bearer Token',
          description: 'Authentication scheme using the OAuth Bearer Token Standard',
          specUri: 'http://www.rfc-editor.org/info/rfc6750',
          primary: true,
        },
      ],
      meta: { resourceType: 'ServiceProviderConfig', location: 'https://example.com/v2/ServiceProviderConfig' },
    });
  });

  it('leaves out documentationUri when none is configured and reports unsupported features as such', () => {
    const { documentationUri: _omitted, ...withoutDocumentation } = settings;
    const config = serviceProviderConfig(
      { ...withoutDocumentation, bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 }, sortSupported: false, etagSupported: false },
      BASE_URL,
    );
    expect(config).not.toHaveProperty('documentationUri');
    expect(config['bulk']).toEqual({ supported: false, maxOperations: 0, maxPayloadSize: 0 });
    expect(config['sort']).toEqual({ supported: false });
    expect(config['etag']).toEqual({ supported: false });
  });

  it('builds an absolute meta.location from a base URL with a trailing slash', () => {
    expect(serviceProviderConfig(settings, 'https://scim.example.org/tenant/v2/')['meta']).toEqual({
      resourceType: 'ServiceProviderConfig',
      location: 'https://scim.example.org/tenant/v2/ServiceProviderConfig',
    });
  });

  it('refuses a relative base URL as a programming mistake', () => {
    expect(() => serviceProviderConfig(settings, '/v2')).toThrow(TypeError);
  });
});

describe('Schema representations (RFC 7643 §7)', () => {
  it('lists the User, Group and Enterprise User schemas', () => {
    const ids = schemaResources(registry, BASE_URL).map((schema) => schema['id']);
    expect(ids).toEqual([USER_SCHEMA, GROUP_SCHEMA, ENTERPRISE_USER_SCHEMA]);
  });

  it('RFC 7643 §8.7.1: the User schema carries id, name, description, schemas and meta', () => {
    const user = schemaResource(registry, USER_SCHEMA, BASE_URL);
    expect(user).toMatchObject({
      schemas: [SCHEMA_SCHEMA],
      id: USER_SCHEMA,
      name: 'User',
      description: 'User Account',
      meta: { resourceType: 'Schema', location: `https://example.com/v2/Schemas/${USER_SCHEMA}` },
    });
  });

  it('RFC 7643 §8.7.1: userName', () => {
    const userName = named(attributesOf(schemaResource(registry, USER_SCHEMA, BASE_URL)), 'userName');
    expect(withoutDescription(userName)).toEqual({
      name: 'userName',
      type: 'string',
      multiValued: false,
      required: true,
      caseExact: false,
      mutability: 'readWrite',
      returned: 'default',
      uniqueness: 'server',
    });
  });

  it('RFC 7643 §8.7.1: name.givenName', () => {
    const name = named(attributesOf(schemaResource(registry, USER_SCHEMA, BASE_URL)), 'name');
    expect(name).toMatchObject({ type: 'complex', multiValued: false, required: false, mutability: 'readWrite', returned: 'default' });
    const givenName = named(name['subAttributes'] as Representation[], 'givenName');
    expect(withoutDescription(givenName)).toEqual({
      name: 'givenName',
      type: 'string',
      multiValued: false,
      required: false,
      caseExact: false,
      mutability: 'readWrite',
      returned: 'default',
      uniqueness: 'none',
    });
  });

  it('RFC 7643 §8.7.1: emails, with the canonical values of emails.type', () => {
    const emails = named(attributesOf(schemaResource(registry, USER_SCHEMA, BASE_URL)), 'emails');
    expect(emails).toMatchObject({ type: 'complex', multiValued: true, required: false, mutability: 'readWrite', returned: 'default', uniqueness: 'none' });
    const subAttributes = emails['subAttributes'] as Representation[];
    expect(subAttributes.map((sub) => sub['name'])).toEqual(['value', 'display', 'type', 'primary']);
    expect(withoutDescription(named(subAttributes, 'type'))).toEqual({
      name: 'type',
      type: 'string',
      multiValued: false,
      required: false,
      caseExact: false,
      canonicalValues: ['work', 'home', 'other'],
      mutability: 'readWrite',
      returned: 'default',
      uniqueness: 'none',
    });
    expect(withoutDescription(named(subAttributes, 'primary'))).toMatchObject({ type: 'boolean', multiValued: false, required: false });
  });

  it('RFC 7643 §8.7.1: password is writeOnly and never returned', () => {
    const password = named(attributesOf(schemaResource(registry, USER_SCHEMA, BASE_URL)), 'password');
    expect(withoutDescription(password)).toEqual({
      name: 'password',
      type: 'string',
      multiValued: false,
      required: false,
      caseExact: false,
      mutability: 'writeOnly',
      returned: 'never',
      uniqueness: 'none',
    });
  });

  it('RFC 7643 §8.7.1: groups is readOnly, down to its sub-attributes', () => {
    const groups = named(attributesOf(schemaResource(registry, USER_SCHEMA, BASE_URL)), 'groups');
    expect(groups).toMatchObject({ type: 'complex', multiValued: true, required: false, mutability: 'readOnly', returned: 'default' });
    const subAttributes = groups['subAttributes'] as Representation[];
    expect(subAttributes.map((sub) => sub['mutability'])).toEqual(['readOnly', 'readOnly', 'readOnly', 'readOnly']);
    expect(withoutDescription(named(subAttributes, '$ref'))).toEqual({
      name: '$ref',
      type: 'reference',
      referenceTypes: ['User', 'Group'],
      multiValued: false,
      required: false,
      caseExact: false,
      mutability: 'readOnly',
      returned: 'default',
      uniqueness: 'none',
    });
    expect(named(subAttributes, 'type')['canonicalValues']).toEqual(['direct', 'indirect']);
  });

  it('RFC 7643 §8.7.1: the Enterprise User manager is complex with value, $ref and a readOnly displayName', () => {
    const manager = named(attributesOf(schemaResource(registry, ENTERPRISE_USER_SCHEMA, BASE_URL)), 'manager');
    const subAttributes = manager['subAttributes'] as Representation[];
    expect(subAttributes.map((sub) => [sub['name'], sub['mutability']])).toEqual([
      ['value', 'readWrite'],
      ['$ref', 'readWrite'],
      ['displayName', 'readOnly'],
    ]);
    expect(named(subAttributes, '$ref')['referenceTypes']).toEqual(['User']);
  });

  it('writes no server-internal characteristic such as canonicalValuesEnforced', () => {
    const members = named(attributesOf(schemaResource(registry, GROUP_SCHEMA, BASE_URL)), 'members');
    const type = named(members['subAttributes'] as Representation[], 'type');
    expect(type['canonicalValues']).toEqual(['User', 'Group']);
    expect(type).not.toHaveProperty('canonicalValuesEnforced');
    expect(JSON.stringify(schemaResources(registry, BASE_URL))).not.toContain('canonicalValuesEnforced');
  });

  it('looks a schema up by URN case-insensitively and answers undefined for an unknown one', () => {
    expect(schemaResource(registry, ENTERPRISE_USER_SCHEMA.toUpperCase(), BASE_URL)?.['id']).toBe(ENTERPRISE_USER_SCHEMA);
    expect(schemaResource(registry, 'urn:ietf:params:scim:schemas:core:2.0:Device', BASE_URL)).toBeUndefined();
  });

  it('writes every attribute of every schema with all of its characteristics', () => {
    const required = ['name', 'type', 'multiValued', 'description', 'required', 'caseExact', 'mutability', 'returned', 'uniqueness'];
    const optional = ['canonicalValues', 'referenceTypes', 'subAttributes'];
    let checked = 0;
    const compare = (definitions: readonly AttributeDefinition[], representations: readonly Representation[], where: string): void => {
      expect(representations.map((representation) => representation['name']), where).toEqual(definitions.map((definition) => definition.name));
      definitions.forEach((definition, index) => {
        const representation = representations[index] as Representation;
        const path = `${where}:${definition.name}`;
        expect(Object.keys(representation).sort(), path).toEqual(
          [...required, ...optional.filter((key) => definition[key as keyof AttributeDefinition] !== undefined)].sort(),
        );
        for (const key of required) expect(representation[key], `${path} ${key}`).toEqual(definition[key as keyof AttributeDefinition]);
        expect(representation['canonicalValues'], path).toEqual(definition.canonicalValues);
        expect(representation['referenceTypes'], path).toEqual(definition.referenceTypes);
        checked += 1;
        if (definition.subAttributes !== undefined) {
          compare(definition.subAttributes, representation['subAttributes'] as Representation[], path);
        }
      });
    };
    const output = schemaResources(registry, BASE_URL);
    registry.schemas.forEach((schema, index) => compare(schema.attributes, attributesOf(output[index]), schema.id));
    expect(checked).toBeGreaterThan(80);
  });

  it('includes a custom extension schema passed to the registry', () => {
    const custom = createDefaultRegistry([
      {
        resourceType: 'Group',
        schema: { id: 'urn:example:params:scim:schemas:extension:acme:2.0:Group', name: 'AcmeGroup', description: 'Acme group', attributes: [] },
      },
    ]);
    expect(schemaResources(custom, BASE_URL).map((schema) => schema['id'])).toContain('urn:example:params:scim:schemas:extension:acme:2.0:Group');
    expect(resourceTypeResource(custom, 'Group', BASE_URL)?.['schemaExtensions']).toEqual([
      { schema: 'urn:example:params:scim:schemas:extension:acme:2.0:Group', required: false },
    ]);
  });
});

describe('ResourceType representations (RFC 7643 §6)', () => {
  it('RFC 7643 §8.6: User and Group', () => {
    expect(resourceTypeResources(registry, BASE_URL)).toEqual([
      {
        schemas: [RESOURCE_TYPE_SCHEMA],
        id: 'User',
        name: 'User',
        endpoint: '/Users',
        description: 'User Account',
        schema: USER_SCHEMA,
        // §8.6 shows required: true; this server does not require the extension.
        schemaExtensions: [{ schema: ENTERPRISE_USER_SCHEMA, required: false }],
        meta: { location: 'https://example.com/v2/ResourceTypes/User', resourceType: 'ResourceType' },
      },
      {
        schemas: [RESOURCE_TYPE_SCHEMA],
        id: 'Group',
        name: 'Group',
        endpoint: '/Groups',
        description: 'Group',
        schema: GROUP_SCHEMA,
        meta: { location: 'https://example.com/v2/ResourceTypes/Group', resourceType: 'ResourceType' },
      },
    ]);
  });

  it('looks a resource type up by name case-insensitively and answers undefined for an unknown one', () => {
    expect(resourceTypeResource(registry, 'group', BASE_URL)?.['id']).toBe('Group');
    expect(resourceTypeResource(registry, 'USER', BASE_URL)?.['endpoint']).toBe('/Users');
    expect(resourceTypeResource(registry, 'Device', BASE_URL)).toBeUndefined();
  });

  it('names only schemas that /Schemas serves', () => {
    for (const resourceType of resourceTypeResources(registry, BASE_URL)) {
      expect(schemaResource(registry, resourceType['schema'] as string, BASE_URL)).toBeDefined();
      for (const extension of (resourceType['schemaExtensions'] ?? []) as { schema: string }[]) {
        expect(schemaResource(registry, extension.schema, BASE_URL)).toBeDefined();
      }
    }
  });
});
