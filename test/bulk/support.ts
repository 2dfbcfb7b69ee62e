/**
 * Builders for Bulk requests and readers of Bulk responses (RFC 7644 §3.7).
 */
import { expect } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import type { TestServer } from '../helpers/build.js';
import { expectStatus, type Json } from '../http/support.js';

export const BULK_REQUEST_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:BulkRequest';
export const BULK_RESPONSE_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:BulkResponse';

export function bulkRequest(operations: readonly Json[], extra: Json = {}): Json {
  return { schemas: [BULK_REQUEST_SCHEMA], ...extra, Operations: operations };
}

export function postBulk(server: TestServer, body: Json | string, url = '/scim/v2/Bulk'): Promise<LightMyRequestResponse> {
  return server.request({ method: 'POST', url, body });
}

/** A 200 BulkResponse: its Operations, after checking the envelope. */
export function bulkResults(response: LightMyRequestResponse): Json[] {
  const body = expectStatus(response, 200);
  expect(body['schemas']).toEqual([BULK_RESPONSE_SCHEMA]);
  expect(Array.isArray(body['Operations'])).toBe(true);
  return body['Operations'] as Json[];
}

/** The id at the end of a result's location. */
export function idOf(result: Json | undefined): string {
  const location = String(result?.['location']);
  return decodeURIComponent(location.slice(location.lastIndexOf('/') + 1));
}

/** A failed operation's result carries its SCIM error as `response` (RFC 7644 §3.7.3). */
export function expectOperationError(result: Json | undefined, status: number, scimType?: string): Json {
  expect(result?.['status'], JSON.stringify(result)).toBe(String(status));
  const error = result?.['response'] as Json;
  expect(error['schemas']).toEqual(['urn:ietf:params:scim:api:messages:2.0:Error']);
  expect(error['status']).toBe(String(status));
  if (scimType !== undefined) expect(error['scimType']).toBe(scimType);
  expect(typeof error['detail']).toBe('string');
  return error;
}
