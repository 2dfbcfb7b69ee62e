/**
 * What the differential tests of the SQL stores (src/store/sqlite and
 * src/store/postgres differential.test.ts) share: the seeded users, the
 * hand-written filters and the fast-check filter arbitraries. Each store
 * passes its own word lists, since PostgreSQL cannot store U+0000 and adds
 * text where its lower() differs from JavaScript's.
 */
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { ScimError } from '../../src/core/errors/scim-error.js';
import { filterNodes, type ComparisonOperator, type ComparisonValue, type FilterNode } from '../../src/core/filter/ast.js';
import { parseFilter } from '../../src/core/filter/parser.js';
import { printFilter } from '../../src/core/filter/print.js';
import { attribute, complex, type SchemaDefinition } from '../../src/core/schema/attribute.js';
import { createDefaultRegistry, type SchemaRegistry } from '../../src/core/schema/registry.js';
import { evaluateFilter } from '../../src/core/filter/evaluate.js';
import type { ResourceSchemas } from '../../src/core/schema/registry.js';
import type { SortSpec, Store, StoredResource } from '../../src/store/store.js';

export const CORE_USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const ENTERPRISE_USER = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
/** A custom extension with multi-valued attributes: complex without a `value` sub-attribute, and simple. */
export const BADGES_USER = 'urn:example:params:scim:schemas:extension:badges:2.0:User';

const badgesSchema: SchemaDefinition = {
  id: BADGES_USER,
  name: 'Badges',
  description: 'Multi-valued extension attributes for the differential tests',
  attributes: [
    complex('badges', [attribute('name', 'string'), attribute('level', 'integer')], { multiValued: true }),
    attribute('tags', 'string', { multiValued: true }),
  ],
};

/** The schemas the differential tests run with: the default ones and the badges extension. */
export function differentialRegistry(): SchemaRegistry {
  return createDefaultRegistry([{ resourceType: 'User', schema: badgesSchema }]);
}

/**
 * Every multi-valued complex attribute of a User the store keeps (`groups`
 * is computed from memberships; see members.contract.ts), with a
 * sub-attribute and a value to compare it with. `addresses` and `badges`
 * have no `value` sub-attribute: `pr` on them tests the elements themselves.
 */
const MULTI_VALUED_COMPLEX: readonly (readonly [string, string, string])[] = [
  ['emails', 'type', 'work'],
  ['phoneNumbers', 'type', 'work'],
  ['ims', 'type', 'xmpp'],
  ['photos', 'type', 'photo'],
  ['addresses', 'type', 'work'],
  ['entitlements', 'type', 'work'],
  ['roles', 'type', 'work'],
  ['x509Certificates', 'type', 'work'],
  [`${BADGES_USER}:badges`, 'name', 'gold'],
];

/**
 * `pr`, `eq null`, `ne null`, `not (… pr)`, and `ne` next to its value-path
 * spelling and to `not (… eq …)`, on every multi-valued attribute; and
 * presence of the single-valued complex ones.
 */
function multiValuedFilters(): string[] {
  const filters: string[] = [];
  for (const [name, sub, value] of MULTI_VALUED_COMPLEX) {
    filters.push(
      `${name} pr`,
      `${name} eq null`,
      `${name} ne null`,
      `not (${name} pr)`,
      `${name}.${sub} pr`,
      `${name}.${sub} eq "${value}"`,
      `${name}.${sub} ne "${value}"`,
      `${name}[${sub} ne "${value}"]`,
      `not (${name}.${sub} eq "${value}")`,
      `${name}.${sub} ne "${value.toUpperCase()}"`,
    );
  }
  filters.push(
    'emails ne "one@example.com"',
    'roles ne "admin"',
    'roles[value ne "admin" and primary eq true]',
    'addresses.locality ne "Paris"',
    'addresses[locality ne "Paris"]',
    'addresses.postalCode pr',
    `${BADGES_USER}:badges.level ne 3`,
    `${BADGES_USER}:badges[level ne 3]`,
    `${BADGES_USER}:tags pr`,
    `${BADGES_USER}:tags eq null`,
    `not (${BADGES_USER}:tags pr)`,
    `${BADGES_USER}:tags eq "red"`,
    `${BADGES_USER}:tags ne "red"`,
    `not (${BADGES_USER}:tags eq "red")`,
    'name eq null',
    'not (name pr)',
    'name.givenName ne "alice"',
    `${ENTERPRISE_USER}:manager eq null`,
    `not (${ENTERPRISE_USER}:manager pr)`,
  );
  return filters;
}

/**
 * Pairs of filters that must select the same users, one comparing a
 * sub-attribute of every element, the other the same sub-attribute in a
 * value filter: RFC 7644 §3.4.2.2 reads both as "some element matches".
 * (`eq null` is left out: `emails.type eq null` means no email has a type,
 * `emails[type eq null]` that some email has none.) This is what catches
 * a store and an evaluator that agree with each other on a wrong reading,
 * such as `ne` taken as `not (eq)`.
 */
export function equivalentSpellings(): readonly (readonly [string, string])[] {
  const pairs: [string, string][] = [];
  for (const [name, sub, value] of MULTI_VALUED_COMPLEX) {
    for (const operator of ['eq', 'ne', 'co', 'sw']) {
      pairs.push([`${name}.${sub} ${operator} "${value}"`, `${name}[${sub} ${operator} "${value}"]`]);
    }
    pairs.push([`${name}.${sub} ne "${value.toUpperCase()}"`, `${name}[${sub} ne "${value.toUpperCase()}"]`]);
    pairs.push([`${name}.${sub} pr`, `${name}[${sub} pr]`]);
  }
  pairs.push(['emails ne "one@example.com"', 'emails[value ne "one@example.com"]'], ['roles ne ""', 'roles[value ne ""]']);
  return pairs;
}

/**
 * Users with none, empty, hollow, one and several elements of every
 * multi-valued attribute (see MULTI_VALUED_COMPLEX), elements that lack
 * `value` or `type`, and hollow single-valued complex attributes.
 */
export function multiValuedUsers(): GeneratedUser[] {
  const at = INSTANTS[1] ?? '';
  const make = (id: string, attributes: Record<string, unknown>): GeneratedUser => ({ id: `m-${id}`, attributes: { schemas: [CORE_USER], userName: `mv-${id}`, ...attributes }, now: at });
  return [
    make('none', {}),
    make('empty', { emails: [], phoneNumbers: [], ims: [], photos: [], addresses: [], entitlements: [], roles: [], x509Certificates: [], [BADGES_USER]: { badges: [], tags: [] } }),
    make('hollow', {
      name: { givenName: '' },
      addresses: [{}],
      photos: [{ type: '' }],
      roles: [{ value: '' }],
      ims: [{ display: '' }],
      [ENTERPRISE_USER]: { manager: { value: '' } },
      [BADGES_USER]: { badges: [{}, { name: '' }], tags: [''] },
    }),
    make('one', {
      emails: [{ value: 'one@example.com', type: 'work' }],
      phoneNumbers: [{ value: 'tel:+1-555-0001', type: 'work' }],
      ims: [{ value: 'one@foo.com', type: 'xmpp' }],
      photos: [{ value: 'https://photos.example.com/one.jpg', type: 'photo' }],
      addresses: [{ locality: 'Paris', type: 'work' }],
      entitlements: [{ value: 'read', type: 'work' }],
      roles: [{ value: 'admin', type: 'work' }],
      x509Certificates: [{ value: 'MIIDQzCCAqygAwIBAgICEAA=', type: 'work' }],
      [BADGES_USER]: { badges: [{ name: 'gold', level: 3 }], tags: ['red'] },
    }),
    make('several', {
      emails: [
        { value: 'one@example.com', type: 'work' },
        { value: 'two@example.org', type: 'home' },
      ],
      phoneNumbers: [
        { value: 'tel:+1-555-0002', type: 'WORK' },
        { value: 'tel:+1-555-0003', type: 'mobile' },
      ],
      ims: [{ value: 'a@foo.com', type: 'xmpp' }, { value: 'b@foo.com', type: 'aim' }],
      photos: [{ value: 'https://photos.example.com/a.jpg', type: 'photo' }, { value: 'https://photos.example.com/b.jpg', type: 'thumbnail' }],
      addresses: [
        { type: 'work', country: 'FR', locality: 'Paris' },
        { type: 'home', formatted: '1 Main St' },
      ],
      entitlements: [{ value: 'read', type: 'work' }, { value: 'write' }],
      roles: [
        { value: 'admin', type: 'work' },
        { value: 'dev', type: 'home', primary: true },
      ],
      x509Certificates: [{ value: 'MIIDQzCCAqygAwIBAgICEAA=', type: 'work' }, { value: 'MIIDQzCCAqygAwIBAgICEAB=' }],
      [BADGES_USER]: { badges: [{ name: 'gold', level: 3 }, { name: 'silver', level: 2 }], tags: ['red', 'blue'] },
    }),
    // Elements without the sub-attribute compared: "ne" holds for them (absent differs), in both spellings.
    make('untyped', {
      emails: [{ value: 'untyped@example.com' }],
      addresses: [{ formatted: 'Somewhere' }],
      roles: [{ value: 'guest' }],
      [BADGES_USER]: { badges: [{ level: 1 }] },
    }),
    // A present element after hollow ones.
    make('mixed', { addresses: [{}, { region: '' }, { postalCode: '75001' }], photos: [{ type: '' }, { value: 'https://photos.example.com/c.jpg' }], name: {} }),
    // Only elements that equal: "ne" fails, "not (eq)" fails too.
    make('only-work', {
      emails: [{ value: 'w1@example.com', type: 'work' }, { value: 'w2@example.com', type: 'Work' }],
      addresses: [{ type: 'work', locality: 'Lyon' }],
      [BADGES_USER]: { badges: [{ name: 'Gold' }], tags: ['red', 'RED'] },
    }),
  ];
}

export const DOMAINS = ['example.com', 'EXAMPLE.com', 'example.org', 'exämple.net', 'foo.com'];
export const TYPES = ['work', 'Work', 'home', 'HOME', 'other', ''];
export const INSTANTS = ['2009-06-01T00:00:00.000Z', '2011-05-13T04:42:33.999Z', '2011-05-13T04:42:34.000Z', '2011-05-13T04:42:35.000Z', '2020-02-29T12:00:00.000Z'];

/** The ids a filter selects (or the error it raises) in a store and in the in-memory evaluator. */
export interface FilterOutcomes {
  readonly sql: string[] | string;
  readonly memory: string[] | string;
}

/** One user to insert: its id, attributes, and the instant it is created at. */
export interface GeneratedUser {
  readonly id: string;
  readonly attributes: Record<string, unknown>;
  readonly now: string;
}

const path_ = filterNodes.attributePath;

/** mulberry32: a tiny seeded generator, so the users are the same on every run. */
function seededRandom(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * `count` users plus one holding values of the wrong JSON type, drawn from
 * `words` by a generator seeded the same on every run: the same words give the
 * same users.
 */
export function generateUsers(count: number, words: readonly string[]): GeneratedUser[] {
  const random = seededRandom(7643);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const maybe = (probability: number) => random() < probability;
  const users: GeneratedUser[] = [];
  for (let index = 0; index < count; index += 1) {
    const attributes: Record<string, unknown> = { schemas: [CORE_USER], userName: `${pick(words)}-${index}` };
    if (maybe(0.6)) attributes['displayName'] = pick(words);
    if (maybe(0.5)) attributes['title'] = pick(words);
    if (maybe(0.4)) attributes['externalId'] = pick(['EXT-1', 'ext-1', 'Ext-2', '']);
    if (maybe(0.6)) attributes['active'] = maybe(0.5);
    if (maybe(0.5)) attributes['name'] = maybe(0.2) ? {} : { familyName: pick(words), ...(maybe(0.5) ? { givenName: pick(words) } : {}) };
    if (maybe(0.8)) {
      const emails = [];
      const emailCount = Math.floor(random() * 4);
      for (let position = 0; position < emailCount; position += 1) {
        const email: Record<string, unknown> = {};
        if (maybe(0.9)) email['value'] = `${pick(words)}@${pick(DOMAINS)}`;
        if (maybe(0.7)) email['type'] = pick(TYPES);
        if (maybe(0.4)) email['primary'] = maybe(0.5);
        if (maybe(0.2)) email['display'] = pick(words);
        emails.push(email);
      }
      attributes['emails'] = emails;
    }
    if (maybe(0.4)) {
      attributes['phoneNumbers'] = [{ value: `tel:+1-555-${1000 + index}`, type: pick(['work', 'mobile', 'Mobile']) }];
    }
    if (maybe(0.2)) attributes['ims'] = [{ value: `${pick(words)}@foo.com`, type: pick(['xmpp', 'XMPP', 'aim']) }];
    if (maybe(0.4)) {
      attributes['schemas'] = [CORE_USER, ENTERPRISE_USER];
      const enterprise: Record<string, unknown> = {};
      if (maybe(0.7)) enterprise['department'] = pick(words);
      if (maybe(0.5)) enterprise['employeeNumber'] = String(100 + Math.floor(random() * 5));
      if (maybe(0.5)) enterprise['manager'] = maybe(0.8) ? { value: `d-${String(Math.floor(random() * count)).padStart(2, '0')}` } : {};
      attributes[ENTERPRISE_USER] = enterprise;
    }
    const now = pick(INSTANTS);
    if (maybe(0.4)) {
      attributes['addresses'] = Array.from({ length: Math.floor(random() * 3) }, () =>
        maybe(0.2) ? {} : { ...(maybe(0.7) ? { type: pick(TYPES) } : {}), ...(maybe(0.6) ? { locality: pick(words) } : {}) },
      );
    }
    if (maybe(0.3)) attributes['roles'] = Array.from({ length: 1 + Math.floor(random() * 2) }, () => ({ value: pick(['admin', 'dev', '']), ...(maybe(0.5) ? { type: pick(TYPES) } : {}) }));
    if (maybe(0.3)) {
      attributes[BADGES_USER] = {
        badges: Array.from({ length: Math.floor(random() * 3) }, () => (maybe(0.2) ? {} : { name: pick(['gold', 'Gold', 'silver', '']), level: Math.floor(random() * 4) })),
        tags: Array.from({ length: Math.floor(random() * 3) }, () => pick(['red', 'RED', 'blue', ''])),
      };
    }
    users.push({ id: `d-${String(index).padStart(2, '0')}`, attributes, now });
  }
  // Values of the wrong JSON type where the store reads JSON: they never
  // match a comparison but count for "pr", in both implementations.
  users.push({
    id: `d-${count}`,
    attributes: { schemas: [CORE_USER], userName: 'odd-types', title: 42, nickName: '', phoneNumbers: ['tel:+1-555-0000', { value: 5, type: 'work' }] },
    now: INSTANTS[2] ?? '',
  });
  return users;
}

/**
 * The ids `filter` selects among `resources` in memory and in `store`'s
 * tenant (both in id order, code-point order of ASCII ids), or the error's scimType.
 */
export async function filterOutcomes(store: Store, tenantId: string, resources: readonly Record<string, unknown>[], schemas: ResourceSchemas, filter: FilterNode): Promise<FilterOutcomes> {
  let memory: string[] | string;
  try {
    memory = resources
      .filter((resource) => evaluateFilter(filter, resource, schemas))
      .map((resource) => String(resource['id']))
      .sort();
  } catch (error) {
    if (!(error instanceof ScimError)) throw error;
    memory = `error ${error.scimType ?? error.status}`;
  }
  return { sql: await storeIds(store, schemas, tenantId, filter), memory };
}

/** The ids `store` selects for `filter` in the tenant (all of them, by id), or the error's scimType. */
export async function storeIds(store: Store, schemas: ResourceSchemas, tenantId: string, filter: FilterNode | undefined, sort?: SortSpec): Promise<string[] | string> {
  try {
    const result = await store.reader.listResources(tenantId, 'User', { schemas, filter, sort, startIndex: 1, count: 1000 });
    expect(result.totalResults).toBe(result.resources.length);
    return result.resources.map((resource) => resource.id);
  } catch (error) {
    if (!(error instanceof ScimError)) throw error;
    return `error ${error.scimType ?? error.status}`;
  }
}

let randomTenants = 0;

const BRACKETABLE = new Set(['emails', 'addresses', 'roles']);

/** `A.sub op v` (v not null) as the value filter `A[sub op v]`, for the multi-valued complex attributes the random users hold. */
function bracketedSpelling(filter: FilterNode): FilterNode | undefined {
  if (filter.kind !== 'Comparison' || filter.value === null) return undefined;
  const { path } = filter;
  if (path.schema !== undefined || path.subAttribute === undefined || !BRACKETABLE.has(path.name)) return undefined;
  return filterNodes.valuePath(path_(path.name), filterNodes.comparison(path_(path.subAttribute), filter.operator, filter.value));
}

/**
 * Random directories × random filters (fixed seed, 60 runs): each run stores
 * its users in a tenant of its own and expects the store to select what the
 * evaluator does, for each of its filters.
 */
export async function expectAgreementOnGeneratedDirectories(store: Store, schemas: ResourceSchemas): Promise<void> {
  await fc.assert(
    fc.asyncProperty(fc.array(randomUserAttributes, { minLength: 1, maxLength: 6 }), fc.array(randomUserFilter, { minLength: 1, maxLength: 6 }), async (users, filters) => {
      const tenantId = `random-${randomTenants++}`;
      await store.tenants.ensureTenant(tenantId, 'Random directory', INSTANTS[0] ?? '');
      const stored = await store.transaction(async (writer) => {
        const inserted: StoredResource[] = [];
        for (const [index, attributes] of users.entries()) {
          const userName = `random-${index}`;
          inserted.push(await writer.insertResource({ tenantId, resourceType: 'User', id: `r-${index}`, attributes: { ...attributes, userName }, passwordHash: undefined, now: INSTANTS[1] ?? '' }));
        }
        return inserted;
      });
      const resources = stored.map(fullResource);
      for (const filter of filters) {
        const outcomes = await filterOutcomes(store, tenantId, resources, schemas, filter);
        expect(outcomes.sql, printFilter(filter)).toEqual(outcomes.memory);
        // `emails.type op v` and `emails[type op v]` are two spellings of one filter (see equivalentSpellings).
        const bracketed = bracketedSpelling(filter);
        if (bracketed !== undefined) expect(await filterOutcomes(store, tenantId, resources, schemas, bracketed), printFilter(bracketed)).toEqual(outcomes);
      }
    }),
    { numRuns: 60, seed: 7643 },
  );
}

/** The resource as clients see it, which is what the evaluator filters: attributes, id and meta. */
export function fullResource(stored: StoredResource): Record<string, unknown> {
  return {
    ...stored.attributes,
    id: stored.id,
    meta: { resourceType: stored.resourceType, created: stored.created, lastModified: stored.lastModified, version: `W/"${stored.version}"` },
  };
}

/**
 * Filters chosen by hand for the cases the generator would rarely reach:
 * case folding, LIKE metacharacters, U+0000, absent and empty values, wrong
 * JSON types, extension attributes, meta and precedence. `dialectFilters` are
 * one store's additions, placed after the shared U+0000 case.
 */
export function handWrittenFilters(dialectFilters: readonly string[] = []): readonly string[] {
  return [
    'userName eq "alice-0"',
    'userName sw "ALICE"',
    'userName co "é"',
    'userName ew "-1"',
    'userName gt "o"',
    'userName le "b"',
    'displayName eq "émile"',
    'displayName eq "ÉMILE"',
    'displayName co "STRASSE"',
    'displayName co "straße"',
    'displayName sw "i̇"',
    'displayName co "%"',
    'displayName co "\\u0000b"',
    // A store's own cases (PostgreSQL: U+0000 and its own lower()) go here, so
    // every shared case keeps its place in the run.
    ...dialectFilters,
    'displayName ew "\\u0000byte"',
    'displayName sw "nul\\u0000"',
    'displayName gt "nul"',
    'displayName co "_"',
    'displayName co "\\\\"',
    'displayName ew "😀 SMILE"',
    'displayName eq ""',
    'displayName pr',
    'displayName eq null',
    'displayName ne null',
    'not (displayName pr)',
    'title ne "Tour Guide"',
    'not (title eq "tour guide")',
    'title co ""',
    'title gt "a" and title lt "p"',
    'externalId eq "EXT-1"',
    'externalId eq "ext-1"',
    'externalId pr',
    'externalId co "xt"',
    'externalId sw ""',
    'active eq true',
    'active ne true',
    'not (active eq false)',
    'name pr',
    'name.familyName pr',
    'name.familyName eq "zoë"',
    'name.familyName co "O"',
    'name.givenName ne "alice"',
    'emails pr',
    'emails eq null',
    'emails co "example.com"',
    'emails.value ew "EXAMPLE.COM"',
    'emails.value co "ä"',
    'emails.type eq "work"',
    'emails.type ne "work"',
    'emails.type eq ""',
    'emails.type pr',
    'emails.primary eq true',
    'emails.primary ne false',
    'emails.display pr',
    'emails[type eq "work" and value co "example"]',
    'emails[type eq "home" or primary eq true]',
    'emails[not (type eq "work")]',
    'emails[value pr and not (type pr)]',
    'emails[display co "a" or value sw "bob"]',
    'not (emails[type eq "work"])',
    'emails[type eq "work"] and emails[type eq "home"]',
    'phoneNumbers[type eq "mobile"]',
    'phoneNumbers.value sw "tel:+1-555-10"',
    'phoneNumbers.value pr',
    'phoneNumbers.value sw "5"',
    'phoneNumbers[not (type eq "mobile")]',
    'title pr and not (title gt "")',
    'title eq "42"',
    'nickName pr',
    'nickName eq null',
    'ims[type eq "xmpp" and value co "@foo.com"]',
    ...multiValuedFilters(),
    'schemas eq "urn:ietf:params:scim:schemas:extension:enterprise:2.0:user"',
    'schemas ne "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"',
    `${ENTERPRISE_USER}:department pr`,
    `${ENTERPRISE_USER}:department eq "ALICE"`,
    `${ENTERPRISE_USER}:department ne "alice"`,
    `${ENTERPRISE_USER}:employeeNumber ge "102"`,
    `${ENTERPRISE_USER}:manager pr`,
    `${ENTERPRISE_USER}:manager.value sw "D-0"`,
    'id eq "d-03"',
    'id eq "D-03"',
    'id gt "d-20"',
    'meta.lastModified gt "2011-05-13T04:42:34Z"',
    'meta.lastModified ge "2011-05-13T06:42:34+02:00"',
    'meta.lastModified lt "2011-05-13T04:42:34.0001Z"',
    'meta.created le "2011-05-13T04:42:34Z"',
    'meta.created lt "10000-01-01T00:00:00Z"',
    'meta.created gt "-0001-01-01T00:00:00Z"',
    'meta.created eq "2020-02-29T12:00:00Z"',
    'meta.resourceType eq "User"',
    'meta.resourceType eq "user"',
    'meta.version eq "W/\\"1\\""',
    'meta pr',
    'userName pr or title pr and not (displayName pr)',
    '(userName pr or title pr) and not (displayName pr)',
  ];
}

const BOOLEAN_OPERATORS: readonly ComparisonOperator[] = ['eq', 'ne'];
const ALL_OPERATORS: readonly ComparisonOperator[] = ['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le'];

/** Filters inside a value path's brackets, on the sub-attributes of emails and phone numbers. */
const elementComparison: fc.Arbitrary<FilterNode> = fc.oneof(
  fc.tuple(fc.constantFrom<ComparisonOperator>('eq', 'ne', 'co', 'sw', 'ew'), fc.constantFrom('work', 'HOME', 'o', '')).map(([operator, value]) =>
    filterNodes.comparison(path_('type'), operator, value),
  ),
  fc.tuple(fc.constantFrom<ComparisonOperator>('eq', 'co', 'ew', 'gt'), fc.constantFrom('example.com', 'bob', 'ä', 'n')).map(([operator, value]) =>
    filterNodes.comparison(path_('value'), operator, value),
  ),
  fc.boolean().map((value) => filterNodes.comparison(path_('primary'), 'eq', value)),
  fc.constantFrom('type', 'value', 'primary', 'display').map((name) => filterNodes.present(path_(name))),
);

const elementFilter: fc.Arbitrary<FilterNode> = fc.letrec<{ node: FilterNode }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    elementComparison,
    fc.tuple(fc.constantFrom<'and' | 'or'>('and', 'or'), tie('node'), tie('node')).map(([operator, left, right]) => filterNodes.logical(operator, left, right)),
    tie('node').map((inner) => filterNodes.not(inner)),
  ),
})).node;

const valuePathArbitrary: fc.Arbitrary<FilterNode> = fc
  .tuple(fc.constantFrom('emails', 'phoneNumbers', 'roles'), elementFilter)
  .map(([name, inner]) => filterNodes.valuePath(path_(name), inner));

/**
 * Random filters over the generated users' attributes: comparisons, presence,
 * value paths and their and/or/not combinations. `filterWords` are the text
 * values compared against (a store may send words it cannot store); the same
 * words and seed give the same fast-check runs.
 */
export function filterArbitrary(filterWords: readonly string[]): fc.Arbitrary<FilterNode> {
  /** Attribute paths the generated filters compare, with values of their type. */
  const comparablePaths: readonly { readonly path: () => ReturnType<typeof path_>; readonly values: fc.Arbitrary<ComparisonValue> }[] = [
    { path: () => path_('userName'), values: fc.constantFrom('alice-0', 'ALICE', 'é', '-1', 'o', '') },
    { path: () => path_('displayName'), values: fc.constantFrom(...filterWords, 'STRASSE', 'émile', 'a') },
    { path: () => path_('title'), values: fc.constantFrom(...filterWords, null) },
    { path: () => path_('externalId'), values: fc.constantFrom('EXT-1', 'ext-1', 'xt', '', null) },
    { path: () => path_('active'), values: fc.boolean() },
    { path: () => path_('name', { subAttribute: 'familyName' }), values: fc.constantFrom(...filterWords, null) },
    { path: () => path_('emails'), values: fc.constantFrom('example.com', 'EXAMPLE', 'ä', '@', 'bob@foo.com', null) },
    { path: () => path_('emails', { subAttribute: 'type' }), values: fc.constantFrom(...TYPES, null) },
    { path: () => path_('emails', { subAttribute: 'primary' }), values: fc.boolean() },
    { path: () => path_('phoneNumbers', { subAttribute: 'type' }), values: fc.constantFrom('work', 'MOBILE') },
    // Complex attributes without `value`: only null compares with them (and `pr`).
    { path: () => path_('addresses'), values: fc.constant(null) },
    { path: () => path_('addresses', { subAttribute: 'type' }), values: fc.constantFrom(...TYPES, null) },
    { path: () => path_('roles'), values: fc.constantFrom('admin', 'ADMIN', 'd', '', null) },
    { path: () => path_('badges', { schema: BADGES_USER }), values: fc.constant(null) },
    { path: () => path_('badges', { schema: BADGES_USER, subAttribute: 'name' }), values: fc.constantFrom('gold', 'GOLD', '', null) },
    { path: () => path_('tags', { schema: BADGES_USER }), values: fc.constantFrom('red', 'BLUE', 'e', '', null) },
    { path: () => path_('name'), values: fc.constant(null) },
    { path: () => path_('department', { schema: ENTERPRISE_USER }), values: fc.constantFrom(...filterWords) },
    { path: () => path_('manager', { schema: ENTERPRISE_USER, subAttribute: 'value' }), values: fc.constantFrom('d-03', 'D-03', 'd-1') },
    { path: () => path_('meta', { subAttribute: 'lastModified' }), values: fc.constantFrom(...INSTANTS, '2011-05-13T06:42:34+02:00') },
    { path: () => path_('id'), values: fc.constantFrom('d-03', 'D-03', 'd-2') },
  ];

  const comparisonArbitrary: fc.Arbitrary<FilterNode> = fc
    .constantFrom(...comparablePaths)
    .chain((candidate) =>
      fc.tuple(fc.constant(candidate), candidate.values, fc.constantFrom(...ALL_OPERATORS), fc.constantFrom(...BOOLEAN_OPERATORS)),
    )
    .map(([candidate, value, operator, equality]) => {
      // null and booleans compare with eq/ne only; the invalid combinations are
      // covered by the hand-written cases, so generated ones stay meaningful.
      const usable = value === null || typeof value === 'boolean' ? equality : operator;
      return filterNodes.comparison(candidate.path(), usable, value);
    });

  const presentArbitrary: fc.Arbitrary<FilterNode> = fc
    .constantFrom(...comparablePaths)
    .map((candidate) => filterNodes.present(candidate.path()));

  const anyFilter: fc.Arbitrary<FilterNode> = fc.letrec<{ node: FilterNode }>((tie) => ({
    node: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      comparisonArbitrary,
      presentArbitrary,
      valuePathArbitrary,
      fc.tuple(fc.constantFrom<'and' | 'or'>('and', 'or'), tie('node'), tie('node')).map(([operator, left, right]) => filterNodes.logical(operator, left, right)),
      tie('node').map((inner) => filterNodes.not(inner)),
    ),
  })).node;

  return anyFilter;
}

/** Small pools, so that generated filters often hit generated values. */
const SUB_TEXT = ['work', 'Work', 'home', ''];
const optionalText = (values: readonly string[]) => fc.option(fc.constantFrom(...values), { nil: undefined });

/** An element object built from optional members: absent members are left out, as the store would keep them. */
function elementArbitrary(members: Record<string, fc.Arbitrary<string | number | boolean | undefined>>): fc.Arbitrary<Record<string, unknown>> {
  return fc.record(members).map((element) => Object.fromEntries(Object.entries(element).filter(([, value]) => value !== undefined)));
}

/**
 * A random user: each multi-valued attribute absent, empty, or with one to
 * three elements that may lack any member (also `value` and `type`), and
 * hollow or filled `name`. The id is given by the caller.
 */
export const randomUserAttributes: fc.Arbitrary<Record<string, unknown>> = fc
  .record(
    {
      title: optionalText(['Tour Guide', 'work', '']),
      name: fc.option(elementArbitrary({ givenName: optionalText(['Ann', '']), familyName: optionalText(['Lee']) }), { nil: undefined }),
      emails: fc.option(fc.array(elementArbitrary({ value: optionalText(['a@example.com', 'B@example.com', '']), type: optionalText(SUB_TEXT), primary: fc.option(fc.boolean(), { nil: undefined }) }), { maxLength: 3 }), { nil: undefined }),
      addresses: fc.option(fc.array(elementArbitrary({ type: optionalText(SUB_TEXT), locality: optionalText(['Paris', 'paris', '']) }), { maxLength: 3 }), { nil: undefined }),
      roles: fc.option(fc.array(elementArbitrary({ value: optionalText(['admin', 'Admin', '']), type: optionalText(SUB_TEXT) }), { maxLength: 3 }), { nil: undefined }),
      badges: fc.option(fc.array(elementArbitrary({ name: optionalText(['gold', 'Gold', '']), level: fc.option(fc.integer({ min: 0, max: 3 }), { nil: undefined }) }), { maxLength: 3 }), { nil: undefined }),
      tags: fc.option(fc.array(fc.constantFrom('red', 'RED', 'blue', ''), { maxLength: 3 }), { nil: undefined }),
    },
    { requiredKeys: [] },
  )
  .map(({ badges, tags, ...core }) => {
    const attributes: Record<string, unknown> = { schemas: [CORE_USER], ...Object.fromEntries(Object.entries(core).filter(([, value]) => value !== undefined)) };
    if (badges !== undefined || tags !== undefined) {
      attributes[BADGES_USER] = { ...(badges !== undefined ? { badges } : {}), ...(tags !== undefined ? { tags } : {}) };
    }
    return attributes;
  });

/** Filters over the attributes `randomUserAttributes` fills: presence, null, and every operator on multi-valued sub-attributes. */
export const randomUserFilter: fc.Arbitrary<FilterNode> = (() => {
  const whole = fc.constantFrom(path_('emails'), path_('addresses'), path_('roles'), path_('name'), path_('title'), path_('badges', { schema: BADGES_USER }), path_('tags', { schema: BADGES_USER }));
  const texts = fc.constantFrom('work', 'WORK', 'home', 'paris', 'admin', 'gold', 'red', 'a@example.com', 'o', '');
  const subPaths = fc.constantFrom(
    path_('emails', { subAttribute: 'type' }),
    path_('emails', { subAttribute: 'value' }),
    path_('addresses', { subAttribute: 'type' }),
    path_('addresses', { subAttribute: 'locality' }),
    path_('roles', { subAttribute: 'value' }),
    path_('roles', { subAttribute: 'type' }),
    path_('badges', { schema: BADGES_USER, subAttribute: 'name' }),
    path_('tags', { schema: BADGES_USER }),
    path_('name', { subAttribute: 'givenName' }),
    path_('title'),
  );
  const leaf: fc.Arbitrary<FilterNode> = fc.oneof(
    whole.map((path) => filterNodes.present(path)),
    fc.tuple(whole, fc.constantFrom<ComparisonOperator>('eq', 'ne')).map(([path, operator]) => filterNodes.comparison(path, operator, null)),
    subPaths.map((path) => filterNodes.present(path)),
    fc.tuple(subPaths, fc.constantFrom<ComparisonOperator>('eq', 'ne', 'co', 'sw'), texts).map(([path, operator, value]) => filterNodes.comparison(path, operator, value)),
    fc
      .tuple(fc.constantFrom('emails', 'addresses', 'roles'), fc.constantFrom<ComparisonOperator>('eq', 'ne'), texts)
      .map(([name, operator, value]) => filterNodes.valuePath(path_(name), filterNodes.comparison(path_('type'), operator, value))),
  );
  return fc.oneof(
    { weight: 3, arbitrary: leaf },
    { weight: 1, arbitrary: leaf.map((inner) => filterNodes.not(inner)) },
    { weight: 1, arbitrary: fc.tuple(fc.constantFrom<'and' | 'or'>('and', 'or'), leaf, leaf).map(([operator, left, right]) => filterNodes.logical(operator, left, right)) },
  );
})();

/**
 * Runs 500 generated filters (fixed seed, so every run and both stores see
 * the same ones) and expects the store to select what the evaluator does.
 */
/**
 * `A.sub op v` and `A[sub op v]` select the same users (RFC 7644 §3.4.2.2: a
 * multi-valued attribute matches when any value does), in SQL and in memory:
 * comparing one path against the other cannot catch a reading both share.
 */
export function itSelectsTheSameUsersForBothSpellings(bothWays: (filter: FilterNode) => Promise<FilterOutcomes>): void {
  for (const [flat, bracketed] of equivalentSpellings()) {
    it(`selects the same users for ${flat} and ${bracketed}, both ways`, async () => {
      const [flatOutcomes, bracketedOutcomes] = [await bothWays(parseFilter(flat)), await bothWays(parseFilter(bracketed))];
      expect(flatOutcomes.sql).toEqual(flatOutcomes.memory);
      expect(bracketedOutcomes.sql).toEqual(flatOutcomes.sql);
      expect(bracketedOutcomes.memory).toEqual(flatOutcomes.memory);
    });
  }
}

export async function expectAgreementOnGeneratedFilters(filterWords: readonly string[], bothWays: (filter: FilterNode) => Promise<FilterOutcomes>): Promise<void> {
  await fc.assert(
    fc.asyncProperty(filterArbitrary(filterWords), async (filter) => {
      const { sql, memory } = await bothWays(filter);
      expect(sql, printFilter(filter)).toEqual(memory);
    }),
    { numRuns: 500, seed: 7644 },
  );
}
