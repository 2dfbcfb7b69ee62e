/**
 * Where each attribute lives in the relational schema. The compilers take
 * column names only from these maps, keyed by the canonical attribute path
 * the schema registry resolves (lower-cased); an attribute that is not here
 * is read from the `attributes` JSON column by its canonical JSON path.
 */
import type { ResourceTypeName } from '../../core/schema/attribute.js';
import { ROW_ALIAS } from './context.js';

/** A scalar attribute held in a column of the resource row (alias `r`). */
export interface ColumnMapping {
  readonly kind: 'column';
  /** Column with the value as stored. */
  readonly column: string;
  /** Column with the JavaScript `toLowerCase()` of the value, for case-insensitive attributes. */
  readonly foldedColumn?: string;
  readonly nullable: boolean;
}

/** A read-only attribute derived from row columns (`meta.version`, `meta.resourceType`). */
export interface DerivedMapping {
  readonly kind: 'derived';
  /** SQL over the row alias `r`, written here, never from client input. */
  readonly expression: string;
}

/** An attribute the database cannot filter or sort on; the reason is told to the client. */
export interface UnsupportedMapping {
  readonly kind: 'unsupported';
  readonly reason: string;
}

export type ScalarMapping = ColumnMapping | DerivedMapping | UnsupportedMapping;

/**
 * How an element column compares:
 * - `folded`: it holds the JavaScript `toLowerCase()` of a case-insensitive sub-attribute;
 * - `exact`: it holds a resource id, matched exactly whatever the schema's caseExact says;
 * - `schema`: it holds the value as sent; the sub-attribute's caseExact decides.
 */
export type ElementColumnComparison = 'folded' | 'exact' | 'schema';

/** A sub-attribute held in a column of an element table. */
export interface ElementColumn {
  readonly column: string;
  readonly comparison: ElementColumnComparison;
  readonly nullable: boolean;
}

/**
 * A multi-valued complex attribute whose elements are rows of a side table
 * keyed by (tenant_id, owner column). Sub-attributes missing from `columns`
 * are read from the JSON column instead (when `jsonFallback`), or rejected.
 */
export interface ElementTableMapping {
  readonly kind: 'elementTable';
  readonly table: string;
  readonly ownerColumn: string;
  /** Lower-cased sub-attribute name → column. */
  readonly columns: ReadonlyMap<string, ElementColumn>;
  /** The element's position in the attribute's array, for "first value" ordering. */
  readonly positionColumn: string | undefined;
  readonly primaryColumn: string | undefined;
  /** Whether the attribute is also in the JSON column (then unmapped sub-attributes are read there). */
  readonly jsonFallback: boolean;
  /** Sub-attributes that can be neither mapped nor read from JSON, with the reason. */
  readonly unsupported: ReadonlyMap<string, string>;
}

/**
 * A User's `groups`: every group the User reaches through `group_members`,
 * directly or through nested groups (RFC 7643 §4.1.2), computed by a
 * recursive query. `value` is the group's id, `display` its displayName.
 */
export interface MembershipClosureMapping {
  readonly kind: 'membershipClosure';
  readonly unsupported: ReadonlyMap<string, string>;
}

export type ElementMapping = ElementTableMapping | MembershipClosureMapping;

export interface ResourceTableMap {
  readonly resourceType: ResourceTypeName;
  /** The table as SQL text (quoted where a database reserves the name: GROUPS in MySQL 8). */
  readonly table: string;
  /** The column naming each row's type, in a table several types share; undefined for a table of one type. */
  readonly typeColumn: string | undefined;
  /** Lower-cased canonical path → scalar mapping. */
  readonly scalars: ReadonlyMap<string, ScalarMapping>;
  /** Lower-cased canonical path of a multi-valued attribute → its element rows. */
  readonly elements: ReadonlyMap<string, ElementMapping>;
}

const META_LOCATION_REASON =
  'meta.location is built from the request\'s base URL and is not stored; filter on "id" instead';

function commonScalars(): [string, ScalarMapping][] {
  return [
    ['id', { kind: 'column', column: 'id', nullable: false }],
    ['externalid', { kind: 'column', column: 'external_id', nullable: true }],
    ['meta.created', { kind: 'column', column: 'created', nullable: false }],
    ['meta.lastmodified', { kind: 'column', column: 'last_modified', nullable: false }],
    // The entity tag the HTTP layer sends (src/core/etag): W/"<version>".
    ['meta.version', { kind: 'derived', expression: `('W/"' || r.version || '"')` }],
    ['meta.location', { kind: 'unsupported', reason: META_LOCATION_REASON }],
    // `meta` itself is always present; only "meta pr" can name it (comparisons need a sub-attribute).
    ['meta', { kind: 'derived', expression: 'r.created' }],
  ];
}

export const usersTable: ResourceTableMap = Object.freeze({
  resourceType: 'User',
  table: 'users',
  typeColumn: undefined,
  scalars: new Map<string, ScalarMapping>([
    ...commonScalars(),
    ['meta.resourcetype', { kind: 'derived', expression: `'User'` }],
    ['username', { kind: 'column', column: 'user_name', foldedColumn: 'user_name_ci', nullable: false }],
    ['displayname', { kind: 'column', column: 'display_name', nullable: true }],
    ['active', { kind: 'column', column: 'active', nullable: true }],
  ]),
  elements: new Map<string, ElementMapping>([
    [
      'emails',
      {
        kind: 'elementTable',
        table: 'user_emails',
        ownerColumn: 'user_id',
        columns: new Map<string, ElementColumn>([
          ['value', { column: 'value_ci', comparison: 'folded', nullable: true }],
          ['type', { column: 'type_ci', comparison: 'folded', nullable: true }],
          ['primary', { column: 'is_primary', comparison: 'schema', nullable: true }],
        ]),
        positionColumn: 'position',
        primaryColumn: 'is_primary',
        jsonFallback: true,
        unsupported: new Map(),
      },
    ],
    [
      'groups',
      {
        kind: 'membershipClosure',
        unsupported: new Map([
          ['type', 'groups.type ("direct" or "indirect") is computed per response and cannot be filtered on'],
          ['$ref', 'groups.$ref is built from the request\'s base URL; filter on "groups.value" instead'],
        ]),
      },
    ],
  ]),
});

export const groupsTable: ResourceTableMap = Object.freeze({
  resourceType: 'Group',
  table: '"groups"',
  typeColumn: undefined,
  scalars: new Map<string, ScalarMapping>([
    ...commonScalars(),
    ['meta.resourcetype', { kind: 'derived', expression: `'Group'` }],
    ['displayname', { kind: 'column', column: 'display_name', foldedColumn: 'display_name_ci', nullable: true }],
  ]),
  elements: new Map<string, ElementMapping>([
    [
      'members',
      {
        kind: 'elementTable',
        table: 'group_members',
        ownerColumn: 'group_id',
        columns: new Map<string, ElementColumn>([
          // Member ids are resource ids, which are caseExact (RFC 7643 §3.1),
          // so they are matched exactly and the (tenant_id, member_id) index applies.
          ['value', { column: 'member_id', comparison: 'exact', nullable: false }],
          ['type', { column: 'member_type', comparison: 'schema', nullable: false }],
        ]),
        positionColumn: undefined,
        primaryColumn: undefined,
        jsonFallback: false,
        unsupported: new Map([
          ['display', 'members.display is read from each member resource and cannot be filtered on; filter on "members.value"'],
          ['$ref', 'members.$ref is built from the request\'s base URL; filter on "members.value" instead'],
        ]),
      },
    ],
  ]),
});

/** The types with tables of their own; every other type lives in GENERIC_TABLE. */
const OWN_TABLES: Readonly<Record<string, ResourceTableMap>> = Object.freeze({ User: usersTable, Group: groupsTable });

/**
 * The table every resource type without one of its own shares (migration
 * 0007-resources): the common attributes have columns, everything else is
 * read from the JSON.
 */
export const GENERIC_TABLE = 'resources';

const genericTables = new Map<string, ResourceTableMap>();

function genericTable(resourceType: ResourceTypeName): ResourceTableMap {
  let table = genericTables.get(resourceType);
  if (table === undefined) {
    table = Object.freeze({
      resourceType,
      table: GENERIC_TABLE,
      typeColumn: 'resource_type',
      scalars: new Map<string, ScalarMapping>([...commonScalars(), ['meta.resourcetype', { kind: 'derived', expression: `${ROW_ALIAS}.resource_type` }]]),
      elements: new Map<string, ElementMapping>(),
    });
    genericTables.set(resourceType, table);
  }
  return table;
}

export function tableFor(resourceType: ResourceTypeName): ResourceTableMap {
  return Object.hasOwn(OWN_TABLES, resourceType) ? OWN_TABLES[resourceType]! : genericTable(resourceType);
}
