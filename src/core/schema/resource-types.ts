/**
 * What the server does differently per resource type, as data: one entry
 * per type, read by the routes, rendering, events, bulk, the admin API and
 * the CLI. A branch on a type's name (`if (type === 'User') … else …`)
 * would silently give every further type the else; a fact has to be stated
 * for each type, and a type registered by an embedding app states its own.
 *
 * How a type is stored is the store's business (src/store); these are the
 * protocol-level facts only.
 */
import type { ResourceTypeDefinition, ResourceTypeName, SchemaDefinition } from './attribute.js';
import { ENTERPRISE_USER_SCHEMA } from './enterprise-user.js';
import { GROUP_SCHEMA } from './group.js';
import { USER_SCHEMA } from './user.js';

/** A type whose resources hold members (a Group): the members are rows, read only when the representation needs them. */
export interface MembersFacts {
  /** The computed multi-valued attribute listing them (`members`). */
  readonly attribute: string;
}

/**
 * A type whose resources can be members of a group (a User, a nested
 * Group). How a member's `display` is read is the store's fact (it is SQL
 * over the type's columns: src/store/sql/resource-storage.ts).
 */
export interface AsMemberFacts {
  /** The computed attribute listing the groups it belongs to (a User's `groups`); undefined when it has none. */
  readonly groupsAttribute: string | undefined;
}

export interface ResourceTypeFacts extends ResourceTypeDefinition {
  /**
   * Lower-case plural naming the type's collection outside SCIM: the admin
   * API's path segment (/tenants/{tenant}/users), the CLI command, counts.
   */
  readonly collection: string;
  /** Its events are `{eventPrefix}.created`, `.updated`, `.deleted` (and `.member_added`… for a type with members). */
  readonly eventPrefix: string;
  /**
   * A boolean attribute whose change to false is told as `{eventPrefix}.deactivated`
   * and back to true as `.reactivated` (the two changes an app must act on at once).
   */
  readonly activeAttribute: string | undefined;
  /** Whether a writeOnly `password` is accepted and kept as a hash (never as given). */
  readonly password: boolean;
  readonly members: MembersFacts | undefined;
  readonly asMember: AsMemberFacts | undefined;
}

/** The event kinds of a resource type; the event type is `{eventPrefix}.{action}`. */
export type ResourceEventAction = 'created' | 'updated' | 'deactivated' | 'reactivated' | 'deleted' | 'member_added' | 'member_removed';

export function eventTypeOf(facts: ResourceTypeFacts, action: ResourceEventAction): `${string}.${ResourceEventAction}` {
  return `${facts.eventPrefix}.${action}`;
}

/** Every event type a resource type's changes can produce: what a webhook may subscribe to. */
export function eventTypesOf(facts: ResourceTypeFacts): `${string}.${ResourceEventAction}`[] {
  const actions: ResourceEventAction[] = ['created', 'updated'];
  if (facts.activeAttribute !== undefined) actions.push('deactivated', 'reactivated');
  actions.push('deleted');
  if (facts.members !== undefined) actions.push('member_added', 'member_removed');
  return actions.map((action) => eventTypeOf(facts, action));
}

export const userResourceType: ResourceTypeFacts = Object.freeze({
  id: 'User',
  name: 'User',
  endpoint: '/Users',
  description: 'User Account',
  schema: USER_SCHEMA,
  schemaExtensions: Object.freeze([{ schema: ENTERPRISE_USER_SCHEMA, required: false }]),
  collection: 'users',
  eventPrefix: 'user',
  activeAttribute: 'active',
  password: true,
  members: undefined,
  asMember: Object.freeze({ groupsAttribute: 'groups' }),
});

export const groupResourceType: ResourceTypeFacts = Object.freeze({
  id: 'Group',
  name: 'Group',
  endpoint: '/Groups',
  description: 'Group',
  schema: GROUP_SCHEMA,
  schemaExtensions: Object.freeze([]),
  collection: 'groups',
  eventPrefix: 'group',
  activeAttribute: undefined,
  password: false,
  members: Object.freeze({ attribute: 'members' }),
  // Nested groups: a Group's own `groups` is not an attribute of RFC 7643's Group schema.
  asMember: Object.freeze({ groupsAttribute: undefined }),
});

/** The resource types of RFC 7643, in the order results span them (root /.search: Users, then Groups). */
export const BUILT_IN_RESOURCE_TYPES: readonly ResourceTypeFacts[] = Object.freeze([userResourceType, groupResourceType]);

/** A further resource type an embedding app registers: its facts and its core schema. */
export interface CustomResourceType {
  readonly facts: ResourceTypeFacts;
  readonly schema: SchemaDefinition;
}

export interface CustomResourceTypeOptions {
  /** e.g. "Device"; also the resource type's id. */
  readonly name: string;
  /** e.g. "/Devices". */
  readonly endpoint: string;
  readonly description?: string;
  readonly schema: SchemaDefinition;
  /** Defaults to the endpoint without its slash, in lower case ("devices"). */
  readonly collection?: string;
  /** Defaults to the name in lower case ("device"). */
  readonly eventPrefix?: string;
  readonly activeAttribute?: string;
}

const ENDPOINT_PATTERN = /^\/[A-Za-z][A-Za-z0-9]*$/;
const EVENT_PREFIX_PATTERN = /^[a-z][a-z0-9_]*$/;

/**
 * The facts of a further resource type. It has no password, holds no
 * members and cannot be a member: those need storage the store keeps for
 * Users and Groups only (membership rows, password hashes).
 */
export function defineResourceType(options: CustomResourceTypeOptions): CustomResourceType {
  if (!ENDPOINT_PATTERN.test(options.endpoint)) throw new TypeError(`Resource type ${options.name}: endpoint must look like "/Devices", got ${JSON.stringify(options.endpoint)}`);
  const collection = options.collection ?? options.endpoint.slice(1).toLowerCase();
  const eventPrefix = options.eventPrefix ?? options.name.toLowerCase();
  if (!EVENT_PREFIX_PATTERN.test(eventPrefix)) throw new TypeError(`Resource type ${options.name}: event prefix must be lower-case letters, digits and _, got ${JSON.stringify(eventPrefix)}`);
  if (options.activeAttribute !== undefined) {
    const active = options.schema.attributes.find((attribute) => attribute.name === options.activeAttribute);
    if (active?.type !== 'boolean' || active.multiValued) throw new TypeError(`Resource type ${options.name}: activeAttribute ${options.activeAttribute} must be a singular boolean of its schema`);
  }
  const facts: ResourceTypeFacts = Object.freeze({
    id: options.name,
    name: options.name,
    endpoint: options.endpoint,
    description: options.description ?? options.name,
    schema: options.schema.id,
    schemaExtensions: Object.freeze([]),
    collection,
    eventPrefix,
    activeAttribute: options.activeAttribute,
    password: false,
    members: undefined,
    asMember: undefined,
  });
  return Object.freeze({ facts, schema: options.schema });
}

/** The registered resource types, looked up by name, endpoint or role. */
export class ResourceTypes {
  readonly all: readonly ResourceTypeFacts[];
  private readonly byName: ReadonlyMap<ResourceTypeName, ResourceTypeFacts>;

  constructor(types: readonly ResourceTypeFacts[]) {
    const byName = new Map<ResourceTypeName, ResourceTypeFacts>();
    const seen = new Map<string, string>();
    const claim = (kind: string, value: string, owner: string) => {
      const key = `${kind}:${value.toLowerCase()}`;
      const earlier = seen.get(key);
      if (earlier !== undefined) throw new TypeError(`Resource types ${earlier} and ${owner} have the same ${kind} ${JSON.stringify(value)}`);
      seen.set(key, owner);
    };
    for (const type of types) {
      claim('name', type.name, type.name);
      claim('endpoint', type.endpoint, type.name);
      claim('collection', type.collection, type.name);
      claim('event prefix', type.eventPrefix, type.name);
      byName.set(type.name, type);
    }
    // A User's `groups` and a deleted member's groups are read without naming a type: there is one grouping type.
    if (types.filter((type) => type.members !== undefined).length > 1) throw new TypeError('At most one resource type can hold members');
    this.all = types;
    this.byName = byName;
  }

  /** The facts of a registered type; an unregistered name is a programming error. */
  get(name: ResourceTypeName): ResourceTypeFacts {
    const facts = this.byName.get(name);
    if (facts === undefined) throw new TypeError(`Unknown resource type ${JSON.stringify(name)}; registered: ${this.all.map((type) => type.name).join(', ')}`);
    return facts;
  }

  /** The type served at this endpoint segment ("users", "Users"): compared case-insensitively, like the router. Undefined when none is. */
  atEndpoint(segment: string): ResourceTypeFacts | undefined {
    const wanted = `/${segment.toLowerCase()}`;
    return this.all.find((type) => type.endpoint.toLowerCase() === wanted);
  }

  /** The type whose resources hold members (Group); undefined when none is registered. */
  get grouping(): ResourceTypeFacts | undefined {
    return this.all.find((type) => type.members !== undefined);
  }
}
