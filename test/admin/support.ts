/** An admin API client on a `build()` server, authenticated with a fresh admin key. */
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import type { TestServer } from '../helpers/build.js';
import type { Json } from '../http/support.js';

export const ADMIN = '/admin/v1';

export interface AdminClient {
  readonly key: string;
  request(method: InjectOptions['method'], path: string, body?: unknown, headers?: Record<string, string>): Promise<LightMyRequestResponse>;
}

export async function adminClient(server: TestServer, name = 'test automation'): Promise<AdminClient> {
  const { key } = await server.scimitar.adminKeys.create(name);
  return {
    key,
    request(method, path, body, headers = {}) {
      return server.scimitar.app.inject({
        method,
        url: `${ADMIN}${path}`,
        headers: { authorization: `Bearer ${key}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
        ...(body !== undefined ? { payload: JSON.stringify(body) } : {}),
      });
    },
  };
}

export function expectJson(response: LightMyRequestResponse, status: number): Json {
  expect(response.statusCode, `${response.statusCode} ${response.body.slice(0, 600)}`).toBe(status);
  if (status === 204) {
    expect(response.body).toBe('');
    return {};
  }
  expect(String(response.headers['content-type'])).toMatch(/^application\/json/);
  return JSON.parse(response.body) as Json;
}

/** The admin API's one error shape. */
export function expectAdminError(response: LightMyRequestResponse, status: number, code: string): Json {
  const body = expectJson(response, status);
  expect(Object.keys(body).sort()).toEqual(['code', 'message', 'status']);
  expect(body['status']).toBe(status);
  expect(body['code']).toBe(code);
  expect(typeof body['message']).toBe('string');
  expect(body['message']).not.toMatch(/\.(?:ts|js):\d+|node_modules|\n\s+at\s/);
  return body;
}
