/**
 * The filter compiler pinned by exact SQL and parameters (SQLite dialect).
 * What these statements return on real rows is checked by the store
 * contract suite and the differential test against the in-memory evaluator.
 */
import { describe, expect, it } from 'vitest';
import { ScimError } from '../../core/errors/scim-error.js';
import { parseFilter } from '../../core/filter/parser.js';
import type { ResourceTypeName } from '../../core/schema/attribute.js';
import { createDefaultRegistry } from '../../core/schema/registry.js';
import { sqliteDialect } from './dialects/sqlite.js';
import type { RenderedSql } from './fragment.js';
import { compileFilterSql } from './list-query.js';

const registry = createDefaultRegistry();
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

function where(filter: string, resourceType: ResourceTypeName = 'User'): RenderedSql {
  return compileFilterSql({ dialect: sqliteDialect, schemas: registry.forResourceType(resourceType), tenantId: 'acme', resourceType, filter: parseFilter(filter) });
}

function pin(filter: string, text: string, parameters: readonly unknown[], resourceType: ResourceTypeName = 'User'): void {
  expect(where(filter, resourceType)).toEqual({ text, parameters });
}

/** `json_type(...) = 'text' AND scim_lower(json_extract(...))` for a JSON string attribute at `path`. */
function jsonText(path: string): { guard: string; folded: string } {
  return { guard: `COALESCE(json_type(r.attributes, '${path}'), 'null') = 'text'`, folded: `scim_lower(json_extract(r.attributes, '${path}'))` };
}

describe('filter compiler (SQLite dialect)', () => {
  describe('RFC 7644 §3.4.2.2 operators on mapped columns', () => {
    it('eq on userName uses the folded, indexed column', () => {
      pin('userName eq "Bjensen"', 'r.user_name_ci = ?', ['bjensen']);
    });

    it('ne is the negation of eq', () => {
      pin('userName ne "Bjensen"', 'NOT (r.user_name_ci = ?)', ['bjensen']);
    });

    it('co, sw and ew on a case-insensitive attribute compare folded text; wildcards stay literal', () => {
      pin('displayName co "50%_off\\\\"', '(r.display_name IS NOT NULL AND instr(scim_lower(r.display_name), ?) > 0)', ['50%_off\\']);
      pin('displayName sw "Ba"', '(r.display_name IS NOT NULL AND instr(scim_lower(r.display_name), ?) = 1)', ['ba']);
      pin(
        'displayName ew "S"',
        "(r.display_name IS NOT NULL AND COALESCE(substr(CAST(scim_lower(r.display_name) AS BLOB), length(CAST(scim_lower(r.display_name) AS BLOB)) - length(CAST(? AS BLOB)) + 1), X'') = CAST(? AS BLOB))",
        ['s', 's'],
      );
    });

    it('co, sw and ew on a caseExact attribute compare exact text, never through LIKE (ASCII-case-insensitive in SQLite)', () => {
      pin('externalId co "AB"', '(r.external_id IS NOT NULL AND instr(r.external_id, ?) > 0)', ['AB']);
      pin('externalId sw "AB"', '(r.external_id IS NOT NULL AND instr(r.external_id, ?) = 1)', ['AB']);
      pin(
        'externalId ew "AB"',
        "(r.external_id IS NOT NULL AND COALESCE(substr(CAST(r.external_id AS BLOB), length(CAST(r.external_id AS BLOB)) - length(CAST(? AS BLOB)) + 1), X'') = CAST(? AS BLOB))",
        ['AB', 'AB'],
      );
    });

    it('gt, ge, lt and le compare folded text', () => {
      pin('userName gt "M"', 'r.user_name_ci > ?', ['m']);
      pin('userName ge "M"', 'r.user_name_ci >= ?', ['m']);
      pin('userName lt "M"', 'r.user_name_ci < ?', ['m']);
      pin('userName le "M"', 'r.user_name_ci <= ?', ['m']);
    });

    it('pr, eq null and ne null treat "" as absent', () => {
      pin('displayName pr', "(r.display_name IS NOT NULL AND r.display_name <> '')", []);
      pin('externalId eq null', "NOT ((r.external_id IS NOT NULL AND r.external_id <> ''))", []);
      pin('externalId ne null', "(r.external_id IS NOT NULL AND r.external_id <> '')", []);
    });

    it('booleans bind as 1 and 0', () => {
      pin('active eq true', '(r.active IS NOT NULL AND r.active = ?)', [1]);
      pin('active ne false', 'NOT ((r.active IS NOT NULL AND r.active = ?))', [0]);
    });

    it('id eq uses the primary key', () => {
      pin('id eq "2819c223-7f76-453a-919d-413861904646"', 'r.id = ?', ['2819c223-7f76-453a-919d-413861904646']);
    });

    it('meta.lastModified gt "2011-05-13T04:42:34Z" compares the stored toISOString() text', () => {
      pin('meta.lastModified gt "2011-05-13T04:42:34Z"', 'r.last_modified > ?', ['2011-05-13T04:42:34.000Z']);
      pin('meta.created le "2011-05-13T06:42:34+02:00"', 'r.created <= ?', ['2011-05-13T04:42:34.000Z']);
    });

    it('a dateTime beyond year 9999 is after every stored value', () => {
      pin('meta.created lt "10000-01-01T00:00:00Z"', '1', []);
      pin('meta.created gt "10000-01-01T00:00:00Z"', '0', []);
    });

    it('derives meta.resourceType and meta.version from the row', () => {
      pin('meta.resourceType eq "User"', "'User' = ?", ['User']);
      pin('meta.version eq "W/\\"3\\""', `('W/"' || r.version || '"') = ?`, ['W/"3"']);
    });

    it('Group displayName eq uses the folded, indexed column', () => {
      pin('displayName eq "Tour Guides"', '(r.display_name IS NOT NULL AND r.display_name_ci = ?)', ['tour guides'], 'Group');
    });
  });

  describe('multi-valued attributes', () => {
    it('emails.value eq is an indexed IN subquery over user_emails', () => {
      pin(
        'emails.value eq "Bjensen@Example.com"',
        'r.id IN (SELECT t1.user_id FROM user_emails AS t1 WHERE t1.tenant_id = ? AND (t1.value_ci IS NOT NULL AND t1.value_ci = ?))',
        ['acme', 'bjensen@example.com'],
      );
    });

    it('"emails co" means emails.value (RFC 7644 §3.4.2.2)', () => {
      pin(
        'emails co "example.com"',
        'r.id IN (SELECT t1.user_id FROM user_emails AS t1 WHERE t1.tenant_id = ? AND (t1.value_ci IS NOT NULL AND instr(t1.value_ci, ?) > 0))',
        ['acme', 'example.com'],
      );
    });

    it('ne on a multi-valued attribute holds when some element differs (RFC 7644 §3.4.2.2: any value)', () => {
      pin(
        'emails.type ne "work"',
        'r.id IN (SELECT t1.user_id FROM user_emails AS t1 WHERE t1.tenant_id = ? AND NOT ((t1.type_ci IS NOT NULL AND t1.type_ci = ?)))',
        ['acme', 'work'],
      );
    });

    it('emails[type eq "work" and value co "@example.com"] tests one and the same element row', () => {
      pin(
        'emails[type eq "work" and value co "@example.com"]',
        'r.id IN (SELECT t1.user_id FROM user_emails AS t1 WHERE t1.tenant_id = ? AND ((t1.type_ci IS NOT NULL AND t1.type_ci = ?) AND (t1.value_ci IS NOT NULL AND instr(t1.value_ci, ?) > 0)))',
        ['acme', 'work', '@example.com'],
      );
    });

    it('a sub-attribute without a column reads the JSON elements, still one element at a time', () => {
      pin(
        'emails[display co "Babs" and not (type eq "home")]',
        "EXISTS (SELECT 1 FROM json_each(r.attributes, '$.\"emails\"') AS e1 WHERE e1.type = 'object' AND " +
          "((COALESCE(json_type(r.attributes, e1.fullkey || '.\"display\"'), 'null') = 'text' AND instr(scim_lower(json_extract(r.attributes, e1.fullkey || '.\"display\"')), ?) > 0) AND " +
          "NOT ((COALESCE(json_type(r.attributes, e1.fullkey || '.\"type\"'), 'null') = 'text' AND scim_lower(json_extract(r.attributes, e1.fullkey || '.\"type\"')) = ?))))",
        ['babs', 'home'],
      );
    });

    it('an array of scalars (schemas) compares each element', () => {
      pin(
        `schemas eq "${ENTERPRISE}"`,
        "EXISTS (SELECT 1 FROM json_each(r.attributes, '$.\"schemas\"') AS e1 WHERE (e1.type = 'text' AND scim_lower(e1.atom) = ?))",
        [ENTERPRISE.toLowerCase()],
      );
    });

    it('members.value eq is an indexed IN subquery over group_members, matched exactly', () => {
      pin('members.value eq "2819c223"', 'r.id IN (SELECT t1.group_id FROM group_members AS t1 WHERE t1.tenant_id = ? AND t1.member_id = ?)', ['acme', '2819c223'], 'Group');
      pin(
        'members[type eq "user" and value eq "2819c223"]',
        'r.id IN (SELECT t1.group_id FROM group_members AS t1 WHERE t1.tenant_id = ? AND (scim_lower(t1.member_type) = ? AND t1.member_id = ?))',
        ['acme', 'user', '2819c223'],
        'Group',
      );
    });

    it('groups.value follows nested groups with a recursive query', () => {
      pin(
        'groups.value eq "g1"',
        'r.id IN (WITH RECURSIVE c1(member_id) AS (SELECT m.member_id FROM "groups" AS g2 CROSS JOIN group_members AS m ' +
          'WHERE g2.tenant_id = ? AND g2.id = ? AND m.tenant_id = g2.tenant_id AND m.group_id = g2.id ' +
          'UNION SELECT m.member_id FROM c1 CROSS JOIN group_members AS m WHERE m.tenant_id = ? AND m.group_id = c1.member_id) SELECT member_id FROM c1)',
        ['acme', 'g1', 'acme'],
      );
    });
  });

  describe('JSON attributes and logic', () => {
    it('name.familyName co "O\'Malley" reads the JSON column with a type guard', () => {
      const { guard, folded } = jsonText('$."name"."familyName"');
      pin(`name.familyName co "O'Malley"`, `(${guard} AND instr(${folded}, ?) > 0)`, ["o'malley"]);
    });

    it('extension attributes are read under their schema URN', () => {
      const { guard, folded } = jsonText(`$."${ENTERPRISE}"."manager"."value"`);
      pin(`${ENTERPRISE}:manager.value eq "26118915"`, `(${guard} AND ${folded} = ?)`, ['26118915']);
    });

    it('a bare "manager" (Entra\'s manager check) compiles to the enterprise manager.value clause', () => {
      const { guard, folded } = jsonText(`$."${ENTERPRISE}"."manager"."value"`);
      pin('manager eq "26118915"', `(${guard} AND ${folded} = ?)`, ['26118915']);
    });

    it('pr on JSON looks for a present scalar at any depth', () => {
      pin('title pr', `EXISTS (SELECT 1 FROM json_tree(r.attributes, '$."title"') AS p WHERE p.atom IS NOT NULL AND p.atom <> '')`, []);
      pin('name pr', `EXISTS (SELECT 1 FROM json_tree(r.attributes, '$."name"') AS p WHERE p.atom IS NOT NULL AND p.atom <> '')`, []);
    });

    it('pr on a multi-valued complex attribute without value walks each object element (RFC 7644 §3.4.2.2 "non-empty node")', () => {
      pin(
        'addresses pr',
        "EXISTS (SELECT 1 FROM json_each(r.attributes, '$.\"addresses\"') AS e1 WHERE e1.type = 'object' AND EXISTS (SELECT 1 FROM json_tree(r.attributes, e1.fullkey) AS p WHERE p.atom IS NOT NULL AND p.atom <> ''))",
        [],
      );
    });

    it('"and" binds tighter than "or"; not wraps its operand', () => {
      const userType = jsonText('$."userType"');
      pin(
        'userType eq "Employee" or title pr and not (active eq true)',
        `((${userType.guard} AND ${userType.folded} = ?) OR (EXISTS (SELECT 1 FROM json_tree(r.attributes, '$."title"') AS p WHERE p.atom IS NOT NULL AND p.atom <> '') AND NOT ((r.active IS NOT NULL AND r.active = ?))))`,
        ['employee', 1],
      );
      pin('(userName eq "a" or userName eq "b") and id eq "c"', '((r.user_name_ci = ? OR r.user_name_ci = ?) AND r.id = ?)', ['a', 'b', 'c']);
    });
  });

  describe('what it cannot express is a 400 invalidFilter naming it', () => {
    const rejected: readonly (readonly [string, ResourceTypeName, string])[] = [
      ['nickName2 eq "x"', 'User', 'nickName2'],
      ['meta.location eq "https://example.com/Users/1"', 'User', 'meta.location'],
      ['members.display eq "Babs"', 'Group', 'members.display'],
      ['groups.type eq "direct"', 'User', 'groups.type'],
      ['emails[value eq "x"]', 'Group', 'emails'],
      ['name eq "Babs"', 'User', 'name'],
      ['active gt false', 'User', 'active'],
      ['meta.created co "2011"', 'User', 'meta.created'],
      ['userName eq 42', 'User', 'userName'],
    ];
    for (const [filter, resourceType, named] of rejected) {
      it(filter, () => {
        let caught: unknown;
        try {
          where(filter, resourceType);
        } catch (error) {
          caught = error;
        }
        expect(caught).toBeInstanceOf(ScimError);
        expect((caught as ScimError).scimType).toBe('invalidFilter');
        expect((caught as ScimError).detail).toContain(named);
      });
    }
  });
});
