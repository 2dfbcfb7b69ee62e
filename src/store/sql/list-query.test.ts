/**
 * The list statements (count, page, ORDER BY) pinned by exact SQL and
 * parameters: one entry per case, with the text each dialect compiles it to.
 */
import { describe, expect, it } from 'vitest';
import { ScimError } from '../../core/errors/scim-error.js';
import { parseFilter } from '../../core/filter/parser.js';
import { attribute, type ResourceTypeName } from '../../core/schema/attribute.js';
import { createDefaultRegistry, ResourceSchemas } from '../../core/schema/registry.js';
import { defineResourceType } from '../../core/schema/resource-types.js';
import type { SqlDialect } from './dialect.js';
import { postgresDialect } from './dialects/postgres.js';
import { sqliteDialect } from './dialects/sqlite.js';
import { renderSql, type RenderedSql } from './fragment.js';
import { compileListQuery, totalFromPage } from './list-query.js';

const registry = createDefaultRegistry();

/** A type without a table of its own, as an embedding app would register it: stored in the shared `resources` table. */
const DEVICE = 'Device' as ResourceTypeName;
const device = defineResourceType({
  name: DEVICE,
  endpoint: '/Devices',
  description: 'A device',
  schema: { id: 'urn:example:scim:Device', name: 'Device', description: 'A device', attributes: [attribute('serialNumber', 'string', { caseExact: true }), attribute('displayName', 'string')] },
});
const deviceSchemas = new ResourceSchemas(device.facts, device.schema, []);

function schemasOf(resourceType: ResourceTypeName): ResourceSchemas {
  return resourceType === DEVICE ? deviceSchemas : registry.forResourceType(resourceType);
}

interface CompileOptions {
  readonly filter?: string;
  readonly sortBy?: string;
  readonly sortOrder?: 'ascending' | 'descending';
  readonly startIndex?: number;
  readonly count?: number;
}

function compile(dialect: SqlDialect, resourceType: ResourceTypeName, options: CompileOptions = {}): { count: RenderedSql; page: RenderedSql | undefined } {
  const schemas = schemasOf(resourceType);
  const attribute = options.sortBy === undefined ? undefined : schemas.resolvePath(options.sortBy);
  const compiled = compileListQuery({
    dialect,
    tenantId: 'acme',
    resourceType,
    query: {
      schemas,
      filter: options.filter === undefined ? undefined : parseFilter(options.filter),
      sort: attribute === undefined ? undefined : { attribute, order: options.sortOrder ?? 'ascending' },
      startIndex: options.startIndex ?? 1,
      count: options.count ?? 10,
    },
  });
  return { count: renderSql(compiled.count, dialect), page: compiled.page === undefined ? undefined : renderSql(compiled.page, dialect) };
}

/** The dialects the tables below give SQL for (MySQL joins with its own column). */
const DIALECTS = { sqlite: sqliteDialect, postgres: postgresDialect } as const;
type DialectName = keyof typeof DIALECTS;

const USER_COLUMNS = 'SELECT r.id, r.attributes, r.created, r.last_modified, r.version FROM users AS r';

interface StatementCase {
  readonly name: string;
  readonly resourceType: ResourceTypeName;
  readonly options: CompileOptions;
  readonly expected: Readonly<Record<DialectName, { count: RenderedSql; page: RenderedSql | undefined }>>;
}

const STATEMENTS: readonly StatementCase[] = [
  {
    name: 'RFC 7644 §3.4.2.4: pages with LIMIT/OFFSET from 1-based startIndex, counts with the same WHERE',
    resourceType: 'User',
    options: { filter: 'userName eq "bjensen"', startIndex: 11, count: 5 },
    expected: {
      // SQLite: the page size is written into the text; a bound LIMIT makes SQLite compile the statement again on every execution.
      sqlite: {
        count: { text: 'SELECT COUNT(*) AS total FROM users AS r WHERE r.tenant_id = ? AND r.user_name_ci = ?', parameters: ['acme', 'bjensen'] },
        page: { text: `${USER_COLUMNS} WHERE r.tenant_id = ? AND r.user_name_ci = ? ORDER BY r.id LIMIT 5 OFFSET ?`, parameters: ['acme', 'bjensen', 10] },
      },
      postgres: {
        count: { text: 'SELECT COUNT(*) AS total FROM users AS r WHERE r.tenant_id = $1 AND r.user_name_ci = $2', parameters: ['acme', 'bjensen'] },
        page: { text: `${USER_COLUMNS} WHERE r.tenant_id = $1 AND r.user_name_ci = $2 ORDER BY r.id LIMIT $3 OFFSET $4`, parameters: ['acme', 'bjensen', 5, 10] },
      },
    },
  },
  {
    name: 'RFC 7644 §3.4.2.4: count 0 asks only for the total; without a filter it is the kept count, one row read',
    resourceType: 'Group',
    options: { count: 0 },
    expected: {
      sqlite: {
        count: { text: 'SELECT COALESCE((SELECT c.count FROM resource_counts AS c WHERE c.tenant_id = ? AND c.resource_type = ?), 0) AS total', parameters: ['acme', 'Group'] },
        page: undefined,
      },
      postgres: {
        count: { text: 'SELECT COALESCE((SELECT c.count FROM resource_counts AS c WHERE c.tenant_id = $1 AND c.resource_type = $2), 0) AS total', parameters: ['acme', 'Group'] },
        page: undefined,
      },
    },
  },
  {
    name: 'reads a type without a table of its own from the shared table, scoped by tenant and type, its attributes from the JSON',
    resourceType: DEVICE,
    options: { filter: 'serialNumber eq "SN-1"', count: 5 },
    expected: {
      sqlite: {
        count: {
          text: `SELECT COUNT(*) AS total FROM resources AS r WHERE r.tenant_id = ? AND r.resource_type = ? AND (COALESCE(json_type(r.attributes, '$."serialNumber"'), 'null') = 'text' AND json_extract(r.attributes, '$."serialNumber"') = ?)`,
          parameters: ['acme', 'Device', 'SN-1'],
        },
        page: {
          text: `SELECT r.id, r.attributes, r.created, r.last_modified, r.version FROM resources AS r WHERE r.tenant_id = ? AND r.resource_type = ? AND (COALESCE(json_type(r.attributes, '$."serialNumber"'), 'null') = 'text' AND json_extract(r.attributes, '$."serialNumber"') = ?) ORDER BY r.id LIMIT 5 OFFSET ?`,
          parameters: ['acme', 'Device', 'SN-1', 0],
        },
      },
      postgres: {
        count: {
          text: `SELECT COUNT(*) AS total FROM resources AS r WHERE r.tenant_id = $1 AND r.resource_type = $2 AND (COALESCE(jsonb_typeof(r.attributes #> '{"serialNumber"}'), 'null') = 'string' AND (r.attributes #>> '{"serialNumber"}') COLLATE "C" = $3)`,
          parameters: ['acme', 'Device', 'SN-1'],
        },
        page: {
          text: `SELECT r.id, r.attributes, r.created, r.last_modified, r.version FROM resources AS r WHERE r.tenant_id = $1 AND r.resource_type = $2 AND (COALESCE(jsonb_typeof(r.attributes #> '{"serialNumber"}'), 'null') = 'string' AND (r.attributes #>> '{"serialNumber"}') COLLATE "C" = $3) ORDER BY r.id LIMIT $4 OFFSET $5`,
          parameters: ['acme', 'Device', 'SN-1', 5, 0],
        },
      },
    },
  },
];

/** The ORDER BY clause of the page statement. */
function orderBy(dialect: SqlDialect, resourceType: ResourceTypeName, sortBy: string, sortOrder: 'ascending' | 'descending' = 'ascending'): string {
  const text = compile(dialect, resourceType, { sortBy, sortOrder }).page?.text ?? '';
  return text.slice(text.indexOf(' ORDER BY ') + ' ORDER BY '.length, text.lastIndexOf(' LIMIT '));
}

interface SortCase {
  readonly name: string;
  readonly resourceType: ResourceTypeName;
  readonly sortBy: string;
  readonly sortOrder?: 'ascending' | 'descending';
  readonly expected: Readonly<Record<DialectName, string>>;
}

const SQLITE_PHONE_VALUE = `CASE WHEN COALESCE(json_type(r.attributes, e1.fullkey || '."value"'), 'null') = 'text' THEN scim_lower(json_extract(r.attributes, e1.fullkey || '."value"')) END`;
const SQLITE_PHONE_PRIMARY = `CASE WHEN COALESCE(json_type(r.attributes, e1.fullkey || '."primary"'), 'null') IN ('true', 'false') THEN json_extract(r.attributes, e1.fullkey || '."primary"') ELSE 0 END`;
const POSTGRES_PHONE_VALUE = `CASE WHEN COALESCE(jsonb_typeof(e1.value -> 'value'), 'null') = 'string' THEN lower((e1.value ->> 'value') COLLATE "C" COLLATE "und-x-icu") COLLATE "C" END`;
const POSTGRES_PHONE_PRIMARY = `CASE WHEN COALESCE(jsonb_typeof(e1.value -> 'primary'), 'null') = 'boolean' THEN CASE WHEN jsonb_typeof(e1.value -> 'primary') = 'boolean' THEN (e1.value -> 'primary')::boolean END ELSE false END`;
const primaryEmail = (falseValue: string) =>
  `(SELECT t1.value_ci FROM user_emails AS t1 WHERE t1.tenant_id = r.tenant_id AND t1.user_id = r.id AND t1.value_ci IS NOT NULL ORDER BY COALESCE(t1.is_primary, ${falseValue}) DESC, t1.position LIMIT 1)`;
const FIRST_GROUP =
  '(WITH RECURSIVE c1(group_id) AS (SELECT m.group_id FROM group_members AS m WHERE m.tenant_id = r.tenant_id AND m.member_id = r.id ' +
  'UNION SELECT m.group_id FROM c1 CROSS JOIN group_members AS m WHERE m.tenant_id = r.tenant_id AND m.member_id = c1.group_id) ' +
  'SELECT g2.display_name_ci FROM c1 CROSS JOIN "groups" AS g2 WHERE g2.tenant_id = r.tenant_id AND g2.id = c1.group_id AND g2.display_name_ci IS NOT NULL ORDER BY g2.id LIMIT 1) ASC NULLS LAST, r.id';

const SORTS: readonly SortCase[] = [
  {
    name: 'a case-insensitive column by its folded copy, absent values last ascending, ties by id',
    resourceType: 'User',
    sortBy: 'userName',
    expected: { sqlite: 'r.user_name_ci ASC NULLS LAST, r.id', postgres: 'r.user_name_ci ASC NULLS LAST, r.id' },
  },
  {
    name: 'descending: absent values first',
    resourceType: 'Group',
    sortBy: 'displayName',
    sortOrder: 'descending',
    expected: { sqlite: 'r.display_name_ci DESC NULLS FIRST, r.id', postgres: 'r.display_name_ci DESC NULLS FIRST, r.id' },
  },
  {
    name: 'a case-insensitive column without a folded copy, folded like JavaScript',
    resourceType: 'User',
    sortBy: 'displayName',
    expected: { sqlite: 'scim_lower(r.display_name) ASC NULLS LAST, r.id', postgres: 'lower(r.display_name COLLATE "und-x-icu") COLLATE "C" ASC NULLS LAST, r.id' },
  },
  {
    name: 'caseExact attributes by their stored text',
    resourceType: 'User',
    sortBy: 'externalId',
    expected: { sqlite: 'r.external_id ASC NULLS LAST, r.id', postgres: 'r.external_id ASC NULLS LAST, r.id' },
  },
  {
    name: 'dateTime attributes by their stored (canonical ISO) text',
    resourceType: 'User',
    sortBy: 'meta.lastModified',
    sortOrder: 'descending',
    expected: { sqlite: 'r.last_modified DESC NULLS FIRST, r.id', postgres: 'r.last_modified DESC NULLS FIRST, r.id' },
  },
  {
    name: 'JSON attributes by their value when it has the attribute type',
    resourceType: 'User',
    sortBy: 'name.familyName',
    expected: {
      sqlite: `CASE WHEN COALESCE(json_type(r.attributes, '$."name"."familyName"'), 'null') = 'text' THEN scim_lower(json_extract(r.attributes, '$."name"."familyName"')) END ASC NULLS LAST, r.id`,
      postgres: `CASE WHEN COALESCE(jsonb_typeof(r.attributes #> '{"name","familyName"}'), 'null') = 'string' THEN lower((r.attributes #>> '{"name","familyName"}') COLLATE "C" COLLATE "und-x-icu") COLLATE "C" END ASC NULLS LAST, r.id`,
    },
  },
  {
    name: 'emails by the primary email, else the first one',
    resourceType: 'User',
    sortBy: 'emails',
    expected: { sqlite: `${primaryEmail('0')} ASC NULLS LAST, r.id`, postgres: `${primaryEmail('false')} ASC NULLS LAST, r.id` },
  },
  {
    name: 'emails.value descending, the same key',
    resourceType: 'User',
    sortBy: 'emails.value',
    sortOrder: 'descending',
    expected: { sqlite: `${primaryEmail('0')} DESC NULLS FIRST, r.id`, postgres: `${primaryEmail('false')} DESC NULLS FIRST, r.id` },
  },
  {
    name: 'other multi-valued attributes by their primary, else first, JSON element',
    resourceType: 'User',
    sortBy: 'phoneNumbers',
    expected: {
      sqlite: `(SELECT ${SQLITE_PHONE_VALUE} FROM json_each(r.attributes, '$."phoneNumbers"') AS e1 WHERE ${SQLITE_PHONE_VALUE} IS NOT NULL ORDER BY ${SQLITE_PHONE_PRIMARY} DESC, e1.key LIMIT 1) ASC NULLS LAST, r.id`,
      postgres: `(SELECT ${POSTGRES_PHONE_VALUE} FROM jsonb_path_query(r.attributes, '$."phoneNumbers"[*]') WITH ORDINALITY AS e1(value, position) WHERE ${POSTGRES_PHONE_VALUE} IS NOT NULL ORDER BY ${POSTGRES_PHONE_PRIMARY} DESC, e1.position LIMIT 1) ASC NULLS LAST, r.id`,
    },
  },
  {
    name: 'a User by its first group (by id) through the recursive memberships',
    resourceType: 'User',
    sortBy: 'groups.display',
    expected: { sqlite: FIRST_GROUP, postgres: FIRST_GROUP },
  },
];

describe('list statements', () => {
  for (const [dialectName, dialect] of Object.entries(DIALECTS) as [DialectName, SqlDialect][]) {
    describe(dialectName, () => {
      for (const statement of STATEMENTS) {
        it(statement.name, () => {
          expect(compile(dialect, statement.resourceType, statement.options)).toEqual(statement.expected[dialectName]);
        });
      }

      describe('RFC 7644 §3.4.2.3 sortBy / sortOrder', () => {
        for (const sort of SORTS) {
          it(`sorts ${sort.name}`, () => {
            expect(orderBy(dialect, sort.resourceType, sort.sortBy, sort.sortOrder)).toBe(sort.expected[dialectName]);
          });
        }

        it('refuses what it cannot sort on with 400 invalidValue, even when only the count is asked for', () => {
          for (const sortBy of ['meta.location', 'groups.type']) {
            let caught: unknown;
            try {
              compile(dialect, 'User', { sortBy });
            } catch (error) {
              caught = error;
            }
            expect(caught, sortBy).toBeInstanceOf(ScimError);
            expect((caught as ScimError).scimType).toBe('invalidValue');
            expect(() => compile(dialect, 'User', { sortBy, count: 0 })).toThrow(ScimError);
          }
        });
      });
    });
  }

  it('refuses a row limit that is not a whole number (SQLite writes it into the text)', () => {
    expect(() => sqliteDialect.rowLimit(1.5)).toThrow(TypeError);
    expect(() => sqliteDialect.rowLimit(-1)).toThrow(TypeError);
  });

  it('refuses schemas of another type than the one listed: a caller mistake', () => {
    expect(() =>
      compileListQuery({
        dialect: sqliteDialect,
        tenantId: 'acme',
        resourceType: 'Group',
        query: { schemas: registry.forResourceType('User'), filter: undefined, sort: undefined, startIndex: 1, count: 10 },
      }),
    ).toThrow(TypeError);
  });
});

describe('totalResults read off the page (the count statement skipped)', () => {
  const query = (startIndex: number, count: number, keyset?: { position: undefined } | { position: { direction: 'after'; sortValue: undefined; id: string } }) => ({
    schemas: registry.forResourceType('User'),
    filter: undefined,
    sort: undefined,
    startIndex,
    count,
    ...(keyset !== undefined ? { keyset } : {}),
  });

  it('knows the total from a short page: the rows before it plus the rows on it', () => {
    expect(totalFromPage(query(1, 100), 0)).toBe(0);
    expect(totalFromPage(query(1, 100), 1)).toBe(1);
    expect(totalFromPage(query(11, 5), 3)).toBe(13);
  });

  it('asks for the count when the page cannot tell', () => {
    // A full page: more rows may follow.
    expect(totalFromPage(query(1, 2), 2)).toBeUndefined();
    // An empty page past the start: the matches may end anywhere before it.
    expect(totalFromPage(query(9, 2), 0)).toBeUndefined();
    // count=0: no page was read.
    expect(totalFromPage(query(1, 0), 0)).toBeUndefined();
  });

  it('keyset paging: only a first page that holds every row tells the total', () => {
    expect(totalFromPage(query(1, 3, { position: undefined }), 3)).toBe(3);
    // count + 1 rows read: there is a next page.
    expect(totalFromPage(query(1, 3, { position: undefined }), 4)).toBeUndefined();
    expect(totalFromPage(query(1, 3, { position: { direction: 'after', sortValue: undefined, id: 'u4' } }), 1)).toBeUndefined();
  });
});
