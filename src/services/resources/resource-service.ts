/**
 * The SCIM operations on Users and Groups (RFC 7644 §3.3–§3.6), independent
 * of HTTP. Each write is one store transaction: validation, version check,
 * row writes and membership rows commit together or not at all.
 */
import { randomUUID } from 'node:crypto';
import { assertIfMatch } from '../../core/etag/etag.js';
import { scimErrors } from '../../core/errors/scim-error.js';
import { encodeCursor, type CursorPage, type ListRequest } from '../../core/list/index.js';
import { applyPatch, parsePatchRequest, planMembershipPatch, type PatchOperation } from '../../core/patch/index.js';
import { projectionIncludes, projectResource, type Projection } from '../../core/projection/index.js';
import { assertImmutableUnchanged, normalizeResource } from '../../core/resource/index.js';
import type { ResourceTypeName } from '../../core/schema/attribute.js';
import type { ResourceSchemas, SchemaRegistry } from '../../core/schema/registry.js';
import type { ResourceAttributes, Store, StoredResource, StoreReader, StoreWriter } from '../../store/store.js';
import type { PasswordHasher } from '../passwords.js';
import { replaceMembers, requestedMembers, resolveMembers, applyMembershipSteps } from './members.js';
import { findPatchPassword } from './patch-password.js';
import { formatETag, renderResource, resourceLocation } from './render.js';

/** Who is asking, and where their SCIM root is (for meta.location and $ref). */
export interface RequestContext {
  readonly tenantId: string;
  /** Absolute URL of the SCIM root, without trailing slash, e.g. https://host/scim/v2. */
  readonly baseUrl: string;
}

export interface ResourceServiceDependencies {
  readonly store: Store;
  readonly registry: SchemaRegistry;
  readonly passwords: PasswordHasher;
  readonly now?: () => Date;
  readonly newId?: () => string;
  readonly maxPatchOperations?: number;
}

export interface ResourceResponse {
  /** The resource, projected as the request asked. */
  readonly resource: Record<string, unknown>;
  /** The version returned, and its weak ETag. */
  readonly version: number;
  readonly etag: string;
  readonly location: string;
}

export interface ListResponseBody {
  readonly totalResults: number;
  readonly resources: readonly Record<string, unknown>[];
  /** With cursor paging (RFC 9865): the links to the neighbouring pages; nextCursor absent only on the last page. */
  readonly cursors?: CursorPage;
}

export class ResourceService {
  private readonly store: Store;
  private readonly registry: SchemaRegistry;
  private readonly passwords: PasswordHasher;
  private readonly now: () => Date;
  private readonly newId: () => string;
  private readonly maxPatchOperations: number;

  constructor(dependencies: ResourceServiceDependencies) {
    this.store = dependencies.store;
    this.registry = dependencies.registry;
    this.passwords = dependencies.passwords;
    this.now = dependencies.now ?? (() => new Date());
    this.newId = dependencies.newId ?? randomUUID;
    this.maxPatchOperations = dependencies.maxPatchOperations ?? 1000;
  }

  schemasFor(type: ResourceTypeName): ResourceSchemas {
    return this.registry.forResourceType(type);
  }

  /** RFC 7644 §3.3: POST creates; the response is 201 with the new resource. */
  async create(context: RequestContext, type: ResourceTypeName, body: unknown, projection: Projection): Promise<ResourceResponse> {
    const schemas = this.schemasFor(type);
    const { attributes, password } = normalizeResource(body, schemas);
    // Hash before the transaction: scrypt takes tens of milliseconds and must not hold the write lock.
    const passwordHash = type === 'User' && password !== undefined ? await this.passwords.hash(password) : undefined;
    const { members, ...ownAttributes } = attributes;
    const id = this.newId();
    const now = this.now().toISOString();
    return this.store.transaction(async (writer) => {
      if (type === 'Group') {
        const resolved = await resolveMembers(writer, context.tenantId, id, requestedMembers(members));
        const stored = await writer.insertResource({ tenantId: context.tenantId, resourceType: type, id, attributes: ownAttributes, passwordHash, now });
        if (resolved.length > 0) await writer.addMembers(context.tenantId, id, resolved);
        return this.respond(writer, context, schemas, stored, projection);
      }
      const stored = await writer.insertResource({ tenantId: context.tenantId, resourceType: type, id, attributes: ownAttributes, passwordHash, now });
      return this.respond(writer, context, schemas, stored, projection);
    });
  }

  /** RFC 7644 §3.4.1: GET of one resource. */
  async get(context: RequestContext, type: ResourceTypeName, id: string, projection: Projection): Promise<ResourceResponse> {
    const schemas = this.schemasFor(type);
    const stored = await this.store.reader.getResource(context.tenantId, type, id);
    if (!stored) throw notFound(schemas, id);
    return this.respond(this.store.reader, context, schemas, stored, projection);
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
    const schemas = this.schemasFor(type);
    const { attributes, password } = normalizeResource(body, schemas);
    const passwordHash = type === 'User' && password !== undefined ? await this.passwords.hash(password) : undefined;
    const { members, ...ownAttributes } = attributes;
    const now = this.now().toISOString();
    return this.store.transaction(async (writer) => {
      const current = await this.currentForWrite(writer, context, schemas, id, ifMatch);
      assertImmutableUnchanged(current.attributes, ownAttributes, schemas);
      if (type === 'Group') {
        const resolved = await resolveMembers(writer, context.tenantId, id, requestedMembers(members));
        await replaceMembers(writer, context.tenantId, id, resolved);
      }
      // A PUT without `password` keeps the stored hash: the attribute is writeOnly, so
      // clients never have it to send back, and clearing it on every PUT would lock users out.
      const stored = await writer.updateResource({
        tenantId: context.tenantId,
        resourceType: type,
        id,
        attributes: ownAttributes,
        passwordHash,
        expectedVersion: current.version,
        now,
      });
      return this.respond(writer, context, schemas, stored, projection);
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
    const schemas = this.schemasFor(type);
    const operations = parsePatchRequest(body, { maxOperations: this.maxPatchOperations });
    const requestedPassword = type === 'User' ? findPatchPassword(operations, schemas) : undefined;
    const precomputedHash = requestedPassword !== undefined ? await this.passwords.hash(requestedPassword) : undefined;
    const now = this.now().toISOString();
    return this.store.transaction(async (writer) => {
      const current = await this.currentForWrite(writer, context, schemas, id, ifMatch);
      const stored =
        type === 'Group'
          ? await this.patchGroup(writer, context, schemas, current, operations, now)
          : await this.patchUser(writer, context, schemas, current, operations, now, requestedPassword, precomputedHash);
      return this.respond(writer, context, schemas, stored, projection);
    });
  }

  /** RFC 7644 §3.6: DELETE removes the resource and every membership naming it. */
  async delete(context: RequestContext, type: ResourceTypeName, id: string, ifMatch: string | undefined): Promise<void> {
    const schemas = this.schemasFor(type);
    const now = this.now().toISOString();
    await this.store.transaction(async (writer) => {
      await this.currentForWrite(writer, context, schemas, id, ifMatch);
      await writer.deleteResource(context.tenantId, type, id, now);
    });
  }

  /** RFC 7644 §3.4.2: filter, sort and page in the database; project each resource. */
  async list(context: RequestContext, type: ResourceTypeName, request: ListRequest): Promise<ListResponseBody> {
    const schemas = this.schemasFor(type);
    const { cursor } = request;
    const result = await this.store.reader.listResources(context.tenantId, type, {
      filter: request.filter,
      sort: request.sort,
      startIndex: request.startIndex,
      count: request.count,
      ...(cursor !== undefined ? { keyset: { position: cursor.position } } : {}),
    });
    const resources: Record<string, unknown>[] = [];
    for (const stored of result.resources) {
      resources.push(await this.render(this.store.reader, context, schemas, stored, request.projection));
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

  private async patchUser(
    writer: StoreWriter,
    context: RequestContext,
    schemas: ResourceSchemas,
    current: StoredResource,
    operations: readonly PatchOperation[],
    now: string,
    requestedPassword: string | undefined,
    precomputedHash: string | undefined,
  ): Promise<StoredResource> {
    const result = applyPatch(current.attributes, operations, schemas);
    let passwordHash: string | null | undefined;
    if (typeof result.password === 'string') {
      passwordHash = result.password === requestedPassword && precomputedHash !== undefined ? precomputedHash : await this.passwords.hash(result.password);
    } else {
      passwordHash = result.password;
    }
    // A PATCH that sets what is already set changes nothing: no new version.
    if (!result.changed && passwordHash === undefined) return current;
    return writer.updateResource({
      tenantId: context.tenantId,
      resourceType: 'User',
      id: current.id,
      attributes: result.attributes,
      passwordHash,
      expectedVersion: current.version,
      now,
    });
  }

  private async patchGroup(
    writer: StoreWriter,
    context: RequestContext,
    schemas: ResourceSchemas,
    current: StoredResource,
    operations: readonly PatchOperation[],
    now: string,
  ): Promise<StoredResource> {
    const plan = planMembershipPatch(operations, schemas);
    let attributes: ResourceAttributes;
    let attributesChanged: boolean;
    let membersChanged: boolean;
    if (plan) {
      const result = applyPatch(current.attributes, plan.otherOperations, schemas);
      attributes = result.attributes;
      attributesChanged = result.changed;
      membersChanged = await applyMembershipSteps(writer, context.tenantId, current.id, plan.steps);
    } else {
      // Rare shapes (e.g. members[type eq "Group"]) need the whole membership in memory.
      const existing = await writer.listMembers(context.tenantId, current.id);
      const withMembers = { ...current.attributes, members: existing.map((member) => ({ value: member.value, type: member.type })) };
      const result = applyPatch(withMembers, operations, schemas);
      const { members, ...rest } = result.attributes;
      attributes = rest;
      attributesChanged = result.changedAttributes.some((name) => name !== 'members');
      const resolved = await resolveMembers(writer, context.tenantId, current.id, requestedMembers(members));
      membersChanged = (await replaceMembers(writer, context.tenantId, current.id, resolved)) > 0;
    }
    if (attributesChanged) {
      return writer.updateResource({
        tenantId: context.tenantId,
        resourceType: 'Group',
        id: current.id,
        attributes,
        passwordHash: undefined,
        expectedVersion: current.version,
        now,
      });
    }
    if (membersChanged) return writer.touchResource(context.tenantId, 'Group', current.id, current.version, now);
    return current;
  }

  /** Reads the resource inside the write transaction and checks If-Match against it. */
  private async currentForWrite(
    writer: StoreWriter,
    context: RequestContext,
    schemas: ResourceSchemas,
    id: string,
    ifMatch: string | undefined,
  ): Promise<StoredResource> {
    const current = await writer.getResource(context.tenantId, schemas.resourceType.name, id);
    if (!current) throw notFound(schemas, id);
    assertIfMatch(ifMatch, current.version);
    return current;
  }

  private async respond(
    reader: StoreReader,
    context: RequestContext,
    schemas: ResourceSchemas,
    stored: StoredResource,
    projection: Projection,
  ): Promise<ResourceResponse> {
    return {
      resource: await this.render(reader, context, schemas, stored, projection),
      version: stored.version,
      etag: formatETag(stored.version),
      location: resourceLocation(context.baseUrl, schemas, stored.id),
    };
  }

  /** Loads computed attributes only when the projection will output them. */
  private async render(
    reader: StoreReader,
    context: RequestContext,
    schemas: ResourceSchemas,
    stored: StoredResource,
    projection: Projection,
  ): Promise<Record<string, unknown>> {
    const type = schemas.resourceType.name;
    const members =
      type === 'Group' && projectionIncludes(projection, schemas, 'members') ? await reader.listMembers(context.tenantId, stored.id) : undefined;
    const groups =
      type === 'User' && projectionIncludes(projection, schemas, 'groups') ? await reader.listMemberships(context.tenantId, stored.id) : undefined;
    const full = renderResource(stored, schemas, context.baseUrl, { members, groups });
    return projectResource(full, schemas, projection);
  }
}

function notFound(schemas: ResourceSchemas, id: string) {
  return scimErrors.notFound(`${schemas.resourceType.name} "${id}" not found`);
}
