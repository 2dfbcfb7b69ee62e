/**
 * GET /admin/v1/openapi.json documents every admin route, from the same
 * schemas Fastify validates and serializes with.
 */
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminPlugin } from '../../src/admin/admin-plugin.js';
import { EventFeed } from '../../src/events/feed.js';
import { AdminKeyAuthenticator } from '../../src/auth/admin-keys.js';
import { AuthFailureThrottle } from '../../src/auth/failure-throttle.js';
import { build, type TestServer } from '../helpers/build.js';
import type { Json } from '../http/support.js';
import { ADMIN, adminClient, expectJson } from './support.js';

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

describe('admin API OpenAPI document', () => {
  let server: TestServer;
  let document: Json;

  beforeAll(async () => {
    server = await build();
    document = expectJson(await server.scimitar.app.inject({ method: 'GET', url: `${ADMIN}/openapi.json` }), 200);
  });
  afterAll(async () => {
    await server.close();
  });

  /** `[METHOD, /admin/v1/path/{param}]` of every operation in the document. */
  function documentedOperations(): string[] {
    const operations: string[] = [];
    for (const [path, item] of Object.entries(document['paths'] as Record<string, Json>)) {
      for (const method of Object.keys(item)) if (METHODS.includes(method)) operations.push(`${method.toUpperCase()} ${ADMIN}${path}`);
    }
    return operations.sort();
  }

  it('is OpenAPI 3.1 with a bearer security scheme applied by default', () => {
    expect(document['openapi']).toBe('3.1.0');
    expect(document['info']).toMatchObject({ title: expect.any(String), version: expect.any(String) });
    expect(document['servers']).toEqual([{ url: ADMIN }]);
    expect(document['components']['securitySchemes']['adminKey']).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(document['security']).toEqual([{ adminKey: [] }]);
  });

  it('lists exactly the routes the admin plugin registers', async () => {
    // The plugin on a bare Fastify instance, recording each route it adds.
    const registered: string[] = [];
    const app = Fastify();
    app.addHook('onRoute', (route) => {
      const methods = Array.isArray(route.method) ? route.method : [route.method];
      for (const method of methods) if (method !== 'HEAD') registered.push(`${method} ${route.url.replace(/:([A-Za-z]+)/g, '{$1}')}`);
    });
    const { scimitar } = server;
    await app.register(adminPlugin, {
      prefix: ADMIN,
      tenants: scimitar.tenants,
      tokens: scimitar.tokens,
      setupLinks: scimitar.setupLinks,
      resources: scimitar.resources,
      tenantSchemas: scimitar.tenantSchemas,
      events: new EventFeed({ events: scimitar.store.events, notifier: scimitar.notifier, retentionDays: 7 }),
      webhooks: scimitar.webhooks,
      consumers: scimitar.consumerDeliveries,
      requestLog: scimitar.requestLog,
      accessReports: scimitar.accessReports,
      roles: scimitar.roles,
      authenticator: new AdminKeyAuthenticator(scimitar.store.tenants, scimitar.hasher, () => new Date()),
      authFailures: new AuthFailureThrottle({ limit: 10, windowMs: 60_000 }, () => new Date()),
      list: { defaultPageSize: 100, maxPageSize: 1000 },
      publicUrl: undefined,
    });
    await app.ready();
    await app.close();
    expect(documentedOperations()).toEqual([...new Set(registered)].sort());
    expect(documentedOperations()).toEqual(
      [
        `GET ${ADMIN}/openapi.json`,
        `POST ${ADMIN}/tenants`,
        `GET ${ADMIN}/tenants`,
        `GET ${ADMIN}/tenants/{tenant}`,
        `DELETE ${ADMIN}/tenants/{tenant}`,
        `POST ${ADMIN}/tenants/{tenant}/tokens`,
        `GET ${ADMIN}/tenants/{tenant}/tokens`,
        `POST ${ADMIN}/tenants/{tenant}/tokens/{tokenId}/revoke`,
        `POST ${ADMIN}/tenants/{tenant}/tokens/{tokenId}/rotate`,
        `POST ${ADMIN}/tenants/{tenant}/setup-links`,
        `GET ${ADMIN}/tenants/{tenant}/setup-links`,
        `GET ${ADMIN}/tenants/{tenant}/setup-links/{linkId}`,
        `DELETE ${ADMIN}/tenants/{tenant}/setup-links/{linkId}`,
        `GET ${ADMIN}/tenants/{tenant}/users`,
        `GET ${ADMIN}/tenants/{tenant}/users/{id}`,
        `GET ${ADMIN}/tenants/{tenant}/groups`,
        `GET ${ADMIN}/tenants/{tenant}/groups/{id}`,
        `GET ${ADMIN}/tenants/{tenant}/events`,
        `GET ${ADMIN}/tenants/{tenant}/requests`,
        `GET ${ADMIN}/tenants/{tenant}/requests/{requestId}`,
        `GET ${ADMIN}/tenants/{tenant}/users/{id}/history`,
        `POST ${ADMIN}/tenants/{tenant}/webhooks`,
        `GET ${ADMIN}/tenants/{tenant}/webhooks`,
        `GET ${ADMIN}/tenants/{tenant}/webhooks/{webhookId}`,
        `PATCH ${ADMIN}/tenants/{tenant}/webhooks/{webhookId}`,
        `DELETE ${ADMIN}/tenants/{tenant}/webhooks/{webhookId}`,
        `POST ${ADMIN}/tenants/{tenant}/webhooks/{webhookId}/rotate-secret`,
        `GET ${ADMIN}/tenants/{tenant}/webhooks/{webhookId}/deliveries`,
        `GET ${ADMIN}/tenants/{tenant}/webhooks/{webhookId}/deliveries/{deliveryId}`,
        `POST ${ADMIN}/tenants/{tenant}/webhooks/{webhookId}/deliveries/{deliveryId}/replay`,
        `GET ${ADMIN}/tenants/{tenant}/role-mappings`,
        `POST ${ADMIN}/tenants/{tenant}/role-mappings`,
        `DELETE ${ADMIN}/tenants/{tenant}/role-mappings/{mapping}`,
        `PATCH ${ADMIN}/tenants/{tenant}/role-settings`,
        `GET ${ADMIN}/tenants/{tenant}/users/{id}/roles`,
        `POST ${ADMIN}/tenants/{tenant}/webhooks/{webhookId}/replay-failed`,
        `GET ${ADMIN}/tenants/{tenant}/consumers`,
        `GET ${ADMIN}/tenants/{tenant}/consumers/{consumer}`,
        `GET ${ADMIN}/tenants/{tenant}/consumers/{consumer}/deliveries`,
        `GET ${ADMIN}/tenants/{tenant}/consumers/{consumer}/deliveries/{deliveryId}`,
        `POST ${ADMIN}/tenants/{tenant}/consumers/{consumer}/deliveries/{deliveryId}/replay`,
        `POST ${ADMIN}/tenants/{tenant}/consumers/{consumer}/replay-failed`,
        `DELETE ${ADMIN}/consumers/{consumer}`,
        `GET ${ADMIN}/tenants/{tenant}/access-report`,
        `GET ${ADMIN}/tenants/{tenant}/schemas`,
        `POST ${ADMIN}/tenants/{tenant}/schemas`,
        `PATCH ${ADMIN}/tenants/{tenant}/schemas`,
        `DELETE ${ADMIN}/tenants/{tenant}/schemas/{schemaId}`,
        `GET ${ADMIN}/tenants/{tenant}/deletion`,
        `PATCH ${ADMIN}/tenants/{tenant}/deletion`,
        `POST ${ADMIN}/tenants/{tenant}/deletion/approve`,
        `POST ${ADMIN}/tenants/{tenant}/deletion/reject`,
      ].sort(),
    );
  });

  it('answers every documented operation on the live server (never 404 for the route itself)', async () => {
    const admin = await adminClient(server);
    await server.scimitar.tenants.create('docs');
    for (const operation of documentedOperations()) {
      const [method, template] = operation.split(' ') as [string, string];
      const url = template.replace('{tenant}', 'docs').replace('{tokenId}', 'no-such-token').replace('{id}', 'no-such-id').replace('{webhookId}', 'no-such-webhook').replace('{deliveryId}', 'no-such-delivery').slice(ADMIN.length);
      const response = await admin.request(method as 'GET', url, method === 'POST' ? {} : undefined);
      // Streamed reports answer CSV or JSON Lines; every other operation answers one JSON document.
      const isJson = String(response.headers['content-type'] ?? 'application/json').startsWith('application/json');
      const body = (isJson ? JSON.parse(response.body || '{}') : {}) as Json;
      // A 404 may only be about the tenant, token or resource, never "no such endpoint".
      if (response.statusCode === 404) expect(body['message'], operation).not.toMatch(/No admin API endpoint/);
      expect(response.statusCode, operation).toBeLessThan(500);
    }
  });

  it('describes each operation: unique id, summary, parameters for every path segment, responses with schemas', () => {
    const operationIds = new Set<string>();
    for (const [path, item] of Object.entries(document['paths'] as Record<string, Json>)) {
      const pathParameters = [...path.matchAll(/\{([^}]+)\}/g)].map((match) => match[1]);
      for (const [method, operation] of Object.entries(item as Record<string, Json>)) {
        const label = `${method} ${path}`;
        expect(operation['operationId'], label).toEqual(expect.any(String));
        expect(operationIds.has(operation['operationId'] as string), label).toBe(false);
        operationIds.add(operation['operationId'] as string);
        expect(operation['summary'], label).toEqual(expect.any(String));
        const declared = ((operation['parameters'] ?? []) as Json[]).filter((parameter) => parameter['in'] === 'path');
        expect(declared.map((parameter) => parameter['name']).sort(), label).toEqual([...pathParameters].sort());
        for (const parameter of declared) expect(parameter['required'], label).toBe(true);
        const responses = operation['responses'] as Record<string, Json>;
        const success = Object.keys(responses).filter((status) => status.startsWith('2'));
        expect(success.length, label).toBe(1);
        for (const [status, response] of Object.entries(responses)) {
          expect(response['description'], `${label} ${status}`).toEqual(expect.any(String));
          if (status === '204') continue;
          const content = response['content'] as Record<string, Json>;
          for (const mediaType of Object.keys(content)) expect(content[mediaType]!['schema'], `${label} ${status} ${mediaType}`).toEqual(expect.any(Object));
          if (operation['operationId'] !== 'getAccessReport' || status !== '200') expect(content['application/json'], `${label} ${status}`).toBeDefined();
        }
        const authenticated = operation['security'] === undefined;
        if (authenticated) {
          expect(Object.keys(responses), label).toEqual(expect.arrayContaining(['401', '429']));
          expect(responses['429']!['headers']['Retry-After']).toBeDefined();
        }
      }
    }
    expect(document['paths']['/openapi.json']['get']['security']).toEqual([]);
  });

  it('documents the list parameters, the request bodies, and never a hash', () => {
    const listUsers = document['paths']['/tenants/{tenant}/users']['get'] as Json;
    expect((listUsers['parameters'] as Json[]).filter((parameter) => parameter['in'] === 'query').map((parameter) => parameter['name'])).toEqual([
      'filter',
      'sortBy',
      'sortOrder',
      'startIndex',
      'count',
      'attributes',
      'excludedAttributes',
    ]);
    const createTenant = document['paths']['/tenants']['post'] as Json;
    expect(createTenant['requestBody']).toMatchObject({ required: true, content: { 'application/json': { schema: { required: ['id'] } } } });
    expect(JSON.stringify(document)).not.toMatch(/"hash"/);
  });
});
