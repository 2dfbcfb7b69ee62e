/** The list statements (count, page, ORDER BY) pinned by exact SQL and parameters, PostgreSQL dialect. */
import { describe, expect, it } from 'vitest';
import { ScimError } from '../../core/errors/scim-error.js';
import { parseFilter } from '../../core/filter/parser.js';
import type { ResourceTypeName } from '../../core/schema/attribute.js';
import { createDefaultRegistry } from '../../core/schema/registry.js';
import { postgresDialect } from './dialects/postgres.js';
import { compileListQuery, type CompiledListQuery } from './list-query.js';

const registry = createDefaultRegistry();
const USER_COLUMNS = 'SELECT r.id, r.attributes, r.created, r.last_modified, r.version FROM users AS r';

function compile(
  resourceType: ResourceTypeName,
  options: { filter?: string; sortBy?: string; sortOrder?: 'ascending' | 'descending'; startIndex?: number; count?: number } = {},
): CompiledListQuery {
  const schemas = registry.forResourceType(resourceType);
  const attribute = options.sortBy === undefined ? undefined : schemas.resolvePath(options.sortBy);
  return compileListQuery({
    dialect: postgresDialect,
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

/** The ORDER BY clause of the page statement (the page has no filter: LIMIT is $2). */
function orderBy(resourceType: ResourceTypeName, sortBy: string, sortOrder: 'ascending' | 'descending' = 'ascending'): string {
  const text = compile(resourceType, { sortBy, sortOrder }).page?.text ?? '';
  return text.slice(text.indexOf(' ORDER BY ') + ' ORDER BY '.length, text.indexOf(' LIMIT $2'));
}

describe('list statements (PostgreSQL dialect)', () => {
  it('RFC 7644 §3.4.2.4: pages with LIMIT/OFFSET from 1-based startIndex, counts with the same WHERE', () => {
    expect(compile('User', { filter: 'userName eq "bjensen"', startIndex: 11, count: 5 })).toEqual({
      count: { text: 'SELECT COUNT(*) AS total FROM users AS r WHERE r.tenant_id = $1 AND r.user_name_ci = $2', parameters: ['acme', 'bjensen'] },
      page: { text: `${USER_COLUMNS} WHERE r.tenant_id = $1 AND r.user_name_ci = $2 ORDER BY r.id LIMIT $3 OFFSET $4`, parameters: ['acme', 'bjensen', 5, 10] },
    });
  });

  it('RFC 7644 §3.4.2.4: count 0 asks only for the total; without a filter it is the kept count, one row read', () => {
    expect(compile('Group', { count: 0 })).toEqual({
      count: {
        text: 'SELECT COALESCE((SELECT c.count FROM resource_counts AS c WHERE c.tenant_id = $1 AND c.resource_type = $2), 0) AS total',
        parameters: ['acme', 'Group'],
      },
      page: undefined,
    });
  });

  describe('RFC 7644 §3.4.2.3 sortBy / sortOrder', () => {
    it('sorts case-insensitive attributes by folded text in code-point order, absent values last ascending, ties by id', () => {
      expect(orderBy('User', 'userName')).toBe('r.user_name_ci ASC NULLS LAST, r.id');
      expect(orderBy('Group', 'displayName', 'descending')).toBe('r.display_name_ci DESC NULLS FIRST, r.id');
      expect(orderBy('User', 'displayName')).toBe('lower(r.display_name COLLATE "und-x-icu") COLLATE "C" ASC NULLS LAST, r.id');
    });

    it('sorts caseExact and dateTime attributes by their stored text', () => {
      expect(orderBy('User', 'externalId')).toBe('r.external_id ASC NULLS LAST, r.id');
      expect(orderBy('User', 'meta.lastModified', 'descending')).toBe('r.last_modified DESC NULLS FIRST, r.id');
    });

    it('sorts JSON attributes by their value when it has the attribute type', () => {
      expect(orderBy('User', 'name.familyName')).toBe(
        `CASE WHEN COALESCE(jsonb_typeof(r.attributes #> '{"name","familyName"}'), 'null') = 'string' THEN lower((r.attributes #>> '{"name","familyName"}') COLLATE "C" COLLATE "und-x-icu") COLLATE "C" END ASC NULLS LAST, r.id`,
      );
    });

    it('sorts emails by the primary email, else the first one', () => {
      const primaryFirst =
        '(SELECT t1.value_ci FROM user_emails AS t1 WHERE t1.tenant_id = r.tenant_id AND t1.user_id = r.id AND t1.value_ci IS NOT NULL ORDER BY COALESCE(t1.is_primary, false) DESC, t1.position LIMIT 1)';
      expect(orderBy('User', 'emails')).toBe(`${primaryFirst} ASC NULLS LAST, r.id`);
      expect(orderBy('User', 'emails.value', 'descending')).toBe(`${primaryFirst} DESC NULLS FIRST, r.id`);
    });

    it('sorts other multi-valued attributes by their primary, else first, JSON element', () => {
      const value = `CASE WHEN COALESCE(jsonb_typeof(e1.value -> 'value'), 'null') = 'string' THEN lower((e1.value ->> 'value') COLLATE "C" COLLATE "und-x-icu") COLLATE "C" END`;
      const primary = `CASE WHEN COALESCE(jsonb_typeof(e1.value -> 'primary'), 'null') = 'boolean' THEN CASE WHEN jsonb_typeof(e1.value -> 'primary') = 'boolean' THEN (e1.value -> 'primary')::boolean END ELSE false END`;
      expect(orderBy('User', 'phoneNumbers')).toBe(
        `(SELECT ${value} FROM jsonb_path_query(r.attributes, '$."phoneNumbers"[*]') WITH ORDINALITY AS e1(value, position) WHERE ${value} IS NOT NULL ORDER BY ${primary} DESC, e1.position LIMIT 1) ASC NULLS LAST, r.id`,
      );
    });

    it('sorts a User by its first group (by id) through the recursive memberships', () => {
      expect(orderBy('User', 'groups.display')).toBe(
        '(WITH RECURSIVE c1(group_id) AS (SELECT m.group_id FROM group_members AS m WHERE m.tenant_id = r.tenant_id AND m.member_id = r.id ' +
          'UNION SELECT m.group_id FROM c1 CROSS JOIN group_members AS m WHERE m.tenant_id = r.tenant_id AND m.member_id = c1.group_id) ' +
          'SELECT g2.display_name_ci FROM c1 CROSS JOIN groups AS g2 WHERE g2.tenant_id = r.tenant_id AND g2.id = c1.group_id AND g2.display_name_ci IS NOT NULL ORDER BY g2.id LIMIT 1) ASC NULLS LAST, r.id',
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
        expect(() => compile('User', { sortBy, count: 0 })).toThrow(ScimError);
      }
    });
  });
});
