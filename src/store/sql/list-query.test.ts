/** The list statements (count, page, ORDER BY) pinned by exact SQL and parameters, SQLite dialect. */
import { describe, expect, it } from 'vitest';
import { ScimError } from '../../core/errors/scim-error.js';
import { parseFilter } from '../../core/filter/parser.js';
import type { ResourceTypeName } from '../../core/schema/attribute.js';
import { createDefaultRegistry } from '../../core/schema/registry.js';
import { sqliteDialect } from './dialects/sqlite.js';
import { compileListQuery, totalFromPage, type CompiledListQuery } from './list-query.js';

const registry = createDefaultRegistry();
const USER_COLUMNS = 'SELECT r.id, r.attributes, r.created, r.last_modified, r.version FROM users AS r';

function compile(
  resourceType: ResourceTypeName,
  options: { filter?: string; sortBy?: string; sortOrder?: 'ascending' | 'descending'; startIndex?: number; count?: number } = {},
): CompiledListQuery {
  const schemas = registry.forResourceType(resourceType);
  const attribute = options.sortBy === undefined ? undefined : schemas.resolvePath(options.sortBy);
  return compileListQuery({
    dialect: sqliteDialect,
    schemas,
    tenantId: 'acme',
    resourceType,
    query: {
      filter: options.filter === undefined ? undefined : parseFilter(options.filter),
      sort: attribute === undefined ? undefined : { attribute, order: options.sortOrder ?? 'ascending' },
      startIndex: options.startIndex ?? 1,
      count: options.count ?? 10,
    },
  });
}

/** The ORDER BY clause of the page statement. */
function orderBy(resourceType: ResourceTypeName, sortBy: string, sortOrder: 'ascending' | 'descending' = 'ascending'): string {
  const text = compile(resourceType, { sortBy, sortOrder }).page?.text ?? '';
  return text.slice(text.indexOf(' ORDER BY ') + ' ORDER BY '.length, text.lastIndexOf(' LIMIT '));
}

describe('list statements (SQLite dialect)', () => {
  it('RFC 7644 §3.4.2.4: pages with LIMIT/OFFSET from 1-based startIndex, counts with the same WHERE', () => {
    expect(compile('User', { filter: 'userName eq "bjensen"', startIndex: 11, count: 5 })).toEqual({
      count: { text: 'SELECT COUNT(*) AS total FROM users AS r WHERE r.tenant_id = ? AND r.user_name_ci = ?', parameters: ['acme', 'bjensen'] },
      page: { text: `${USER_COLUMNS} WHERE r.tenant_id = ? AND r.user_name_ci = ? ORDER BY r.id LIMIT 5 OFFSET ?`, parameters: ['acme', 'bjensen', 10] },
    });
  });

  it('writes the page size into the text: a bound LIMIT makes SQLite compile the statement again on every execution', () => {
    expect(compile('User', { count: 100 }).page?.text).toMatch(/ LIMIT 100 OFFSET \?$/);
    expect(() => sqliteDialect.rowLimit(1.5)).toThrow(TypeError);
    expect(() => sqliteDialect.rowLimit(-1)).toThrow(TypeError);
  });

  it('RFC 7644 §3.4.2.4: count 0 asks only for the total; without a filter it is the kept count, one row read', () => {
    expect(compile('Group', { count: 0 })).toEqual({
      count: {
        text: 'SELECT COALESCE((SELECT c.count FROM resource_counts AS c WHERE c.tenant_id = ? AND c.resource_type = ?), 0) AS total',
        parameters: ['acme', 'Group'],
      },
      page: undefined,
    });
  });

  describe('RFC 7644 §3.4.2.3 sortBy / sortOrder', () => {
    it('sorts case-insensitive attributes by folded text, absent values last ascending, ties by id', () => {
      expect(orderBy('User', 'userName')).toBe('r.user_name_ci ASC NULLS LAST, r.id');
      expect(orderBy('Group', 'displayName', 'descending')).toBe('r.display_name_ci DESC NULLS FIRST, r.id');
      expect(orderBy('User', 'displayName')).toBe('scim_lower(r.display_name) ASC NULLS LAST, r.id');
    });

    it('sorts caseExact and dateTime attributes by their stored text', () => {
      expect(orderBy('User', 'externalId')).toBe('r.external_id ASC NULLS LAST, r.id');
      expect(orderBy('User', 'meta.lastModified', 'descending')).toBe('r.last_modified DESC NULLS FIRST, r.id');
    });

    it('sorts JSON attributes by their value when it has the attribute type', () => {
      expect(orderBy('User', 'name.familyName')).toBe(
        `CASE WHEN COALESCE(json_type(r.attributes, '$."name"."familyName"'), 'null') = 'text' THEN scim_lower(json_extract(r.attributes, '$."name"."familyName"')) END ASC NULLS LAST, r.id`,
      );
    });

    it('sorts emails by the primary email, else the first one', () => {
      const primaryFirst =
        '(SELECT t1.value_ci FROM user_emails AS t1 WHERE t1.tenant_id = r.tenant_id AND t1.user_id = r.id AND t1.value_ci IS NOT NULL ORDER BY COALESCE(t1.is_primary, 0) DESC, t1.position LIMIT 1)';
      expect(orderBy('User', 'emails')).toBe(`${primaryFirst} ASC NULLS LAST, r.id`);
      expect(orderBy('User', 'emails.value', 'descending')).toBe(`${primaryFirst} DESC NULLS FIRST, r.id`);
    });

    it('sorts other multi-valued attributes by their primary, else first, JSON element', () => {
      const value = `CASE WHEN COALESCE(json_type(r.attributes, e1.fullkey || '."value"'), 'null') = 'text' THEN scim_lower(json_extract(r.attributes, e1.fullkey || '."value"')) END`;
      const primary = `CASE WHEN COALESCE(json_type(r.attributes, e1.fullkey || '."primary"'), 'null') IN ('true', 'false') THEN json_extract(r.attributes, e1.fullkey || '."primary"') ELSE 0 END`;
      expect(orderBy('User', 'phoneNumbers')).toBe(
        `(SELECT ${value} FROM json_each(r.attributes, '$."phoneNumbers"') AS e1 WHERE ${value} IS NOT NULL ORDER BY ${primary} DESC, e1.key LIMIT 1) ASC NULLS LAST, r.id`,
      );
    });

    it('refuses what it cannot sort on with 400 invalidValue', () => {
      for (const sortBy of ['meta.location', 'groups.type']) {
        let caught: unknown;
        try {
          compile('User', { sortBy });
        } catch (error) {
          caught = error;
        }
        expect(caught, sortBy).toBeInstanceOf(ScimError);
        expect((caught as ScimError).scimType).toBe('invalidValue');
        // Checked even when only the count is asked for.
        expect(() => compile('User', { sortBy, count: 0 })).toThrow(ScimError);
      }
    });
  });
});

describe('totalResults read off the page (the count statement skipped)', () => {
  const query = (startIndex: number, count: number, keyset?: { position: undefined } | { position: { direction: 'after'; sortValue: undefined; id: string } }) => ({
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
