/** Seeding and page-walking helpers for the cursor pagination suites (RFC 9865). */
import { expect } from 'vitest';
import { DEFAULT_TENANT_ID } from '../../src/app/scimitar.js';
import type { TestServer } from '../helpers/build.js';
import { json, type Json } from '../http/support.js';

export const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';

/** Inserts users straight through the store, in one transaction: far quicker than POSTs for thousands. */
export async function seedUsers(server: TestServer, ids: readonly string[], userName: (id: string) => string = (id) => `user-${id}`): Promise<void> {
  const now = new Date().toISOString();
  await server.scimitar.store.transaction(async (writer) => {
    for (const id of ids) {
      await writer.insertResource({
        tenantId: DEFAULT_TENANT_ID,
        resourceType: 'User',
        id,
        attributes: { schemas: [USER_SCHEMA], userName: userName(id), displayName: `User ${id}` },
        passwordHash: undefined,
        now,
      });
    }
  });
}

/** GET a list URL and return its ListResponse, expecting 200. */
export async function getPage(server: TestServer, url: string): Promise<Json> {
  const response = await server.request({ method: 'GET', url });
  expect(response.statusCode, response.body.slice(0, 500)).toBe(200);
  return json(response);
}

export function ids(page: Json): string[] {
  return (page['Resources'] as Json[]).map((resource) => resource['id'] as string);
}

/** RFC 9865 §2: cursor values use only RFC 3986 unreserved characters. */
export function expectCursorValue(value: unknown): void {
  expect(typeof value).toBe('string');
  expect(value).toMatch(/^[A-Za-z0-9\-._~]+$/);
}
