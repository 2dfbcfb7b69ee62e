/**
 * Shared by the webhook suites: a real store of either kind, events written
 * into the outbox, and a real HTTP receiver on 127.0.0.1 that records what
 * it receives and answers as the test says.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createDefaultRegistry } from '../../src/core/schema/registry.js';
import type { EventType, NewEvent, ScimitarEvent } from '../../src/events/event.js';
import { openMysqlStore } from '../../src/store/mysql/index.js';
import { openPostgresStore } from '../../src/store/postgres/index.js';
import { openSqliteStore } from '../../src/store/sqlite/index.js';
import type { Store } from '../../src/store/store.js';
import { createTestDatabase, mariadbAvailableFor } from '../store-contract/mariadb-support.js';
import { createTestSchema, dropTestSchema, isPostgresAvailable, postgresRequired, postgresTestUrl } from '../store-contract/postgres-support.js';

export type StoreKind = 'sqlite' | 'postgres' | 'mariadb';

/** The stores every store-level webhook test runs on: SQLite always, PostgreSQL and MariaDB when they answer (required in CI). */
export async function storeKinds(): Promise<StoreKind[]> {
  const kinds: StoreKind[] = ['sqlite'];
  if (await isPostgresAvailable()) kinds.push('postgres');
  else if (postgresRequired()) throw new Error('PostgreSQL is required (SCIMITAR_REQUIRE_POSTGRES=1) but does not answer');
  else console.warn('Skipping the PostgreSQL runs of the webhook suites: PostgreSQL does not answer');
  if (await mariadbAvailableFor('the MariaDB runs of the webhook suites')) kinds.push('mariadb');
  return kinds;
}

export interface OpenedStore {
  readonly store: Store;
  /** The SQLite file, for looking below the store (query plans). */
  readonly sqliteFile?: string;
  /** Another store on the same database (a second instance). */
  another(): Promise<Store>;
  close(): Promise<void>;
}

const registry = createDefaultRegistry();

export async function openTestStore(kind: StoreKind): Promise<OpenedStore> {
  const extra: Store[] = [];
  if (kind === 'sqlite') {
    const directory = mkdtempSync(path.join(tmpdir(), 'scimitar-webhooks-'));
    const filename = path.join(directory, 'scimitar.db');
    const store = await openSqliteStore({ filename, registry });
    return {
      store,
      sqliteFile: filename,
      another: async () => {
        const opened = await openSqliteStore({ filename, registry });
        extra.push(opened);
        return opened;
      },
      close: async () => {
        for (const opened of [store, ...extra]) await opened.close();
        rmSync(directory, { recursive: true, force: true });
      },
    };
  }
  if (kind === 'mariadb') {
    const database = await createTestDatabase('scimitar_webhooks');
    const store = await openMysqlStore({ url: database.url, poolSize: 6 });
    return {
      store,
      another: async () => {
        const opened = await openMysqlStore({ url: database.url, poolSize: 6 });
        extra.push(opened);
        return opened;
      },
      close: async () => {
        for (const opened of [store, ...extra]) await opened.close();
        await database.drop();
      },
    };
  }
  const schema = await createTestSchema('scimitar_webhooks');
  const store = await openPostgresStore({ url: postgresTestUrl(), registry, schema, poolSize: 6 });
  return {
    store,
    another: async () => {
      const opened = await openPostgresStore({ url: postgresTestUrl(), registry, schema, poolSize: 6 });
      extra.push(opened);
      return opened;
    },
    close: async () => {
      for (const opened of [store, ...extra]) await opened.close();
      await dropTestSchema(schema);
    },
  };
}

export const TENANT = 'acme';
export const T0 = new Date('2030-01-01T00:00:00.000Z');

export interface EventSpec {
  readonly type?: EventType;
  readonly resourceId?: string;
  readonly resourceType?: 'User' | 'Group';
}

/** Commits one transaction's events for the tenant (ensured first); returns them numbered. */
export async function commitEvents(store: Store, specs: readonly EventSpec[], tenantId = TENANT, at: Date = T0): Promise<readonly ScimitarEvent[]> {
  await store.tenants.ensureTenant(tenantId, tenantId, at.toISOString());
  const events: NewEvent[] = specs.map((spec) => {
    const resourceId = spec.resourceId ?? randomUUID();
    const resourceType = spec.resourceType ?? 'User';
    return {
      id: randomUUID(),
      type: spec.type ?? 'user.updated',
      timestamp: at.toISOString(),
      tenant: tenantId,
      resourceType,
      resourceId,
      externalId: null,
      requestId: null,
      data: { resource: { id: resourceId, schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: `${resourceId}@example.com` } },
    };
  });
  return store.transaction((writer) => writer.appendEvents(events));
}

/** A clock the test moves by hand. */
export class ManualClock {
  private current: number;
  constructor(start: Date = T0) {
    this.current = start.getTime();
  }
  readonly now = (): Date => new Date(this.current);
  advance(ms: number): void {
    this.current += ms;
  }
}

export interface ReceivedRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
}

export interface Reply {
  readonly status: number;
  readonly headers?: Record<string, string>;
  readonly body?: string;
  /** Never answer (the sender must time out). */
  readonly hang?: boolean;
  /** Answer after this long. */
  readonly delayMs?: number;
}

/** A real HTTP server on 127.0.0.1 recording every request; `respond` decides each answer (default 200). */
export class Receiver {
  readonly received: ReceivedRequest[] = [];
  /** TCP connections accepted, whether or not a request followed. */
  connections = 0;
  respond: (request: ReceivedRequest, index: number) => Reply = () => ({ status: 200, body: 'ok' });
  private readonly server: http.Server;
  private readonly sockets = new Set<import('node:net').Socket>();

  constructor() {
    this.server = http.createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const received: ReceivedRequest = { method: request.method ?? '', url: request.url ?? '', headers: request.headers, body: Buffer.concat(chunks).toString('utf8') };
        this.received.push(received);
        const reply = this.respond(received, this.received.length - 1);
        if (reply.hang) return;
        setTimeout(() => {
          response.writeHead(reply.status, reply.headers);
          response.end(reply.body ?? '');
        }, reply.delayMs ?? 0);
      });
    });
    this.server.on('connection', (socket) => {
      this.connections += 1;
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
  }

  async listen(port = 0): Promise<this> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => resolve());
    });
    return this;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  url(pathname = '/hook'): string {
    return `http://127.0.0.1:${this.port}${pathname}`;
  }

  /** The events received, parsed, in arrival order. */
  events(): ScimitarEvent[] {
    return this.received.map((request) => JSON.parse(request.body) as ScimitarEvent);
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/**
 * Standard Webhooks verification written here from the spec, independently
 * of the sender's library: HMAC-SHA256 over `${id}.${timestamp}.${body}`
 * keyed with the base64-decoded secret, compared with each `v1,` signature.
 */
export function verifiesWith(secret: string, request: ReceivedRequest): boolean {
  const id = String(request.headers['webhook-id']);
  const timestamp = String(request.headers['webhook-timestamp']);
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const expected = createHmac('sha256', key).update(`${id}.${timestamp}.${request.body}`).digest('base64');
  return String(request.headers['webhook-signature'])
    .split(' ')
    .some((signature) => signature === `v1,${expected}`);
}
