/**
 * The storage port. The services call only this interface; SQLite,
 * PostgreSQL and a host app's own tables are adapters behind it, all held to
 * the same contract suite (test/store-contract).
 *
 * Every read and write is scoped by `tenantId` (one customer directory);
 * a resource of another tenant is indistinguishable from a missing one.
 */
import type { AppTransaction } from '../events/app-transaction.js';
import type { FilterNode } from '../core/filter/ast.js';
import type { ResolvedAttribute, ResourceSchemas } from '../core/schema/registry.js';
import type { ResourceTypeName } from '../core/schema/attribute.js';
import type { NewEvent, ScimitarEvent } from '../events/event.js';
import type { RequestLogStore } from '../request-log/entry.js';
import type { OAuthClientStore } from './oauth-client-store.js';
import type { RoleStore } from './role-store.js';
import type { DeletionStore } from './deletion-store.js';
import type { SqlReadAccess } from './sql/read-access.js';
import type { SchemaDeclarationStore } from './schema-declarations.js';
import type { SetupLinkStore } from './setup-link-store.js';
import type { TenantHealthStore } from './tenant-health-store.js';
import type { WebhookStore } from './webhook-store.js';

/** A resource's attributes in canonical case, as JSON (no id, no meta). */
export type ResourceAttributes = Record<string, unknown>;

export interface StoredResource {
  readonly tenantId: string;
  readonly resourceType: ResourceTypeName;
  readonly id: string;
  /**
   * Everything the client owns: `schemas`, `externalId`, core attributes and
   * extension objects under their URN keys. Never `id`, `meta`, `password`,
   * a Group's `members` (rows in the membership table) or a User's computed
   * `groups`.
   */
  readonly attributes: ResourceAttributes;
  /** ISO 8601 with milliseconds and `Z`. */
  readonly created: string;
  readonly lastModified: string;
  /** Starts at 1, +1 on every change (membership changes of a Group included). */
  readonly version: number;
}

/** A member's resource type: one whose facts say it can be a member (resource-types.ts `asMember`). */
export type MemberType = ResourceTypeName;

export interface MemberRef {
  readonly value: string;
  readonly type: MemberType;
}

/** A member as read back: `display` comes from the member resource (User displayName ?? userName, Group displayName). */
export interface StoredMember extends MemberRef {
  readonly display: string | undefined;
}

/** A group a User belongs to, directly or through nested groups. */
export interface GroupMembership {
  readonly value: string;
  readonly display: string | undefined;
  readonly type: 'direct' | 'indirect';
}

export interface SortSpec {
  /** A singular attribute, or a multi-valued one (then its primary value sorts; §3.4.2.3). */
  readonly attribute: ResolvedAttribute;
  readonly order: 'ascending' | 'descending';
}

export interface ListQuery {
  /**
   * The schemas of the listed type as the request resolved them (a tenant
   * may have its own): the filter's and sortBy's attributes are read
   * against these, never against schemas the store captured.
   */
  readonly schemas: ResourceSchemas;
  readonly filter: FilterNode | undefined;
  readonly sort: SortSpec | undefined;
  /** 1-based, already clamped to ≥ 1. Unused with `keyset`. */
  readonly startIndex: number;
  /** Already clamped to [0, maxPageSize]; 0 means "only count". */
  readonly count: number;
  /**
   * Keyset paging (RFC 9865 cursors): the page is read from a position in
   * the sort order (`WHERE (sortKey, id) > (…)`), never by OFFSET, so it
   * costs the same anywhere in the result. No position: the first page.
   * Only singular attributes can be keyset sort keys; other sortBy values
   * are `400 invalidValue`.
   */
  readonly keyset?: { readonly position: KeysetPosition | undefined };
  /**
   * Also read each listed resource's groups (listMemberships), in the page's
   * own statement where the store can: for a page in the default order
   * without keyset paging. The result then holds `memberships`.
   */
  readonly withMemberships?: boolean;
}

/** A sort key value as the database returned it; null when the resource has no value for the sort attribute. */
export type SortKeyValue = string | number | boolean | null;

/** A row's place in the sort order: its sort key (undefined without sortBy, ordered by id) and id. */
export interface KeysetBoundary {
  readonly sortValue: SortKeyValue | undefined;
  readonly id: string;
}

/** Read the page strictly after, or strictly before, this row's place. */
export interface KeysetPosition extends KeysetBoundary {
  readonly direction: 'after' | 'before';
}

/** What a keyset page needs to link to its neighbours. */
export interface KeysetPage {
  /** The first and last rows of the page (undefined when it is empty). */
  readonly first: KeysetBoundary | undefined;
  readonly last: KeysetBoundary | undefined;
  /** Whether rows matching the query lie after the page / before it. */
  readonly hasNext: boolean;
  readonly hasPrevious: boolean;
}

export interface ListResult {
  /** Number of resources matching the filter, whatever the page. */
  readonly totalResults: number;
  readonly resources: readonly StoredResource[];
  /** Present exactly when the query asked for keyset paging. */
  readonly keyset?: KeysetPage;
  /** listMemberships of every resource of the page, when the query asked withMemberships and the store read them with the page. */
  readonly memberships?: ReadonlyMap<string, readonly GroupMembership[]>;
}

export interface NewResource {
  readonly tenantId: string;
  readonly resourceType: ResourceTypeName;
  readonly id: string;
  readonly attributes: ResourceAttributes;
  /** A password hash (never the cleartext) for Users that set one. */
  readonly passwordHash: string | undefined;
  /** ISO 8601 timestamp used for both created and lastModified. */
  readonly now: string;
}

export interface ResourceUpdate {
  readonly tenantId: string;
  readonly resourceType: ResourceTypeName;
  readonly id: string;
  readonly attributes: ResourceAttributes;
  /** undefined: keep the stored hash; null: clear it; string: the new hash. */
  readonly passwordHash: string | null | undefined;
  /** The version the caller read; the update fails with 412 if it changed meanwhile. */
  readonly expectedVersion: number;
  /** True when the caller knows `emails` did not change: their index rows are then left as they are. */
  readonly emailsUnchanged?: boolean;
  readonly now: string;
}

/** A resource and the groups it belongs to, read together. */
export interface ResourceWithMemberships {
  readonly resource: StoredResource;
  readonly memberships: readonly GroupMembership[];
}

/** Reads, outside or inside a transaction. */
export interface StoreReader {
  getResource(tenantId: string, resourceType: ResourceTypeName, id: string): Promise<StoredResource | undefined>;
  /** getResource with listMemberships of the resource, read together (one statement unless its groups are nested). */
  getResourceWithMemberships(tenantId: string, resourceType: ResourceTypeName, id: string): Promise<ResourceWithMemberships | undefined>;
  /** Filter, sort and page in the database. Throws `400 invalidFilter` for what it cannot express. */
  listResources(tenantId: string, resourceType: ResourceTypeName, query: ListQuery): Promise<ListResult>;
  /** All members of a group, ordered by member id. */
  listMembers(tenantId: string, groupId: string): Promise<readonly StoredMember[]>;
  /** At most `limit` members with an id after `afterMemberId` ('' for the first page), ordered by member id: a keyset page. */
  listMembersPage(tenantId: string, groupId: string, afterMemberId: string, limit: number): Promise<readonly StoredMember[]>;
  /** The groups a resource (User or Group) belongs to, direct and through nesting. */
  listMemberships(tenantId: string, memberId: string): Promise<readonly GroupMembership[]>;
  /** listMemberships of many members in one statement (a page of Users), by member id; members in no group map to []. */
  listMembershipsOfMany(tenantId: string, memberIds: readonly string[]): Promise<ReadonlyMap<string, readonly GroupMembership[]>>;
  /** Of these ids, which exist in the tenant, and as what. */
  findResourceTypes(tenantId: string, ids: readonly string[]): Promise<ReadonlyMap<string, ResourceTypeName>>;
}

/** Writes; every method runs inside the transaction that created the writer. */
export interface StoreWriter extends StoreReader {
  /** Throws `409 uniqueness` when a unique attribute (userName) is taken in the tenant. */
  insertResource(resource: NewResource): Promise<StoredResource>;
  /** Throws `404` when gone, `412` when the version moved on, `409 uniqueness` on a taken userName. */
  updateResource(update: ResourceUpdate): Promise<StoredResource>;
  /** Bumps version and lastModified only (e.g. after a membership change). */
  touchResource(tenantId: string, resourceType: ResourceTypeName, id: string, expectedVersion: number, now: string): Promise<StoredResource>;
  /**
   * Deletes the resource and every membership row that names it (as group or
   * as member); the groups that lose it as a member get a new version and
   * lastModified `now`, since their `members` changed. Returns undefined if
   * absent, else those groups as they are after the change.
   */
  deleteResource(tenantId: string, resourceType: ResourceTypeName, id: string, now: string): Promise<DeletedResource | undefined>;
  /** Adds members; ones already present are left alone. Returns the members actually added. */
  addMembers(tenantId: string, groupId: string, members: readonly MemberRef[]): Promise<readonly MemberRef[]>;
  /** Removes exactly these member ids. Returns the members actually removed. */
  removeMembers(tenantId: string, groupId: string, memberIds: readonly string[]): Promise<readonly MemberRef[]>;
  /** Removes every member of the group. Returns the members removed. */
  removeAllMembers(tenantId: string, groupId: string): Promise<readonly MemberRef[]>;
  /**
   * Records the events of this transaction's changes (the outbox), giving
   * them the tenant's next sequence numbers in order. Call it last in the
   * transaction: on PostgreSQL it locks the tenant's sequence row until
   * commit, which is what makes sequence order commit order.
   */
  appendEvents(events: readonly NewEvent[]): Promise<readonly ScimitarEvent[]>;
  /** The stored password hash of a User, if any (for services that verify it). */
  getPasswordHash(tenantId: string, id: string): Promise<string | undefined>;
  /** The embedding app's handle on this transaction (its in-transaction hook writes the app's rows through it). */
  appTransaction(): AppTransaction;
  /** The embedding app's user ids linked to these Users (src/store/sql/app-user-links.ts); Users without a link are absent. */
  appUserIds(tenantId: string, userIds: readonly string[]): Promise<ReadonlyMap<string, string>>;
  /** Removes the links of Users this transaction deletes. */
  unlinkAppUsers(tenantId: string, userIds: readonly string[]): Promise<void>;
}

/** What a delete changed besides removing the resource. */
export interface DeletedResource {
  /** The groups that had it as a direct member, with their new version. */
  readonly groupsLosingMember: readonly StoredResource[];
}

/** Where a tenant's event sequence stands. */
export interface EventPosition {
  /** The last sequence given out; 0 before the first event. */
  readonly lastSequence: number;
  /** Events up to this sequence were removed by retention; 0 if none. */
  readonly prunedThrough: number;
}

/** Reading and pruning the outbox (written by StoreWriter.appendEvents). */
export interface EventStore {
  /** The tenant's events with sequence > afterSequence, in sequence order, at most `limit`. */
  listEvents(tenantId: string, afterSequence: number, limit: number): Promise<readonly ScimitarEvent[]>;
  position(tenantId: string): Promise<EventPosition>;
  /**
   * Removes events that occurred before `before`, except those a webhook of
   * their tenant has not yet turned into deliveries. Returns how many.
   */
  prune(before: string): Promise<number>;
}

/** A change to a resource as its history lists it: the event, and the request that caused it. */
export interface HistoryRecord {
  readonly event: ScimitarEvent;
  /** The id of the HTTP request that wrote the event; null for changes made outside HTTP (the CLI, an embedding app). */
  readonly requestId: string | null;
}

/** A resource's past from the outbox: every retained event about it, in sequence order, with the request id each was written under. */
export interface EventHistoryStore {
  history(tenantId: string, resourceId: string, afterSequence: number, limit: number): Promise<readonly HistoryRecord[]>;
}

export interface Store {
  /** Which database; code that needs to know more than the name reads the dialect's facts (`sql.dialect`). */
  readonly dialect: 'sqlite' | 'postgres' | 'mysql';
  readonly reader: StoreReader;
  readonly tenants: TenantStore;
  readonly events: EventStore;
  /** The per-tenant request log (src/request-log). */
  readonly requestLog: RequestLogStore;
  readonly eventHistory: EventHistoryStore;
  readonly webhooks: WebhookStore;
  /** Each tenant's declared extension schemas and its policy for undeclared ones. */
  readonly schemaDeclarations: SchemaDeclarationStore;
  /** Group → role mapping: the rules and users' effective roles (src/roles). */
  readonly roles: RoleStore;
  /** The delete policy's settings and the users it keeps (src/services/deletion). */
  readonly deletions: DeletionStore;
  /** Links to tenants' setup portals (src/setup-links). */
  readonly setupLinks: SetupLinkStore;
  /** Tenants' OAuth 2.0 clients, their secrets and the access tokens they issued (src/oauth). */
  readonly oauthClients: OAuthClientStore;
  /** The facts of the tenant health overview (src/tenant-health), for all tenants in a few statements. */
  readonly tenantHealth: TenantHealthStore;
  /** Statements built with the SQL fragment builder, snapshots, and the store's health (reports, metrics). */
  readonly sql: SqlReadAccess;
  /** The schema migrations: those this open applied, and the version the database is now at. */
  readonly migrations: { readonly applied: readonly number[]; readonly version: number };
  /**
   * Runs `work` in one database transaction: all of its writes commit
   * together or not at all (a thrown error rolls everything back).
   * Transactions are serialised where the database needs it (SQLite).
   */
  transaction<T>(work: (writer: StoreWriter) => Promise<T>): Promise<T>;
  /**
   * Tells this process when tokens or tenants may have changed anywhere
   * (another instance, the CLI), for caches of authenticated tokens.
   * Undefined when the database gives no such signal: then nothing may be
   * cached, and every request reads its token row.
   */
  readonly credentialChanges: CredentialChanges | undefined;
  /** Cheap round trip to the database, for readiness checks. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/**
 * A signal that credentials changed. While `live` is false (not yet, or no
 * longer, listening) changes may be missed, so a cache must not answer;
 * `subscribe`'s listener is called at every change and whenever `live`
 * changes, and after it a cache must forget everything.
 */
export interface CredentialChanges {
  readonly live: boolean;
  /** Returns the function that unsubscribes. */
  subscribe(listener: () => void): () => void;
}

/** A bearer token as stored: only a hash of the secret, never the secret itself. */
export interface StoredToken {
  readonly id: string;
  readonly tenantId: string;
  readonly name: string;
  /** The first characters of the token, safe to show in listings. */
  readonly prefix: string;
  readonly hash: string;
  readonly createdAt: string;
  readonly expiresAt: string | undefined;
  readonly revokedAt: string | undefined;
  readonly lastUsedAt: string | undefined;
  /** The setup link through which the customer's IT admin created the token in the setup portal; undefined for the operator's. */
  readonly setupLinkId: string | undefined;
}

export interface NewToken {
  readonly id: string;
  readonly tenantId: string;
  readonly name: string;
  readonly prefix: string;
  readonly hash: string;
  readonly createdAt: string;
  readonly expiresAt: string | undefined;
  /** See StoredToken.setupLinkId; left out, none. */
  readonly setupLinkId?: string | undefined;
}

export interface StoredTenant {
  /** The tenant's slug, used in its base URL /t/{id}/scim/v2: lowercase letters, digits and dashes. */
  readonly id: string;
  readonly name: string;
  readonly createdAt: string;
}

/** An operator key for the admin API: only a hash is stored, like bearer tokens. */
export interface StoredAdminKey {
  readonly id: string;
  readonly name: string;
  readonly prefix: string;
  readonly hash: string;
  readonly createdAt: string;
  readonly revokedAt: string | undefined;
  readonly lastUsedAt: string | undefined;
}

export interface NewAdminKey {
  readonly id: string;
  readonly name: string;
  readonly prefix: string;
  readonly hash: string;
  readonly createdAt: string;
}

/** When a token last authenticated a request. */
export interface TokenUse {
  readonly tokenId: string;
  readonly usedAt: string;
}

/** Tenants, their tokens, and the operators' admin keys. */
export interface TenantStore {
  /** Creates the tenant row if missing (idempotent). */
  ensureTenant(tenantId: string, name: string, now: string): Promise<void>;
  /** Creates a tenant; `409 uniqueness` when the id is taken. */
  createTenant(tenantId: string, name: string, now: string): Promise<StoredTenant>;
  getTenant(tenantId: string): Promise<StoredTenant | undefined>;
  /** All tenants, ordered by id. */
  listTenants(): Promise<readonly StoredTenant[]>;
  /** Deletes the tenant and everything in it (users, groups, memberships, tokens) in one transaction. False if absent. */
  deleteTenant(tenantId: string): Promise<boolean>;
  /** How many Users and Groups the tenant holds. */
  countResources(tenantId: string): Promise<{ readonly users: number; readonly groups: number }>;

  insertToken(token: NewToken): Promise<void>;
  findTokenByHash(hash: string): Promise<StoredToken | undefined>;
  listTokens(tenantId: string): Promise<readonly StoredToken[]>;
  revokeToken(tenantId: string, tokenId: string, now: string): Promise<boolean>;
  /** Sets a token's expiry (rotation: the old token keeps working until then). False if absent. */
  expireToken(tenantId: string, tokenId: string, expiresAt: string): Promise<boolean>;
  markTokenUsed(tokenId: string, now: string): Promise<void>;
  /** markTokenUsed of several tokens in one write: the authenticator gathers last uses and writes them together. */
  markTokensUsed(uses: readonly TokenUse[]): Promise<void>;

  insertAdminKey(key: NewAdminKey): Promise<void>;
  findAdminKeyByHash(hash: string): Promise<StoredAdminKey | undefined>;
  listAdminKeys(): Promise<readonly StoredAdminKey[]>;
  revokeAdminKey(keyId: string, now: string): Promise<boolean>;
  markAdminKeyUsed(keyId: string, now: string): Promise<void>;
}
