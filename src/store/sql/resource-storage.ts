/**
 * How each resource type is stored, as facts the one reader and writer
 * read: its table, the columns derived from its attributes on every write
 * (so filters on them, and their indexes, always agree with the JSON the
 * resource is served from), the unique indexes that answer for an
 * attribute, the side tables that mirror a multi-valued attribute, where a
 * password hash lives, and how it reads as a group member. A type without
 * an entry (one an embedding app registers) is stored in the table every
 * such type shares, with only the common attributes in columns.
 */
import type { ResourceTypeName } from '../../core/schema/attribute.js';
import type { ResourceAttributes, ResourceUpdate } from '../store.js';
import { parameter, quoteSqlString, rawSql, sql, type SqlFragment, type SqlParameterValue } from './fragment.js';
import { GENERIC_TABLE, tableFor, type ResourceTableMap } from './tables.js';

/** A column whose value the store derives from the attributes. */
export interface DerivedColumn {
  readonly column: string;
  readonly value: (attributes: ResourceAttributes) => SqlParameterValue;
}

/** A unique index over a derived column: a row it refuses is the client's `409 uniqueness` about `attribute`. */
export interface UniqueAttribute {
  /** The index's name, as PostgreSQL and MySQL report it. */
  readonly index: string;
  /** The indexed column, as SQLite reports it (`UNIQUE constraint failed: users.tenant_id, users.user_name_ci`). */
  readonly column: string;
  readonly attribute: string;
}

/**
 * Rows of a side table keyed by (tenant_id, ownerColumn, …), one per
 * element of a multi-valued attribute, rewritten whole with the resource
 * and removed with it (ON DELETE CASCADE).
 */
export interface SideTable {
  readonly table: string;
  readonly ownerColumn: string;
  /** The columns after tenant_id and ownerColumn, in the order `rows` gives their values. */
  readonly columns: readonly string[];
  readonly rows: (attributes: ResourceAttributes) => readonly (readonly SqlParameterValue[])[];
  /** Whether an update leaves the rows as they are (the caller knows the attribute did not change). */
  readonly unchangedBy: (update: ResourceUpdate) => boolean;
}

/** How a resource of the type reads as a member of a group (`members[].display`). */
export interface MemberFacts {
  /** The alias of the type's table in the member listing. */
  readonly alias: string;
  /** The member's `display`, over that alias. */
  readonly display: string;
}

export interface ResourceStorage {
  readonly resourceType: ResourceTypeName;
  /** The table as SQL text, and how the filter and sort compilers map attributes to its columns. */
  readonly map: ResourceTableMap;
  readonly derivedColumns: readonly DerivedColumn[];
  readonly unique: readonly UniqueAttribute[];
  readonly sideTables: readonly SideTable[];
  /** The column of the password hash, for types that take a password. */
  readonly passwordHashColumn: string | undefined;
  /** Top-level keys (lower-cased) the port keeps out of `attributes`: they live elsewhere or are never stored. */
  readonly excludedKeys: readonly string[];
  readonly member: MemberFacts | undefined;
}

function text(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

function folded(value: unknown): string | null {
  return typeof value === 'string' ? value.toLowerCase() : null;
}

function flag(value: unknown): boolean | null {
  return typeof value === 'boolean' ? value : null;
}

function userName(attributes: ResourceAttributes): string {
  const value = attributes['userName'];
  // RFC 7643 §4.1.1: userName is REQUIRED; the services reject a User without one before storing it.
  if (typeof value !== 'string') throw new TypeError('A User must have a string userName to be stored');
  return value;
}

const externalIdColumn: DerivedColumn = { column: 'external_id', value: (attributes) => text(attributes['externalId']) };

/**
 * One row per element of `emails` that is an object: the in-memory
 * evaluator never matches other elements, so neither may their rows.
 */
function emailRows(attributes: ResourceAttributes): SqlParameterValue[][] {
  const emails = attributes['emails'];
  if (!Array.isArray(emails)) return [];
  const rows: SqlParameterValue[][] = [];
  emails.forEach((element: unknown, position) => {
    if (typeof element !== 'object' || element === null || Array.isArray(element)) return;
    const email = element as Record<string, unknown>;
    rows.push([position, folded(email['value']), folded(email['type']), flag(email['primary'])]);
  });
  return rows;
}

const userStorage = Object.freeze<ResourceStorage>({
  resourceType: 'User',
  map: tableFor('User'),
  derivedColumns: [
    { column: 'user_name', value: userName },
    // `*_ci` columns hold JavaScript's toLowerCase(), so indexed case-insensitive lookups agree with the in-memory evaluator on non-ASCII text.
    { column: 'user_name_ci', value: (attributes) => userName(attributes).toLowerCase() },
    externalIdColumn,
    { column: 'display_name', value: (attributes) => text(attributes['displayName']) },
    { column: 'active', value: (attributes) => flag(attributes['active']) },
  ],
  // RFC 7643 §4.1.1: userName is unique within the service provider (here: the tenant), case-insensitively.
  unique: [{ index: 'users_user_name', column: 'user_name_ci', attribute: 'userName' }],
  sideTables: [
    {
      table: 'user_emails',
      ownerColumn: 'user_id',
      columns: ['position', 'value_ci', 'type_ci', 'is_primary'],
      rows: emailRows,
      unchangedBy: (update) => update.emailsUnchanged === true,
    },
  ],
  passwordHashColumn: 'password_hash',
  excludedKeys: ['id', 'meta', 'password', 'groups'],
  member: { alias: 'u', display: 'COALESCE(u.display_name, u.user_name)' },
});

const groupStorage = Object.freeze<ResourceStorage>({
  resourceType: 'Group',
  map: tableFor('Group'),
  derivedColumns: [
    { column: 'display_name', value: (attributes) => text(attributes['displayName']) },
    { column: 'display_name_ci', value: (attributes) => folded(attributes['displayName']) },
    externalIdColumn,
  ],
  unique: [],
  // Its members are rows of group_members (see MEMBERSHIPS), changed by the member methods, not with the resource.
  sideTables: [],
  passwordHashColumn: undefined,
  excludedKeys: ['id', 'meta', 'members'],
  member: { alias: 'g', display: 'g.display_name' },
});

/** The types with tables of their own. */
export const OWN_STORAGES: readonly ResourceStorage[] = Object.freeze([userStorage, groupStorage]);

const ownStorages: ReadonlyMap<string, ResourceStorage> = new Map(OWN_STORAGES.map((storage) => [storage.resourceType, storage]));
const genericStorages = new Map<string, ResourceStorage>();

/** The storage of a type: its own table, or the shared one. */
export function storageOf(resourceType: ResourceTypeName): ResourceStorage {
  const own = ownStorages.get(resourceType);
  if (own !== undefined) return own;
  const name: string = resourceType;
  if (typeof name !== 'string' || name === '') throw new TypeError(`Invalid resource type ${String(resourceType)}`);
  let storage = genericStorages.get(resourceType);
  if (storage === undefined) {
    storage = Object.freeze<ResourceStorage>({
      resourceType,
      map: tableFor(resourceType),
      derivedColumns: [externalIdColumn],
      unique: [],
      sideTables: [],
      passwordHashColumn: undefined,
      excludedKeys: ['id', 'meta'],
      member: undefined,
    });
    genericStorages.set(resourceType, storage);
  }
  return storage;
}

/** `tenant_id = ? AND id = ?` (and the type, in the shared table): the primary key of one resource row, unaliased. */
export function rowKey(storage: ResourceStorage, tenantId: string, id: string): SqlFragment {
  const key = sql`tenant_id = ${parameter(tenantId)} AND id = ${parameter(id)}`;
  const { typeColumn } = storage.map;
  return typeColumn === undefined ? key : sql`${key} AND ${rawSql(typeColumn)} = ${parameter(storage.resourceType)}`;
}

/**
 * The tables a resource id is looked up in when its type is not known
 * (member checks): each with the SQL giving the type of a row.
 */
export const EXISTENCE_SOURCES: readonly { readonly table: string; readonly type: string }[] = Object.freeze([
  ...OWN_STORAGES.map((storage) => ({ table: storage.map.table, type: quoteSqlString(storage.resourceType) })),
  { table: GENERIC_TABLE, type: 'resource_type' },
]);

/** The types a group member can be, with how each reads as one. */
export const MEMBER_STORAGES: readonly (ResourceStorage & { readonly member: MemberFacts })[] = Object.freeze(
  OWN_STORAGES.filter((storage): storage is ResourceStorage & { readonly member: MemberFacts } => storage.member !== undefined),
);

/**
 * Group membership: rows of `table` keyed by (tenant_id, group_id,
 * member_id), with an index on (tenant_id, member_id); the groups are rows
 * of `groups` (their `display` is its display_name).
 */
export const MEMBERSHIPS = Object.freeze({ table: 'group_members', groups: groupStorage });
