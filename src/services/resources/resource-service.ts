/**
 * The SCIM operations on resources (RFC 7644 §3.3–§3.6), independent of
 * HTTP. What differs between resource types (members, password, computed
 * groups, events) is read from their facts (core/schema/resource-types.ts). Each write is one store transaction: validation, version check,
 * row writes, membership rows and the change's events (the outbox) commit
 * together or not at all. A write that changes nothing writes nothing: no
 * new version, no event.
 */
import { randomUUID } from 'node:crypto';
import { assertIfMatch } from '../../core/etag/etag.js';
import { isScimError, scimErrors } from '../../core/errors/scim-error.js';
import { encodeCursor, type CursorPage, type ListRequest } from '../../core/list/index.js';
import { applyPatch, parsePatchRequest, planMembershipPatch, type PatchOperation } from '../../core/patch/index.js';
import { projectionIncludes, projectResource, type Projection } from '../../core/projection/index.js';
import { assertImmutableUnchanged, normalizeResource } from '../../core/resource/index.js';
import { jsonEqual } from '../../core/resource/json-value.js';
import type { ResourceTypeName } from '../../core/schema/attribute.js';
import type { ResourceSchemas, SchemaRegistry } from '../../core/schema/registry.js';
import type { SchemaResolver } from '../../core/schema/schema-resolver.js';
import type { MembersFacts, ResourceTypeFacts, ResourceTypes } from '../../core/schema/resource-types.js';
import type { NewEvent, ScimitarEvent } from '../../events/event.js';
import { APP_USER_RESOURCE_TYPE, EventHookRunner, type ExistingUserCandidate } from '../../events/hooks.js';
import { EventNotifier } from '../../events/notifier.js';
import type { GroupMembership, ResourceAttributes, Store, StoredMember, StoredResource, StoreReader, StoreWriter } from '../../store/store.js';
import { RoleTracking } from '../../roles/role-tracking.js';
import { DeletionService } from '../deletion/deletion-service.js';
import type { SafeguardTrip } from '../../events/event.js';
import type { PasswordHasher } from '../passwords.js';
import { withAppUserIds } from './app-user-ids.js';
import { applyMembershipSteps, MembershipChanges, replaceMembers, requestedMembers, resolveMembers } from './members.js';
import { streamGroupJson } from './member-stream.js';
import { findPatchPassword } from './patch-password.js';
import { formatETag, renderResource, resourceLocation } from './render.js';
import { createdEvent, deletedEvent, membershipEvents, updateEvents, type EventOrigin } from './resource-events.js';

/** Who is asking, and where their SCIM root is (for meta.location and $ref). */
export interface RequestContext {
  readonly tenantId: string;
  /** Absolute URL of the SCIM root, without trailing slash, e.g. https://host/scim/v2. */
  readonly baseUrl: string;
  /** The HTTP request's id (X-Request-Id), recorded with the change's events; absent outside HTTP. */
  readonly requestId?: string;
}

export interface ResourceServiceDependencies {
  readonly store: Store;
  /** Resolves each request's schemas from its tenant and resource type. */
  readonly schemas: SchemaResolver;
  readonly passwords: PasswordHasher;
  readonly now?: () => Date;
  readonly newId?: () => string;
  readonly maxPatchOperations?: number;
  /** Told after each commit that recorded events (wakes the webhook dispatcher and feed readers). */
  readonly notifier?: EventNotifier;
  /** The embedding app's in-process hooks. */
  readonly hooks?: EventHookRunner;
  /**
   * A Group GET whose members are more than this is streamed, its members
   * read this many at a time (default 1,000): see member-stream.ts.
   */
  readonly memberPageSize?: number;
  /** Told when a tenant's mass-deprovisioning safeguard trips (the log line). */
  readonly onSafeguardTripped?: (tenantId: string, trip: SafeguardTrip) => void;
}

/** What a write's callback produces: its result, and the events of its change (none if it changed nothing). */
interface Outcome<T> {
  readonly result: T;
  readonly events: readonly NewEvent[];
  /** Users whose roles the change may move that its events cannot name afterwards (a deleted group's users). */
  readonly roleHoldersBefore?: readonly string[];
}

export interface ResourceResponse {
  /** The resource, projected as the request asked. */
  readonly resource: Record<string, unknown>;
  /** The version returned, and its weak ETag. */
  readonly version: number;
  readonly etag: string;
  readonly location: string;
  /**
   * Set instead of a complete `resource` for a Group with more members than
   * a page (GET only): the whole representation as JSON text in chunks, to
   * be sent as it comes. `resource` then holds everything but `members`.
   */
  readonly streamedJson?: AsyncIterable<string>;
}

export interface GetOptions {
  /** Allow `streamedJson` (the caller can send a stream). */
  readonly streamLargeGroups?: boolean;
}

export interface ListResponseBody {
  readonly totalResults: number;
  readonly resources: readonly Record<string, unknown>[];
  /** With cursor paging (RFC 9865): the links to the neighbouring pages; nextCursor absent only on the last page. */
  readonly cursors?: CursorPage;
}

export class ResourceService {
  private readonly store: Store;
  private readonly schemaResolver: SchemaResolver;
  /** The facts of the types served: fixed at start-up, like the routes that serve them. */
  private readonly types: ResourceTypes;
  private readonly passwords: PasswordHasher;
  private readonly now: () => Date;
  private readonly newId: () => string;
  private readonly maxPatchOperations: number;
  private readonly notifier: EventNotifier;
  private readonly hooks: EventHookRunner;
  private readonly memberPageSize: number;
  private readonly roleTracking: RoleTracking;
  /** The delete policy and the safeguard, over the same store, notifier and hooks. */
  readonly deletions: DeletionService;

  constructor(dependencies: ResourceServiceDependencies) {
    this.store = dependencies.store;
    this.schemaResolver = dependencies.schemas;
    this.types = dependencies.schemas.resourceTypes;
    this.passwords = dependencies.passwords;
    this.now = dependencies.now ?? (() => new Date());
    this.newId = dependencies.newId ?? randomUUID;
    this.maxPatchOperations = dependencies.maxPatchOperations ?? 1000;
    this.notifier = dependencies.notifier ?? new EventNotifier();
    this.hooks = dependencies.hooks ?? new EventHookRunner({}, () => undefined);
    this.memberPageSize = dependencies.memberPageSize ?? 1000;
    this.roleTracking = new RoleTracking(dependencies.store.roles, dependencies.schemas);
    this.deletions = new DeletionService({
      store: this.store,
      schemas: this.schemaResolver,
      notifier: this.notifier,
      hooks: this.hooks,
      now: this.now,
      ...(dependencies.onSafeguardTripped !== undefined ? { onSafeguardTripped: dependencies.onSafeguardTripped } : {}),
      rolesRestored: async (writer, origin, userIds) => this.roleTracking.eventsOf(writer, origin, await this.store.roles.recompute(origin.tenantId, userIds)),
    });
  }

  /** The schemas a request of this tenant reads and writes this resource type with. */
  schemasFor(tenantId: string, type: ResourceTypeName): Promise<ResourceSchemas> {
    return this.schemaResolver.schemasFor(tenantId, type);
  }

  /** schemasFor's answer when the resolver has it at hand (the usual case), else undefined: callers then await schemasFor. */
  knownSchemasFor(tenantId: string, type: ResourceTypeName): ResourceSchemas | undefined {
    return this.schemaResolver.knownSchemasFor?.(tenantId, type);
  }

  /** Every schema and resource type this tenant sees (discovery: /Schemas, /ResourceTypes). */
  registryFor(tenantId: string): Promise<SchemaRegistry> {
    return this.schemaResolver.registryFor(tenantId);
  }

  /** The registered resource types (routes, bulk and the root search serve each). */
  get resourceTypes(): ResourceTypes {
    return this.types;
  }

  /** RFC 7644 §3.3: POST creates; the response is 201 with the new resource. */
  async create(context: RequestContext, type: ResourceTypeName, body: unknown, projection: Projection): Promise<ResourceResponse> {
    const schemas = this.knownSchemasFor(context.tenantId, type) ?? (await this.schemasFor(context.tenantId, type));
    const facts = schemas.resourceType;
    const { attributes, password } = normalizeResource(body, schemas);
    // Hash before the transaction: scrypt takes tens of milliseconds and must not hold the write lock.
    const passwordHash = facts.password && password !== undefined ? await this.passwords.hash(password) : undefined;
    const { members, ownAttributes } = withoutMembers(facts, attributes);
    const id = this.newId();
    const now = this.now().toISOString();
    return this.write(context, async (writer) => {
      const origin = this.origin(context, now);
      if (facts.members !== undefined) {
        const resolved = await resolveMembers(writer, this.types, context.tenantId, id, requestedMembers(members));
        const stored = await writer.insertResource({ tenantId: context.tenantId, resourceType: type, id, attributes: ownAttributes, passwordHash, now });
        const added = resolved.length > 0 ? await writer.addMembers(context.tenantId, id, resolved) : [];
        const events = [createdEvent(origin, schemas, stored), ...membershipEvents(origin, schemas, stored, { added, removed: [] })];
        return { result: await this.respond(writer, context, schemas, stored, projection), events };
      }
      // A user kept by the delete policy, re-created by its IdP with the same externalId, comes back under its id.
      const restored = await this.deletions.takeForRestore(context.tenantId, type, ownAttributes['externalId']);
      if (restored !== undefined) {
        const inserted = await writer.insertResource({ tenantId: context.tenantId, resourceType: type, id: restored.id, attributes: ownAttributes, passwordHash, now });
        const stored = await this.deletions.continueHistory(writer, restored, inserted);
        const events = this.deletions.restoredEvents(origin, schemas, restored, stored, passwordHash !== undefined);
        return { result: await this.respond(writer, context, schemas, stored, projection), events };
      }
      const appUserId = type === APP_USER_RESOURCE_TYPE ? await this.hooks.linkExistingUser(existingUserCandidate(context, ownAttributes), () => writer.appTransaction()) : undefined;
      const stored = await writer.insertResource({ tenantId: context.tenantId, resourceType: type, id, attributes: ownAttributes, passwordHash, now });
      if (appUserId !== undefined) await writer.appTransaction().linkUser(context.tenantId, id, appUserId);
      // A resource under a new id is in no group yet: nothing in this transaction added it to one.
      return { result: await this.respond(writer, context, schemas, stored, projection, NO_GROUPS), events: [createdEvent(origin, schemas, stored)] };
    });
  }

  /** RFC 7644 §3.4.1: GET of one resource. */
  async get(context: RequestContext, type: ResourceTypeName, id: string, projection: Projection, options: GetOptions = {}): Promise<ResourceResponse> {
    const schemas = this.knownSchemasFor(context.tenantId, type) ?? (await this.schemasFor(context.tenantId, type));
    const reader = this.store.reader;
    const { stored, groups } = await this.readWithGroups(reader, context, schemas, id, projection);
    if (!stored) throw await this.unlessTenantGone(context, notFound(schemas, id));
    const membersAttribute = schemas.resourceType.members?.attribute;
    if (options.streamLargeGroups === true && membersAttribute !== undefined && projectionIncludes(projection, schemas, membersAttribute)) {
      // One more than a page tells whether the group is larger than one.
      const firstPage = await reader.listMembersPage(context.tenantId, id, '', this.memberPageSize + 1);
      if (firstPage.length > this.memberPageSize) {
        const source = { reader, tenantId: context.tenantId, baseUrl: context.baseUrl, schemas, types: this.types, stored, projection, pageSize: this.memberPageSize };
        const { [membersAttribute]: _members, ...rest } = await this.render(reader, context, schemas, stored, projection, []);
        return { ...this.envelope(context, schemas, stored), resource: rest, streamedJson: streamGroupJson(source, firstPage) };
      }
      return { ...this.envelope(context, schemas, stored), resource: await this.render(reader, context, schemas, stored, projection, firstPage) };
    }
    return this.respond(reader, context, schemas, stored, projection, groups);
  }

  /** RFC 7644 §3.5.1: PUT replaces every client-owned attribute; readOnly ignored, immutable must not change. */
  async replace(
    context: RequestContext,
    type: ResourceTypeName,
    id: string,
    body: unknown,
    ifMatch: string | undefined,
    projection: Projection,
  ): Promise<ResourceResponse> {
    const schemas = this.knownSchemasFor(context.tenantId, type) ?? (await this.schemasFor(context.tenantId, type));
    const facts = schemas.resourceType;
    const { attributes, password } = normalizeResource(body, schemas);
    const passwordHash = facts.password && password !== undefined ? await this.passwords.hash(password) : undefined;
    const { members, ownAttributes } = withoutMembers(facts, attributes);
    const now = this.now().toISOString();
    return this.write(context, async (writer) => {
      const { current, groups } = await this.currentForWrite(writer, context, schemas, id, ifMatch, projection);
      assertImmutableUnchanged(current.attributes, ownAttributes, schemas);
      const membership = new MembershipChanges();
      if (facts.members !== undefined) {
        const resolved = await resolveMembers(writer, this.types, context.tenantId, id, requestedMembers(members));
        await replaceMembers(writer, context.tenantId, id, resolved, membership);
      }
      // A PUT without `password` keeps the stored hash: the attribute is writeOnly, so
      // clients never have it to send back, and clearing it on every PUT would lock users out.
      const stored = await this.saveChange(writer, current, ownAttributes, passwordHash, !membership.isEmpty, now);
      const origin = this.origin(context, now);
      const events = [...updateEvents(origin, schemas, current, stored, passwordHash !== undefined), ...membershipEvents(origin, schemas, stored, membership)];
      return { result: await this.respond(writer, context, schemas, stored, projection, groups), events };
    });
  }

  /**
   * RFC 7644 §3.5.2: PATCH applies all operations or none. Group membership
   * operations become row inserts/deletes, so a member add does not read
   * the other members.
   */
  async patch(
    context: RequestContext,
    type: ResourceTypeName,
    id: string,
    body: unknown,
    ifMatch: string | undefined,
    projection: Projection,
  ): Promise<ResourceResponse> {
    const schemas = this.knownSchemasFor(context.tenantId, type) ?? (await this.schemasFor(context.tenantId, type));
    const operations = parsePatchRequest(body, { maxOperations: this.maxPatchOperations });
    const requestedPassword = schemas.resourceType.password ? findPatchPassword(operations, schemas) : undefined;
    const precomputedHash = requestedPassword !== undefined ? await this.passwords.hash(requestedPassword) : undefined;
    const now = this.now().toISOString();
    return this.write(context, async (writer) => {
      const { current, groups } = await this.currentForWrite(writer, context, schemas, id, ifMatch, projection);
      const origin = this.origin(context, now);
      const { stored, events } =
        schemas.resourceType.members !== undefined
          ? await this.patchWithMembers(writer, context, schemas, schemas.resourceType.members, current, operations, now, origin)
          : await this.patchAttributes(writer, context, schemas, current, operations, now, origin, requestedPassword, precomputedHash);
      return { result: await this.respond(writer, context, schemas, stored, projection, groups), events };
    });
  }

  /** RFC 7644 §3.6: DELETE removes the resource and every membership naming it. */
  async delete(context: RequestContext, type: ResourceTypeName, id: string, ifMatch: string | undefined): Promise<void> {
    const schemas = this.knownSchemasFor(context.tenantId, type) ?? (await this.schemasFor(context.tenantId, type));
    const now = this.now().toISOString();
    const trip = await this.write(context, async (writer) => {
      const { current } = await this.currentForWrite(writer, context, schemas, id, ifMatch);
      if (this.deletions.governs(type)) {
        const guarded = await this.deletions.deleteGoverned(writer, this.origin(context, now), schemas, current);
        return { result: guarded.trip, events: guarded.events };
      }
      const roleHoldersBefore = await this.roleTracking.holdersBeneath(context.tenantId, id);
      const deleted = await writer.deleteResource(context.tenantId, type, id, now);
      if (deleted === undefined) throw notFound(schemas, id);
      const origin = this.origin(context, now);
      const asMember = { value: id, type };
      const events = [deletedEvent(origin, schemas, current)];
      for (const group of deleted.groupsLosingMember) {
        events.push(...membershipEvents(origin, await this.schemasFor(context.tenantId, group.resourceType), group, { added: [], removed: [asMember] }));
      }
      return { result: undefined, events, roleHoldersBefore };
    });
    if (trip !== undefined) this.deletions.tripped(context.tenantId, trip);
  }

  /** RFC 7644 §3.4.2: filter, sort and page in the database; project each resource. */
  async list(context: RequestContext, type: ResourceTypeName, request: ListRequest): Promise<ListResponseBody> {
    const schemas = this.knownSchemasFor(context.tenantId, type) ?? (await this.schemasFor(context.tenantId, type));
    const { cursor } = request;
    const groupsAttribute = schemas.resourceType.asMember?.groupsAttribute;
    const withGroups = groupsAttribute !== undefined && projectionIncludes(request.projection, schemas, groupsAttribute);
    const result = await this.store.reader.listResources(context.tenantId, type, {
      schemas,
      filter: request.filter,
      sort: request.sort,
      startIndex: request.startIndex,
      count: request.count,
      ...(cursor !== undefined ? { keyset: { position: cursor.position } } : {}),
      // The page's groups with the page where the store can (one statement for an IdP's userName lookup).
      ...(withGroups ? { withMemberships: true } : {}),
    });
    // An empty directory may be a tenant deleted while this request was under way: that is a 401, not an empty list.
    if (result.totalResults === 0) await this.assertTenantExists(context);
    // Otherwise a page's groups in one statement, not one per User.
    const groupsOf =
      result.memberships ??
      (withGroups && result.resources.length > 1
        ? await this.store.reader.listMembershipsOfMany(context.tenantId, result.resources.map((stored) => stored.id))
        : undefined);
    const resources: Record<string, unknown>[] = [];
    for (const stored of result.resources) {
      resources.push(await this.render(this.store.reader, context, schemas, stored, request.projection, undefined, groupsOf?.get(stored.id)));
    }
    if (cursor === undefined) return { totalResults: result.totalResults, resources };
    const page = result.keyset;
    const next = page?.hasNext === true ? page.last : undefined;
    const previous = page?.hasPrevious === true ? page.first : undefined;
    return {
      totalResults: result.totalResults,
      resources,
      cursors: {
        nextCursor: next === undefined ? undefined : encodeCursor(cursor.binding, { direction: 'after', ...next }),
        previousCursor: previous === undefined ? undefined : encodeCursor(cursor.binding, { direction: 'before', ...previous }),
      },
    };
  }

  /** PATCH of a type without members: the operations apply to the attributes (and a password, for a type that has one). */
  private async patchAttributes(
    writer: StoreWriter,
    context: RequestContext,
    schemas: ResourceSchemas,
    current: StoredResource,
    operations: readonly PatchOperation[],
    now: string,
    origin: EventOrigin,
    requestedPassword: string | undefined,
    precomputedHash: string | undefined,
  ): Promise<{ stored: StoredResource; events: NewEvent[] }> {
    const result = applyPatch(current.attributes, operations, schemas);
    let passwordHash: string | null | undefined;
    if (typeof result.password === 'string') {
      passwordHash = result.password === requestedPassword && precomputedHash !== undefined ? precomputedHash : await this.passwords.hash(result.password);
    } else {
      passwordHash = result.password;
    }
    // A PATCH that sets what is already set changes nothing: no new version, no event.
    if (!result.changed && passwordHash === undefined) return { stored: current, events: [] };
    const stored = await writer.updateResource({
      tenantId: context.tenantId,
      resourceType: current.resourceType,
      id: current.id,
      attributes: result.attributes,
      passwordHash,
      expectedVersion: current.version,
      now,
      emailsUnchanged: jsonEqual(current.attributes['emails'], result.attributes['emails']),
    });
    return { stored, events: updateEvents(origin, schemas, current, stored, passwordHash !== undefined) };
  }

  /** PATCH of a type that holds members: membership operations become row changes where they can. */
  private async patchWithMembers(
    writer: StoreWriter,
    context: RequestContext,
    schemas: ResourceSchemas,
    membersFacts: MembersFacts,
    current: StoredResource,
    operations: readonly PatchOperation[],
    now: string,
    origin: EventOrigin,
  ): Promise<{ stored: StoredResource; events: NewEvent[] }> {
    const plan = planMembershipPatch(operations, schemas);
    const membership = new MembershipChanges();
    let attributes: ResourceAttributes;
    if (plan) {
      attributes = applyPatch(current.attributes, plan.otherOperations, schemas).attributes;
      await applyMembershipSteps(writer, this.types, context.tenantId, current.id, plan.steps, membership);
    } else {
      // Rare shapes (e.g. members[type eq "Group"]) need the whole membership in memory.
      const existing = await writer.listMembers(context.tenantId, current.id);
      const withMembers = { ...current.attributes, [membersFacts.attribute]: existing.map((member) => ({ value: member.value, type: member.type })) };
      const { [membersFacts.attribute]: members, ...rest } = applyPatch(withMembers, operations, schemas).attributes;
      attributes = rest;
      const resolved = await resolveMembers(writer, this.types, context.tenantId, current.id, requestedMembers(members));
      await replaceMembers(writer, context.tenantId, current.id, resolved, membership);
    }
    const stored = await this.saveChange(writer, current, attributes, undefined, !membership.isEmpty, now);
    return { stored, events: [...updateEvents(origin, schemas, current, stored, false), ...membershipEvents(origin, schemas, stored, membership)] };
  }

  /**
   * Writes the resource's new attributes, or only a new version when just its
   * membership changed, or nothing when nothing changed (the same PUT or
   * PATCH replayed leaves version and lastModified alone).
   */
  private async saveChange(
    writer: StoreWriter,
    current: StoredResource,
    attributes: ResourceAttributes,
    passwordHash: string | null | undefined,
    membersChanged: boolean,
    now: string,
  ): Promise<StoredResource> {
    const { tenantId, resourceType, id } = current;
    if (passwordHash !== undefined || !jsonEqual(current.attributes, attributes)) {
      const emailsUnchanged = jsonEqual(current.attributes['emails'], attributes['emails']);
      return writer.updateResource({ tenantId, resourceType, id, attributes, passwordHash, expectedVersion: current.version, now, emailsUnchanged });
    }
    if (membersChanged) return writer.touchResource(tenantId, resourceType, id, current.version, now);
    return current;
  }

  /**
   * Runs one write in one transaction with its events: the roles it moved
   * recomputed (src/roles), its events recorded last (the outbox), then the app's in-transaction hook, which may veto; after
   * commit, the notifier and the after-commit hooks.
   */
  private async write<T>(context: RequestContext, work: (writer: StoreWriter) => Promise<Outcome<T>>): Promise<T> {
    let committed: { result: T; recorded: readonly ScimitarEvent[] };
    try {
      committed = await this.store.transaction(async (writer) => {
        const outcome = await work(writer);
        const timestamp = outcome.events[0]?.timestamp;
        const roleEvents =
          timestamp === undefined ? [] : await this.roleTracking.eventsAfter(writer, this.origin(context, timestamp), outcome.events, outcome.roleHoldersBefore ?? []);
        const changeEvents = [...outcome.events, ...roleEvents];
        const events = this.hooks.tracksAppUsers ? await withAppUserIds(writer, changeEvents) : changeEvents;
        const recorded = await writer.appendEvents(events);
        await this.hooks.inTransaction(recorded, () => writer.appTransaction());
        return { result: outcome.result, recorded };
      });
    } catch (error) {
      throw await this.unlessTenantGone(context, error);
    }
    const { result, recorded } = committed;
    const last = recorded.at(-1);
    if (last !== undefined) {
      this.notifier.committed(context.tenantId, last.sequence);
      this.hooks.afterCommit(recorded);
    }
    return result;
  }

  /**
   * A tenant deleted while one of its requests was under way (its token was
   * valid when the request began) makes that request's write fail on the
   * tenant's foreign key, and its reads find nothing. The tenant, and with
   * it the token, no longer exists: the answer is the 401 any later request
   * gets, not a 500 or a 404. Only such failures (a TypeError from the store,
   * a 404) cost the extra read of the tenant.
   */
  private async unlessTenantGone(context: RequestContext, error: unknown): Promise<unknown> {
    const ownFailure = isScimError(error) ? error.status !== 404 : !(error instanceof TypeError);
    if (ownFailure) return error;
    const tenant = await this.store.tenants.getTenant(context.tenantId).catch(() => 'unknown' as const);
    return tenant === undefined ? tenantGone() : error;
  }

  private async assertTenantExists(context: RequestContext): Promise<void> {
    if ((await this.store.tenants.getTenant(context.tenantId)) === undefined) throw tenantGone();
  }

  private origin(context: RequestContext, timestamp: string): EventOrigin {
    // Event ids are always random: an injected `newId` names resources only.
    return { tenantId: context.tenantId, baseUrl: context.baseUrl, newId: randomUUID, timestamp, requestId: context.requestId ?? null };
  }

  /**
   * The resource a write changes, locked, checked against If-Match. With a
   * projection, also its groups for the response when the write cannot
   * change them (a resource without members: its own PUT or PATCH never
   * touches a membership row), read in the same statement.
   */
  private async currentForWrite(
    writer: StoreWriter,
    context: RequestContext,
    schemas: ResourceSchemas,
    id: string,
    ifMatch: string | undefined,
    projection?: Projection,
  ): Promise<{ readonly current: StoredResource; readonly groups: readonly GroupMembership[] | undefined }> {
    const { stored, groups } =
      projection !== undefined && schemas.resourceType.members === undefined
        ? await this.readWithGroups(writer, context, schemas, id, projection)
        : { stored: await writer.getResource(context.tenantId, schemas.resourceType.name, id), groups: undefined };
    if (!stored) throw notFound(schemas, id);
    assertIfMatch(ifMatch, stored.version);
    return { current: stored, groups };
  }

  /** The resource, and its groups when the projection shows them: together in one statement (one round trip), not two. */
  private async readWithGroups(
    reader: StoreReader,
    context: RequestContext,
    schemas: ResourceSchemas,
    id: string,
    projection: Projection,
  ): Promise<{ readonly stored: StoredResource | undefined; readonly groups: readonly GroupMembership[] | undefined }> {
    const groupsAttribute = schemas.resourceType.asMember?.groupsAttribute;
    if (groupsAttribute === undefined || !projectionIncludes(projection, schemas, groupsAttribute)) {
      return { stored: await reader.getResource(context.tenantId, schemas.resourceType.name, id), groups: undefined };
    }
    const read = await reader.getResourceWithMemberships(context.tenantId, schemas.resourceType.name, id);
    return { stored: read?.resource, groups: read?.memberships };
  }

  private async respond(
    reader: StoreReader,
    context: RequestContext,
    schemas: ResourceSchemas,
    stored: StoredResource,
    projection: Projection,
    knownGroups?: readonly GroupMembership[],
  ): Promise<ResourceResponse> {
    return { ...this.envelope(context, schemas, stored), resource: await this.render(reader, context, schemas, stored, projection, undefined, knownGroups) };
  }

  private envelope(context: RequestContext, schemas: ResourceSchemas, stored: StoredResource): Omit<ResourceResponse, 'resource'> {
    return { version: stored.version, etag: formatETag(stored.version), location: resourceLocation(context.baseUrl, schemas, stored.id) };
  }

  /** Loads computed attributes only when the projection will output them. */
  private async render(
    reader: StoreReader,
    context: RequestContext,
    schemas: ResourceSchemas,
    stored: StoredResource,
    projection: Projection,
    knownMembers?: readonly StoredMember[],
    knownGroups?: readonly GroupMembership[],
  ): Promise<Record<string, unknown>> {
    const membersAttribute = schemas.resourceType.members?.attribute;
    const groupsAttribute = schemas.resourceType.asMember?.groupsAttribute;
    const members =
      membersAttribute !== undefined && projectionIncludes(projection, schemas, membersAttribute)
        ? (knownMembers ?? (await reader.listMembers(context.tenantId, stored.id)))
        : undefined;
    const groups =
      groupsAttribute !== undefined && projectionIncludes(projection, schemas, groupsAttribute)
        ? (knownGroups ?? (await reader.listMemberships(context.tenantId, stored.id)))
        : undefined;
    const full = renderResource(stored, schemas, context.baseUrl, { types: this.types, members, groups });
    return projectResource(full, schemas, projection);
  }
}

/**
 * Separates a type's members (rows in the membership table, never in the
 * stored attributes) from the attributes it stores; a type without members
 * stores everything.
 */
function withoutMembers(facts: ResourceTypeFacts, attributes: ResourceAttributes): { members: unknown; ownAttributes: ResourceAttributes } {
  if (facts.members === undefined) return { members: undefined, ownAttributes: attributes };
  const { [facts.members.attribute]: members, ...ownAttributes } = attributes;
  return { members, ownAttributes };
}

const NO_GROUPS: readonly GroupMembership[] = Object.freeze([]);

/** The answer for a tenant that no longer exists: its tokens went with it, so the request is unauthenticated. */
function tenantGone() {
  return scimErrors.unauthorized('Missing or invalid bearer token; send "Authorization: Bearer <token>"');
}

function notFound(schemas: ResourceSchemas, id: string) {
  return scimErrors.notFound(`${schemas.resourceType.name} "${id}" not found`);
}

/** A User being created, as the app's linking rule sees it. */
function existingUserCandidate(context: RequestContext, attributes: ResourceAttributes): ExistingUserCandidate {
  const userName = attributes['userName'];
  const externalId = attributes['externalId'];
  return {
    tenantId: context.tenantId,
    userName: typeof userName === 'string' ? userName : '',
    externalId: typeof externalId === 'string' ? externalId : null,
    attributes,
  };
}
