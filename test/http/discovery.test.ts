/**
 * Discovery endpoints (RFC 7644 §4; representations in RFC 7643 §5–§8.7).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build, type TestServer } from '../helpers/build.js';
import {
  ENTERPRISE_SCHEMA,
  expectScimError,
  expectStatus,
  GROUP_SCHEMA,
  type Json,
  LIST_RESPONSE_SCHEMA,
  PUBLIC_BASE,
  RESOURCE_TYPE_SCHEMA,
  SCHEMA_SCHEMA,
  SERVICE_PROVIDER_CONFIG_SCHEMA,
  USER_SCHEMA,
} from './support.js';

function findAttribute(schema: Json, name: string): Json {
  const found = (schema['attributes'] as Json[]).find((attribute) => attribute['name'] === name);
  expect(found, `attribute ${name}`).toBeDefined();
  return found as Json;
}

describe('discovery', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await build();
  });
  afterAll(async () => {
    await server.close();
  });

  describe('GET /ServiceProviderConfig', () => {
    it('advertises what the server implements (RFC 7643 §5)', async () => {
      const body = expectStatus(await server.request({ method: 'GET', url: '/scim/v2/ServiceProviderConfig' }), 200);
      expect(body['schemas']).toEqual([SERVICE_PROVIDER_CONFIG_SCHEMA]);
      expect(body['patch']).toEqual({ supported: true });
      expect(body['etag']).toEqual({ supported: true });
      expect(body['sort']).toEqual({ supported: true });
      expect(body['filter']).toEqual({ supported: true, maxResults: 1000 });
      expect(body['bulk']['supported']).toBe(true);
      expect(typeof body['bulk']['maxOperations']).toBe('number');
      expect(typeof body['bulk']['maxPayloadSize']).toBe('number');
      expect(body['changePassword']).toEqual({ supported: true });
      const schemes = body['authenticationSchemes'] as Json[];
      expect(schemes.length).toBeGreaterThanOrEqual(1);
      expect(schemes[0]).toMatchObject({ type: 'oauthbearertoken', name: expect.any(String), description: expect.any(String) });
      expect(body['meta']).toMatchObject({ resourceType: 'ServiceProviderConfig', location: `${PUBLIC_BASE}/ServiceProviderConfig` });
    });

    it('serves discovery with the SCIM media type', async () => {
      const response = await server.request({ method: 'GET', url: '/scim/v2/ServiceProviderConfig' });
      expect(String(response.headers['content-type'])).toMatch(/^application\/scim\+json/);
    });
  });

  describe('GET /Schemas', () => {
    it('lists the User, Group and Enterprise User schemas as a ListResponse', async () => {
      const body = expectStatus(await server.request({ method: 'GET', url: '/scim/v2/Schemas' }), 200);
      expect(body['schemas']).toEqual([LIST_RESPONSE_SCHEMA]);
      expect(body['totalResults']).toBe(3);
      expect(body['itemsPerPage']).toBe(3);
      expect(body['startIndex']).toBe(1);
      const resources = body['Resources'] as Json[];
      expect(resources.map((schema) => schema['id']).sort()).toEqual([ENTERPRISE_SCHEMA, GROUP_SCHEMA, USER_SCHEMA].sort());
      for (const schema of resources) {
        expect(schema['schemas']).toEqual([SCHEMA_SCHEMA]);
        expect(Array.isArray(schema['attributes'])).toBe(true);
        expect(schema['meta']).toMatchObject({ resourceType: 'Schema', location: `${PUBLIC_BASE}/Schemas/${schema['id'] as string}` });
      }
    });

    it('describes userName as required and server-unique, password as writeOnly and never returned (RFC 7643 §8.7.1)', async () => {
      const user = expectStatus(await server.request({ method: 'GET', url: `/scim/v2/Schemas/${USER_SCHEMA}` }), 200);
      expect(user['id']).toBe(USER_SCHEMA);
      expect(user['name']).toBe('User');
      expect(findAttribute(user, 'userName')).toMatchObject({ type: 'string', required: true, uniqueness: 'server', caseExact: false, multiValued: false });
      expect(findAttribute(user, 'password')).toMatchObject({ mutability: 'writeOnly', returned: 'never' });
      expect(findAttribute(user, 'groups')).toMatchObject({ mutability: 'readOnly', multiValued: true });
      expect(findAttribute(user, 'emails')).toMatchObject({ type: 'complex', multiValued: true });
      // Common attributes (id, externalId, meta) belong to no schema (RFC 7643 §3.1).
      expect((user['attributes'] as Json[]).some((attribute) => attribute['name'] === 'id')).toBe(false);
    });

    it('describes Group members with value, $ref, display and type', async () => {
      const group = expectStatus(await server.request({ method: 'GET', url: `/scim/v2/Schemas/${GROUP_SCHEMA}` }), 200);
      const members = findAttribute(group, 'members');
      expect((members['subAttributes'] as Json[]).map((attribute) => attribute['name']).sort()).toEqual(['$ref', 'display', 'type', 'value']);
    });

    it('serves the Enterprise User extension schema', async () => {
      const enterprise = expectStatus(await server.request({ method: 'GET', url: `/scim/v2/Schemas/${ENTERPRISE_SCHEMA}` }), 200);
      expect(findAttribute(enterprise, 'manager')['type']).toBe('complex');
      expect(findAttribute(enterprise, 'employeeNumber')['type']).toBe('string');
    });

    it('finds a schema by its URN in any case', async () => {
      const body = expectStatus(await server.request({ method: 'GET', url: `/scim/v2/Schemas/${USER_SCHEMA.toUpperCase()}` }), 200);
      expect(body['id']).toBe(USER_SCHEMA);
    });

    it('answers 404 for an unknown schema URN', async () => {
      expectScimError(await server.request({ method: 'GET', url: '/scim/v2/Schemas/urn:example:unknown:2.0:Thing' }), 404);
    });
  });

  describe('GET /ResourceTypes', () => {
    it('lists User and Group (RFC 7643 §6, §8.6)', async () => {
      const body = expectStatus(await server.request({ method: 'GET', url: '/scim/v2/ResourceTypes' }), 200);
      expect(body['schemas']).toEqual([LIST_RESPONSE_SCHEMA]);
      expect(body['totalResults']).toBe(2);
      const byName = new Map((body['Resources'] as Json[]).map((resourceType) => [resourceType['name'] as string, resourceType]));
      expect(byName.get('User')).toMatchObject({
        schemas: [RESOURCE_TYPE_SCHEMA],
        id: 'User',
        endpoint: '/Users',
        schema: USER_SCHEMA,
        schemaExtensions: [{ schema: ENTERPRISE_SCHEMA, required: false }],
        meta: { resourceType: 'ResourceType', location: `${PUBLIC_BASE}/ResourceTypes/User` },
      });
      expect(byName.get('Group')).toMatchObject({ id: 'Group', endpoint: '/Groups', schema: GROUP_SCHEMA });
    });

    it.each(['User', 'Group', 'user'])('serves /ResourceTypes/%s', async (name) => {
      const body = expectStatus(await server.request({ method: 'GET', url: `/scim/v2/ResourceTypes/${name}` }), 200);
      expect((body['name'] as string).toLowerCase()).toBe(name.toLowerCase());
    });

    it('answers 404 for an unknown resource type', async () => {
      expectScimError(await server.request({ method: 'GET', url: '/scim/v2/ResourceTypes/Widget' }), 404);
    });
  });

  it('advertises SCIMITAR_MAX_PAGE_SIZE as filter.maxResults and the Bulk limits from their settings', async () => {
    const small = await build({
      SCIMITAR_MAX_PAGE_SIZE: '5',
      SCIMITAR_DEFAULT_PAGE_SIZE: '5',
      SCIMITAR_BULK_MAX_PAYLOAD_SIZE: '4096',
      SCIMITAR_BULK_MAX_OPERATIONS: '7',
    });
    try {
      const body = expectStatus(await small.request({ method: 'GET', url: '/scim/v2/ServiceProviderConfig' }), 200);
      expect(body['filter']).toEqual({ supported: true, maxResults: 5 });
      expect(body['bulk']).toEqual({ supported: true, maxOperations: 7, maxPayloadSize: 4096 });
    } finally {
      await small.close();
    }
  });
});
