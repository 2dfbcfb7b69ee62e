/**
 * Shared by the webhook suites: a real store of either kind, events written
 * into the outbox, and a real HTTP receiver on 127.0.0.1 that records what
 * it receives and answers as the test says.
 */
import { createHmac, randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createDefaultRegistry } from '../../src/core/schema/registry.js';
import type { EventType, NewEvent, ScimitarEvent } from '../../src/events/event.js';
import { openMysqlStore } from '../../src/store/mysql/index.js';
import { openPostgresStore } from '../../src/store/postgres/index.js';
import { openSqliteStore } from '../../src/store/sqlite/index.js';
import type { Store } from '../../src/store/store.js';
import type { WebhookSettings } from '../../src/config/config.js';
import type { RetrySettings } from '../../src/webhooks/retry-policy.js';
import { WebhookDispatcher } from '../../src/webhooks/dispatcher.js';
import { SecretBox } from '../../src/webhooks/secret-box.js';
import { databaseAvailableFor, databaseUnavailableReason, databaseRequired, freshDatabase, type DatabaseKind, type FreshDatabase } from '../helpers/fresh-database.js';

export type StoreKind = DatabaseKind;

/** The stores every store-level webhook test runs on: SQLite always, PostgreSQL and MariaDB when they answer (required in CI). */
export async function storeKinds(): Promise<StoreKind[]> {
  const kinds: StoreKind[] = ['sqlite'];
  if ((await databaseUnavailableReason('postgres')) === undefined) kinds.push('postgres');
  else if (databaseRequired('postgres')) throw new Error('PostgreSQL is required (SCIMITAR_REQUIRE_POSTGRES=1) but does not answer');
  else console.warn('Skipping the PostgreSQL runs of the webhook suites: PostgreSQL does not answer');
  if (await databaseAvailableFor('mariadb', 'the MariaDB runs of the webhook suites')) kinds.push('mariadb');
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

/** How each kind opens a store on a fresh database (PostgreSQL: a schema of its own). */
const OPENERS: { readonly [Kind in StoreKind]: (database: FreshDatabase<Kind>) => Promise<Store> } = {
  sqlite: (database) => openSqliteStore({ ...database.storeOptions, registry }),
  postgres: (database) => openPostgresStore({ ...database.storeOptions, registry, poolSize: 6 }),
  mariadb: (database) => openMysqlStore({ ...database.storeOptions, poolSize: 6 }),
};

export async function openTestStore<Kind extends StoreKind>(kind: Kind): Promise<OpenedStore> {
  const database = await freshDatabase(kind, { prefix: 'scimitar_webhooks', postgres: 'schema' });
  const open = () => (OPENERS[kind] as (database: FreshDatabase<Kind>) => Promise<Store>)(database);
  const stores = [await open()];
  const sqliteFile = 'filename' in database.storeOptions ? database.storeOptions.filename : undefined;
  return {
    store: stores[0]!,
    ...(sqliteFile === undefined ? {} : { sqliteFile }),
    another: async () => {
      const opened = await open();
      stores.push(opened);
      return opened;
    },
    close: async () => {
      for (const opened of stores) await opened.close();
      await database.drop();
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
  /**
   * Drop the next request that comes on a kept-alive connection (one that
   * served a request before) by closing that connection unanswered, as a
   * receiver closing an idle connection just as a request arrives does.
   */
  dropNextOnReusedConnection = false;
  private readonly server: http.Server;
  private readonly sockets = new Set<import('node:net').Socket>();
  private readonly requestsBySocket = new WeakMap<import('node:net').Socket, number>();

  constructor() {
    this.server = http.createServer((request, response) => {
      const served = this.requestsBySocket.get(request.socket) ?? 0;
      this.requestsBySocket.set(request.socket, served + 1);
      if (this.dropNextOnReusedConnection && served > 0) {
        this.dropNextOnReusedConnection = false;
        request.socket.destroy();
        return;
      }
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

/** Webhook settings for the delivery suites: private http receivers allowed, 2 s timeouts, retries from 1 s. */
export const TEST_WEBHOOK_SETTINGS: WebhookSettings = {
  allowPrivate: true,
  allowedHosts: [],
  allowHttp: true,
  timeoutMs: 2_000,
  maxAttempts: 20,
  maxAgeHours: 24,
  pollIntervalMs: 60_000,
  concurrency: 8,
  retryBaseMs: 1_000,
  retryMaxMs: 60_000,
};

/** A logger that says nothing, for dispatchers under test. */
export const silentLogger = { warn: () => undefined, error: () => undefined };

/**
 * A dispatcher for the tests of stopping: it would wait a minute for an
 * answer, but on stop gives in-flight requests 100 ms before aborting them.
 */
export function dispatcherStoppingSoon(store: Store, options: { readonly serverSecret: string; readonly retry: RetrySettings; readonly now: () => Date }): WebhookDispatcher {
  return new WebhookDispatcher({
    webhooks: store.webhooks,
    notifier: undefined,
    logger: silentLogger,
    attempt: {
      secrets: new SecretBox(options.serverSecret),
      send: { timeoutMs: 60_000, policy: { allowPrivate: true, allowedHosts: [] }, excerptBytes: 1024 },
      retry: options.retry,
      userAgent: 'Scimitar-Webhooks/test',
      now: options.now,
      random: () => 0.5,
    },
    consumers: new Map(),
    consumerAttempt: { baseDelayMs: 100, maxDelayMs: 1_000, now: options.now, random: () => 0.5 },
    settings: { deliverWebhooks: true, pollIntervalMs: 60_000, concurrency: 8, claimBatch: 256, leaseMs: 3_600_000, attemptWindowMs: 65_000, shutdownGraceMs: 100, deliveryRetentionMs: 86_400_000 },
  });
}
