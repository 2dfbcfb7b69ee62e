/**
 * The store, composed once for every database: a driver (sessions,
 * transactions with their retry and commit check, snapshots, health) and
 * the store parts (resource reads and writes, tenants, events, webhooks,
 * request log). openSqliteStore and openPostgresStore only open the
 * connections, migrate, and hand both over.
 */
import type { ResourceTypeName } from '../../core/schema/attribute.js';
import type { RequestLogStore } from '../../request-log/entry.js';
import type { CredentialChanges, EventHistoryStore, EventStore, ListQuery, Store, StoreReader, StoreWriter, TenantStore } from '../store.js';
import type { RoleStore } from '../role-store.js';
import type { DeletionStore } from '../deletion-store.js';
import type { WebhookStore } from '../webhook-store.js';
import type { SchemaDeclarationStore } from '../schema-declarations.js';
import type { SetupLinkStore } from '../setup-link-store.js';
import { driverReadAccess, type SqlReadAccess } from './read-access.js';
import type { SqlDriver, SqlSession } from './session.js';

/** The query plans of a list request's statements, for index checks. */
export interface ListPlans {
  readonly count: string[];
  readonly page: string[];
}

/** Resource reads, plus the plans of a list request (tests of the indexes). */
export interface SqlStoreReader extends StoreReader {
  explainList(tenantId: string, resourceType: ResourceTypeName, query: ListQuery): Promise<ListPlans>;
}

/** The resource writer of one transaction. */
export interface TransactionWriter extends StoreWriter {
  /**
   * Writes what the writer kept for the end of the transaction (the
   * resource counts), just before COMMIT; throws instead the failure of an
   * earlier statement of the writer, which the callback may have caught.
   */
  flushCounts(): Promise<void> | void;
  /** The transaction has ended: the writer refuses every further call. */
  end(): void;
}

export interface SqlStoreParts {
  readonly reader: SqlStoreReader;
  readonly tenants: TenantStore;
  readonly events: EventStore;
  readonly webhooks: WebhookStore;
  readonly requestLog: RequestLogStore;
  readonly eventHistory: EventHistoryStore;
  readonly schemaDeclarations: SchemaDeclarationStore;
  readonly roles: RoleStore;
  readonly deletions: DeletionStore;
  readonly setupLinks: SetupLinkStore;
  /** A resource writer on the session of a transaction just begun. */
  writer(session: SqlSession): TransactionWriter;
}

export interface SqlStoreSettings {
  readonly driver: SqlDriver;
  readonly parts: SqlStoreParts;
  readonly migrations: { readonly applied: readonly number[]; readonly version: number };
  /** Undefined when the database sends no signal (SQLite: another process on the file sends none). */
  readonly credentialChanges: CredentialChanges | undefined;
}

export class SqlStore implements Store {
  readonly dialect: Store['dialect'];
  readonly reader: SqlStoreReader;
  readonly tenants: TenantStore;
  readonly events: EventStore;
  readonly webhooks: WebhookStore;
  readonly requestLog: RequestLogStore;
  readonly eventHistory: EventHistoryStore;
  readonly schemaDeclarations: SchemaDeclarationStore;
  readonly roles: RoleStore;
  readonly deletions: DeletionStore;
  readonly setupLinks: SetupLinkStore;
  readonly credentialChanges: CredentialChanges | undefined;
  readonly migrations: { readonly applied: readonly number[]; readonly version: number };
  readonly sql: SqlReadAccess;
  protected readonly driver: SqlDriver;
  private readonly parts: SqlStoreParts;
  constructor(settings: SqlStoreSettings) {
    this.driver = settings.driver;
    this.parts = settings.parts;
    this.dialect = settings.driver.dialect.name;
    this.reader = settings.parts.reader;
    this.tenants = settings.parts.tenants;
    this.events = settings.parts.events;
    this.webhooks = settings.parts.webhooks;
    this.requestLog = settings.parts.requestLog;
    this.eventHistory = settings.parts.eventHistory;
    this.schemaDeclarations = settings.parts.schemaDeclarations;
    this.roles = settings.parts.roles;
    this.deletions = settings.parts.deletions;
    this.setupLinks = settings.parts.setupLinks;
    this.credentialChanges = settings.credentialChanges;
    this.migrations = settings.migrations;
    this.sql = driverReadAccess(settings.driver);
  }

  async transaction<T>(work: (writer: StoreWriter) => Promise<T>): Promise<T> {
    // The driver's own look at the async context (one per transaction is enough): inside any
    // running transaction, `current()` is that transaction's session, not the committed one.
    if (this.driver.current() !== this.driver.committed()) {
      throw new TypeError('store.transaction was called inside a transaction; use the writer passed to the outer callback');
    }
    // A new writer per attempt: a transaction the database aborted is run again from scratch.
    const attempt: { writer?: TransactionWriter } = {};
    try {
      return await this.driver.write(async (session) => {
        attempt.writer?.end();
        const writer = this.parts.writer(session);
        attempt.writer = writer;
        const result = await work(writer);
        // The count rows last, so their row locks are held only for the commit. A writer
        // whose statement failed (the callback swallowed it) throws that failure here, as
        // its caller was told it (a taken userName is a 409, not a database error).
        await writer.flushCounts();
        return result;
      });
    } finally {
      attempt.writer?.end();
    }
  }

  /** See SqlStoreReader.explainList. */
  explainList(tenantId: string, resourceType: ResourceTypeName, query: ListQuery): Promise<ListPlans> {
    return this.reader.explainList(tenantId, resourceType, query);
  }

  ping(): Promise<void> {
    return this.driver.ping();
  }

  /** Waits for the transactions and statements under way, then closes every connection. */
  close(): Promise<void> {
    return this.driver.close();
  }
}
