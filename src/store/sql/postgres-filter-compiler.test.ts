/**
 * The filter compiler pinned by exact SQL and parameters (PostgreSQL
 * dialect). What these statements return on real rows is checked by the
 * store contract suite and the PostgreSQL differential test against the
 * in-memory evaluator and the SQLite store.
 */
import { describe, expect, it } from 'vitest';
import { ScimError } from '../../core/errors/scim-error.js';
import { parseFilter } from '../../core/filter/parser.js';
import type { ResourceTypeName } from '../../core/schema/attribute.js';
import { createDefaultRegistry } from '../../core/schema/registry.js';
import { createPostgresDialect, postgresDialect, postgresTextPath } from './dialects/postgres.js';
import type { SqlDialect } from './dialect.js';
import type { RenderedSql } from './fragment.js';
import { compileFilterSql } from './list-query.js';

const registry = createDefaultRegistry();
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const PRESENT = `.** ? (@.type() == "string" && @ != "" || @.type() == "number" || @.type() == "boolean")`;

function where(filter: string, resourceType: ResourceTypeName = 'User', dialect: SqlDialect = postgresDialect): RenderedSql {
  return compileFilterSql({ dialect, schemas: registry.forResourceType(resourceType), tenantId: 'acme', resourceType, filter: parseFilter(filter) });
}

function pin(filter: string, text: string, parameters: readonly unknown[], resourceType: ResourceTypeName = 'User'): void {
  expect(where(filter, resourceType)).toEqual({ text, parameters });
}

/** The type guard and the ICU-folded text of a JSON string attribute at `path` (a text[] literal's content). */
function jsonText(path: string): { guard: string; folded: string } {
  return {
    guard: `COALESCE(jsonb_typeof(r.attributes #> '${path}'), 'null') = 'string'`,
    folded: `lower((r.attributes #>> '${path}') COLLATE "C" COLLATE "und-x-icu") COLLATE "C"`,
  };
}

/** Member `key` of the JSON element e1, as a string, and its ICU-folded text. */
function elementText(key: string): { guard: string; folded: string } {
  return {
    guard: `COALESCE(jsonb_typeof(e1.value -> '${key}'), 'null') = 'string'`,
    folded: `lower((e1.value ->> '${key}') COLLATE "C" COLLATE "und-x-icu") COLLATE "C"`,
  };
}

const FOLDED_DISPLAY_NAME = 'lower(r.display_name COLLATE "und-x-icu") COLLATE "C"';

describe('filter compiler (PostgreSQL dialect)', () => {
  describe('RFC 7644 §3.4.2.2 operators on mapped columns', () => {
    it('eq on userName uses the folded, indexed column, with the value folded in JavaScript', () => {
      pin('userName eq "Bjensen"', 'r.user_name_ci = $1', ['bjensen']);
      pin('userName eq "İSTANBUL"', 'r.user_name_ci = $1', ['i̇stanbul']);
    });

    it('ne is the negation of eq', () => {
      pin('userName ne "Bjensen"', 'NOT (r.user_name_ci = $1)', ['bjensen']);
    });

    it('co, sw and ew on a case-insensitive attribute compare ICU-folded text with strpos, starts_with and right; wildcards stay literal', () => {
      pin('displayName co "50%_off\\\\"', `(r.display_name IS NOT NULL AND strpos(${FOLDED_DISPLAY_NAME}, $1) > 0)`, ['50%_off\\']);
      pin('displayName sw "Ba"', `(r.display_name IS NOT NULL AND starts_with(${FOLDED_DISPLAY_NAME}, $1))`, ['ba']);
      pin('displayName ew "S"', `(r.display_name IS NOT NULL AND right(${FOLDED_DISPLAY_NAME}, length($1)) = $2)`, ['s', 's']);
    });

    it('co, sw and ew on a caseExact attribute compare exact text', () => {
      pin('externalId co "AB"', '(r.external_id IS NOT NULL AND strpos(r.external_id, $1) > 0)', ['AB']);
      pin('externalId sw "AB"', '(r.external_id IS NOT NULL AND starts_with(r.external_id, $1))', ['AB']);
      pin('externalId ew "AB"', '(r.external_id IS NOT NULL AND right(r.external_id, length($1)) = $2)', ['AB', 'AB']);
    });

    it('gt, ge, lt and le compare folded text (the column is COLLATE "C": code-point order)', () => {
      pin('userName gt "M"', 'r.user_name_ci > $1', ['m']);
      pin('userName ge "M"', 'r.user_name_ci >= $1', ['m']);
      pin('userName lt "M"', 'r.user_name_ci < $1', ['m']);
      pin('userName le "M"', 'r.user_name_ci <= $1', ['m']);
      pin('displayName gt "é"', `(r.display_name IS NOT NULL AND ${FOLDED_DISPLAY_NAME} > $1)`, ['é']);
    });

    it('pr, eq null and ne null treat "" as absent', () => {
      pin('displayName pr', "(r.display_name IS NOT NULL AND r.display_name <> '')", []);
      pin('externalId eq null', "NOT ((r.external_id IS NOT NULL AND r.external_id <> ''))", []);
      pin('externalId ne null', "(r.external_id IS NOT NULL AND r.external_id <> '')", []);
    });

    it('booleans bind as booleans against the boolean column', () => {
      pin('active eq true', '(r.active IS NOT NULL AND r.active = $1)', [true]);
      pin('active ne false', 'NOT ((r.active IS NOT NULL AND r.active = $1))', [false]);
    });

    it('id eq uses the primary key', () => {
      pin('id eq "2819c223-7f76-453a-919d-413861904646"', 'r.id = $1', ['2819c223-7f76-453a-919d-413861904646']);
    });

    it('meta.lastModified gt "2011-05-13T04:42:34Z" compares the stored toISOString() text', () => {
      pin('meta.lastModified gt "2011-05-13T04:42:34Z"', 'r.last_modified > $1', ['2011-05-13T04:42:34.000Z']);
      pin('meta.created le "2011-05-13T06:42:34+02:00"', 'r.created <= $1', ['2011-05-13T04:42:34.000Z']);
    });

    it('a dateTime beyond year 9999 is after every stored value', () => {
      pin('meta.created lt "10000-01-01T00:00:00Z"', 'true', []);
      pin('meta.created gt "10000-01-01T00:00:00Z"', 'false', []);
    });

    it('derives meta.resourceType and meta.version from the row', () => {
      pin('meta.resourceType eq "User"', "'User' = $1", ['User']);
      pin('meta.version eq "W/\\"3\\""', `('W/"' || r.version || '"') = $1`, ['W/"3"']);
    });

    it('Group displayName eq uses the folded, indexed column', () => {
      pin('displayName eq "Tour Guides"', '(r.display_name IS NOT NULL AND r.display_name_ci = $1)', ['tour guides'], 'Group');
    });
  });

  describe('values holding U+0000, which PostgreSQL text cannot hold: decided without binding them', () => {
    it('nothing stored equals, contains, starts or ends with such a value', () => {
      for (const operator of ['eq', 'co', 'sw', 'ew']) pin(`displayName ${operator} "a\\u0000b"`, 'false', []);
      pin('userName ne "a\\u0000b"', 'NOT (false)', []);
      pin('emails.value eq "a\\u0000b"', 'r.id IN (SELECT t1.user_id FROM user_emails AS t1 WHERE t1.tenant_id = $1 AND false)', ['acme']);
    });

    it('orderings compare with the text before the first NUL', () => {
      pin('userName gt "Ab\\u0000c"', 'r.user_name_ci > $1', ['ab']);
      pin('userName ge "Ab\\u0000c"', 'r.user_name_ci > $1', ['ab']);
      pin('userName lt "Ab\\u0000c"', 'r.user_name_ci <= $1', ['ab']);
      pin('userName le "\\u0000"', 'r.user_name_ci <= $1', ['']);
      pin('externalId gt "A\\u0000"', '(r.external_id IS NOT NULL AND r.external_id > $1)', ['A']);
    });
  });

  describe('multi-valued attributes', () => {
    it('emails.value eq is an indexed IN subquery over user_emails', () => {
      pin(
        'emails.value eq "Bjensen@Example.com"',
        'r.id IN (SELECT t1.user_id FROM user_emails AS t1 WHERE t1.tenant_id = $1 AND (t1.value_ci IS NOT NULL AND t1.value_ci = $2))',
        ['acme', 'bjensen@example.com'],
      );
    });

    it('"emails co" means emails.value (RFC 7644 §3.4.2.2)', () => {
      pin(
        'emails co "example.com"',
        'r.id IN (SELECT t1.user_id FROM user_emails AS t1 WHERE t1.tenant_id = $1 AND (t1.value_ci IS NOT NULL AND strpos(t1.value_ci, $2) > 0))',
        ['acme', 'example.com'],
      );
    });

    it('ne on a multi-valued attribute holds when some element differs (RFC 7644 §3.4.2.2: any value)', () => {
      pin(
        'emails.type ne "work"',
        'r.id IN (SELECT t1.user_id FROM user_emails AS t1 WHERE t1.tenant_id = $1 AND NOT ((t1.type_ci IS NOT NULL AND t1.type_ci = $2)))',
        ['acme', 'work'],
      );
    });

    it('emails[type eq "work" and value co "@example.com"] tests one and the same element row', () => {
      pin(
        'emails[type eq "work" and value co "@example.com"]',
        'r.id IN (SELECT t1.user_id FROM user_emails AS t1 WHERE t1.tenant_id = $1 AND ((t1.type_ci IS NOT NULL AND t1.type_ci = $2) AND (t1.value_ci IS NOT NULL AND strpos(t1.value_ci, $3) > 0)))',
        ['acme', 'work', '@example.com'],
      );
    });

    it('a sub-attribute without a column reads the JSON elements (lax jsonpath [*]), still one element at a time', () => {
      const display = elementText('display');
      const type = elementText('type');
      pin(
        'emails[display co "Babs" and not (type eq "home")]',
        `EXISTS (SELECT 1 FROM jsonb_path_query(r.attributes, '$."emails"[*]') WITH ORDINALITY AS e1(value, position) WHERE jsonb_typeof(e1.value) = 'object' AND ` +
          `((${display.guard} AND strpos(${display.folded}, $1) > 0) AND NOT ((${type.guard} AND ${type.folded} = $2))))`,
        ['babs', 'home'],
      );
    });

    it('a boolean sub-attribute of JSON elements is cast only when it is a JSON boolean', () => {
      pin(
        'phoneNumbers[primary eq true]',
        `EXISTS (SELECT 1 FROM jsonb_path_query(r.attributes, '$."phoneNumbers"[*]') WITH ORDINALITY AS e1(value, position) WHERE jsonb_typeof(e1.value) = 'object' AND ` +
          `(COALESCE(jsonb_typeof(e1.value -> 'primary'), 'null') = 'boolean' AND CASE WHEN jsonb_typeof(e1.value -> 'primary') = 'boolean' THEN (e1.value -> 'primary')::boolean END = $1))`,
        [true],
      );
    });

    it('pr on a sub-attribute of JSON elements looks for a present scalar below it', () => {
      pin(
        'x509Certificates pr',
        `EXISTS (SELECT 1 FROM jsonb_path_query(r.attributes, '$."x509Certificates"[*]') WITH ORDINALITY AS e1(value, position) WHERE jsonb_typeof(e1.value) = 'object' AND e1.value @? '$."value"${PRESENT}')`,
        [],
      );
    });

    it('an array of scalars (schemas) compares each element', () => {
      pin(
        `schemas eq "${ENTERPRISE}"`,
        `EXISTS (SELECT 1 FROM jsonb_path_query(r.attributes, '$."schemas"[*]') WITH ORDINALITY AS e1(value, position) WHERE (COALESCE(jsonb_typeof(e1.value), 'null') = 'string' AND lower((e1.value #>> '{}') COLLATE "C" COLLATE "und-x-icu") COLLATE "C" = $1))`,
        [ENTERPRISE.toLowerCase()],
      );
      pin(
        'schemas pr',
        `EXISTS (SELECT 1 FROM jsonb_path_query(r.attributes, '$."schemas"[*]') WITH ORDINALITY AS e1(value, position) WHERE (jsonb_typeof(e1.value) IN ('string', 'number', 'boolean') AND e1.value <> '""'))`,
        [],
      );
    });

    it('members.value eq is an indexed IN subquery over group_members, matched exactly', () => {
      pin('members.value eq "2819c223"', 'r.id IN (SELECT t1.group_id FROM group_members AS t1 WHERE t1.tenant_id = $1 AND t1.member_id = $2)', ['acme', '2819c223'], 'Group');
      pin(
        'members[type eq "user" and value eq "2819c223"]',
        'r.id IN (SELECT t1.group_id FROM group_members AS t1 WHERE t1.tenant_id = $1 AND (lower(t1.member_type COLLATE "und-x-icu") COLLATE "C" = $2 AND t1.member_id = $3))',
        ['acme', 'user', '2819c223'],
        'Group',
      );
    });

    it('groups.value follows nested groups with a recursive query', () => {
      pin(
        'groups.value eq "g1"',
        'r.id IN (WITH RECURSIVE c1(member_id) AS (SELECT m.member_id FROM "groups" AS g2 CROSS JOIN group_members AS m ' +
          'WHERE g2.tenant_id = $1 AND g2.id = $2 AND m.tenant_id = g2.tenant_id AND m.group_id = g2.id ' +
          'UNION SELECT m.member_id FROM c1 CROSS JOIN group_members AS m WHERE m.tenant_id = $3 AND m.group_id = c1.member_id) SELECT member_id FROM c1)',
        ['acme', 'g1', 'acme'],
      );
    });
  });

  describe('JSON attributes and logic', () => {
    it('name.familyName co "O\'Malley" reads the jsonb column with a type guard', () => {
      const { guard, folded } = jsonText('{"name","familyName"}');
      pin(`name.familyName co "O'Malley"`, `(${guard} AND strpos(${folded}, $1) > 0)`, ["o'malley"]);
    });

    it('extension attributes are read under their schema URN', () => {
      const { guard, folded } = jsonText(`{"${ENTERPRISE}","manager","value"}`);
      pin(`${ENTERPRISE}:manager.value eq "26118915"`, `(${guard} AND ${folded} = $1)`, ['26118915']);
    });

    it('a bare "manager" (Entra\'s manager check) compiles to the enterprise manager.value clause', () => {
      const { guard, folded } = jsonText(`{"${ENTERPRISE}","manager","value"}`);
      pin('manager eq "26118915"', `(${guard} AND ${folded} = $1)`, ['26118915']);
    });

    it('pr on JSON looks for a present scalar at any depth', () => {
      pin('title pr', `r.attributes @? '$."title"${PRESENT}'`, []);
      pin('name pr', `r.attributes @? '$."name"${PRESENT}'`, []);
    });

    it('pr on a multi-valued complex attribute without value walks each object element (RFC 7644 §3.4.2.2 "non-empty node")', () => {
      pin(
        'addresses pr',
        `EXISTS (SELECT 1 FROM jsonb_path_query(r.attributes, '$."addresses"[*]') WITH ORDINALITY AS e1(value, position) WHERE jsonb_typeof(e1.value) = 'object' AND e1.value @? '$${PRESENT}')`,
        [],
      );
    });

    it('"and" binds tighter than "or"; not wraps its operand', () => {
      const userType = jsonText('{"userType"}');
      pin(
        'userType eq "Employee" or title pr and not (active eq true)',
        `((${userType.guard} AND ${userType.folded} = $1) OR (r.attributes @? '$."title"${PRESENT}' AND NOT ((r.active IS NOT NULL AND r.active = $2))))`,
        ['employee', true],
      );
      pin('(userName eq "a" or userName eq "b") and id eq "c"', '((r.user_name_ci = $1 OR r.user_name_ci = $2) AND r.id = $3)', ['a', 'b', 'c']);
    });
  });

  describe('case folding without ICU', () => {
    it('folds with lower() under the database LC_CTYPE (the "default" collation), the columns being COLLATE "C"', () => {
      expect(where('displayName eq "Émile"', 'User', createPostgresDialect('database'))).toEqual({
        text: '(r.display_name IS NOT NULL AND lower(r.display_name COLLATE "default") COLLATE "C" = $1)',
        parameters: ['émile'],
      });
    });
  });

  describe('JSON paths', () => {
    it('quotes every key of a text[] path and refuses keys that would need escaping', () => {
      expect(postgresTextPath([ENTERPRISE, 'manager', 'value'])).toBe(`'{"${ENTERPRISE}","manager","value"}'`);
      expect(postgresTextPath(["it's"])).toBe(`'{"it''s"}'`);
      for (const key of ['a"b', 'a\\b', 'a\u0000b', 'a\nb']) expect(() => postgresTextPath([key]), JSON.stringify(key)).toThrow(TypeError);
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
      ['meta.created eq "2011\\u0000"', 'User', 'meta.created'],
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
