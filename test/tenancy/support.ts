/**
 * Tenants as the identity providers see them: each with its own bearer
 * token, talking to its own base URL /t/{tenant}/scim/v2 through the full
 * HTTP stack of a `build()` server.
 */
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import type { TestServer } from '../helpers/build.js';
import { expectStatus, type Json, userBody, groupBody } from '../http/support.js';

export interface TenantClient {
  readonly tenant: string;
  readonly token: string;
  readonly tokenId: string;
  /** `/t/{tenant}/scim/v2` */
  readonly base: string;
  /** A request with this tenant's token; `path` is absolute (use `base` for the tenant's own URL). */
  request(method: InjectOptions['method'], path: string, body?: unknown, headers?: Record<string, string>): Promise<LightMyRequestResponse>;
  createUser(userName: string, extra?: Json): Promise<Json>;
  createGroup(displayName: string, memberIds?: readonly string[]): Promise<Json>;
}

export function clientFor(server: TestServer, tenant: string, token: string, tokenId: string): TenantClient {
  const base = `/t/${tenant}/scim/v2`;
  const client: TenantClient = {
    tenant,
    token,
    tokenId,
    base,
    request(method, path, body, headers = {}) {
      return server.scimitar.app.inject({
        method,
        url: path,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body !== undefined ? { 'content-type': 'application/scim+json' } : {}),
          ...headers,
        },
        ...(body !== undefined ? { payload: JSON.stringify(body) } : {}),
      });
    },
    async createUser(userName, extra = {}) {
      return expectStatus(await client.request('POST', `${base}/Users`, userBody(userName, extra)), 201);
    },
    async createGroup(displayName, memberIds = []) {
      return expectStatus(await client.request('POST', `${base}/Groups`, groupBody(displayName, memberIds)), 201);
    },
  };
  return client;
}

/** Creates the tenant (with its first token) through the same service the CLI and admin API use. */
export async function createTenant(server: TestServer, tenant: string): Promise<TenantClient> {
  const created = await server.scimitar.tenants.create(tenant, { name: `${tenant} corp` });
  return clientFor(server, tenant, created.firstToken.token, created.firstToken.summary.id);
}

/** A mutable clock for `build(env, { now })`. */
export class TestClock {
  private current: number;
  constructor(start = '2030-01-01T00:00:00.000Z') {
    this.current = Date.parse(start);
  }
  readonly now = (): Date => new Date(this.current);
  advance(ms: number): void {
    this.current += ms;
  }
}

export const SECOND = 1000;
export const HOUR = 3_600_000;

/** Retries `check` until it passes or `timeoutMs` runs out (for writes a request does not wait for). */
export async function eventually(check: () => Promise<void>, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await check();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }
}
