/**
 * Shared assertions and builders for the HTTP, hostile-request and socket
 * suites. Every request still goes through `build()` (test/helpers/build.ts).
 */
import { expect } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import type { TestServer } from '../helpers/build.js';

export const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';
export const ENTERPRISE_SCHEMA = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
export const PATCH_OP_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
export const LIST_RESPONSE_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
export const SEARCH_REQUEST_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:SearchRequest';
export const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';
export const SERVICE_PROVIDER_CONFIG_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig';
export const RESOURCE_TYPE_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:ResourceType';
export const SCHEMA_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Schema';

/** The SCIM root as the server advertises it (build() sets SCIMITAR_PUBLIC_URL). */
export const PUBLIC_BASE = 'https://scim.example.com/scim/v2';

/** Parsed JSON bodies are loosely typed: the tests assert their shape. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = Record<string, any>;

export function json(response: LightMyRequestResponse): Json {
  return JSON.parse(response.body) as Json;
}

/** Stack frames (`at fn (file:line:col)`), source paths and module paths never reach a client. */
export function expectNoInternals(text: string): void {
  expect(text).not.toMatch(/\bat\s+\S+\s+\(?\S+:\d+:\d+\)?/);
  expect(text).not.toMatch(/(?:\\n|\n)\s+at\s/);
  expect(text).not.toMatch(/node_modules/);
  expect(text).not.toMatch(/\/(?:src|dist|test)\/\S+\.(?:ts|js)/);
  expect(text).not.toMatch(/\.(?:ts|js):\d+/);
}

export function expectScimContentType(headers: Record<string, unknown>): void {
  expect(String(headers['content-type'])).toMatch(/^application\/scim\+json(?:;|$)/);
}

/**
 * A SCIM error (RFC 7644 §3.12): the status, the envelope with `status` as a
 * string, an optional scimType, a detail, the SCIM media type and no internals.
 */
export function expectScimError(response: LightMyRequestResponse, status: number, scimType?: string): Json {
  expect(response.statusCode, `${response.statusCode} ${response.body.slice(0, 500)}`).toBe(status);
  expectScimContentType(response.headers);
  const body = json(response);
  expect(body['schemas']).toEqual([ERROR_SCHEMA]);
  expect(body['status']).toBe(String(status));
  if (scimType !== undefined) expect(body['scimType']).toBe(scimType);
  expect(typeof body['detail']).toBe('string');
  expect((body['detail'] as string).length).toBeGreaterThan(0);
  expectNoInternals(response.body);
  if (status === 401) expect(String(response.headers['www-authenticate'])).toMatch(/^Bearer/i);
  return body;
}

export function expectStatus(response: LightMyRequestResponse, status: number): Json {
  expect(response.statusCode, `${response.statusCode} ${response.body.slice(0, 800)}`).toBe(status);
  if (status === 204 || status === 304) {
    expect(response.body).toBe('');
    return {};
  }
  expectScimContentType(response.headers);
  return json(response);
}

export function userBody(userName: string, extra: Json = {}): Json {
  return { schemas: [USER_SCHEMA], userName, ...extra };
}

export function groupBody(displayName: string, memberIds: readonly string[] = [], extra: Json = {}): Json {
  return {
    schemas: [GROUP_SCHEMA],
    displayName,
    ...(memberIds.length > 0 ? { members: memberIds.map((value) => ({ value })) } : {}),
    ...extra,
  };
}

export function patchBody(...operations: Json[]): Json {
  return { schemas: [PATCH_OP_SCHEMA], Operations: operations };
}

export async function createUser(server: TestServer, userName: string, extra: Json = {}): Promise<Json> {
  const response = await server.request({ method: 'POST', url: '/scim/v2/Users', body: userBody(userName, extra) });
  return expectStatus(response, 201);
}

export async function createGroup(server: TestServer, displayName: string, memberIds: readonly string[] = [], extra: Json = {}): Promise<Json> {
  const response = await server.request({ method: 'POST', url: '/scim/v2/Groups', body: groupBody(displayName, memberIds, extra) });
  return expectStatus(response, 201);
}

export async function getResource(server: TestServer, path: string): Promise<LightMyRequestResponse> {
  return server.request({ method: 'GET', url: `/scim/v2${path}` });
}

/** The ids of a ListResponse, in order. */
export function ids(list: Json): string[] {
  return (list['Resources'] as Json[]).map((resource) => resource['id'] as string);
}

export function query(parameters: Record<string, string | number>): string {
  return new URLSearchParams(Object.entries(parameters).map(([key, value]): [string, string] => [key, String(value)])).toString();
}
