/**
 * `filter`, `sortBy` and `attributes` / `excludedAttributes` name attributes
 * with the same attrPath of RFC 7644 §3.4.2.2 (§3.4.2.3 and §3.4.2.5 refer
 * to it as "standard attribute notation", §3.10). One production of the
 * filter grammar reads all of them, and the keys of a resource body too, so
 * the same text is one path, or no path, everywhere.
 */
import { describe, expect, it } from 'vitest';
import { ScimError } from '../errors/scim-error.js';
import { resolveFilterAttribute, type FilterNode } from '../filter/index.js';
import { createDefaultRegistry } from '../schema/registry.js';
import { parseListQuery, type ListSettings } from './index.js';

const users = createDefaultRegistry().forResourceType('User');
const settings: ListSettings = { defaultPageSize: 100, maxPageSize: 200 };
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

/** What each reader makes of one path text: the canonical path it designates, or the scimType it fails with. */
interface Readings {
  readonly filter: string;
  readonly sortBy: string;
  readonly attributes: string;
  readonly excludedAttributes: string;
  readonly bodyKey: string;
}

function outcome(read: () => string | undefined): string {
  try {
    return read() ?? 'unknown';
  } catch (error) {
    if (!(error instanceof ScimError)) throw error;
    return `400 ${error.scimType ?? ''}`;
  }
}

function presentPath(filter: FilterNode | undefined) {
  if (filter?.kind !== 'Present') throw new TypeError(`expected a "pr" filter, got ${filter?.kind ?? 'none'}`);
  return filter.path;
}

function readEverywhere(path: string): Readings {
  return {
    filter: outcome(() => resolveFilterAttribute(presentPath(parseListQuery({ filter: `${path} pr` }, users, settings).filter), users).canonicalPath),
    sortBy: outcome(() => parseListQuery({ sortBy: path }, users, settings).sort?.attribute.canonicalPath),
    attributes: outcome(() => parseListQuery({ attributes: path }, users, settings).projection.attributes?.[0]?.canonicalPath),
    excludedAttributes: outcome(() => parseListQuery({ excludedAttributes: path }, users, settings).projection.excludedAttributes?.[0]?.canonicalPath),
    bodyKey: outcome(() => users.resolvePath(path)?.canonicalPath),
  };
}

function everywhere(canonicalPath: string): Readings {
  return { filter: canonicalPath, sortBy: canonicalPath, attributes: canonicalPath, excludedAttributes: canonicalPath, bodyKey: canonicalPath };
}

describe('filter, sortBy, attributes and excludedAttributes read the same attribute paths', () => {
  const paths: readonly (readonly [text: string, canonicalPath: string])[] = [
    ['userName', 'userName'],
    ['USERNAME', 'userName'],
    ['name.givenName', 'name.givenName'],
    ['NAME.gIvEnNaMe', 'name.givenName'],
    ['emails.value', 'emails.value'],
    ['meta.lastModified', 'meta.lastModified'],
    ['id', 'id'],
    // RFC 7644 §3.10: a core attribute may be qualified by the core schema's URN.
    ['urn:ietf:params:scim:schemas:core:2.0:User:userName', 'userName'],
    ['urn:ietf:params:scim:schemas:core:2.0:User:name.familyName', 'name.familyName'],
    // The URN contains a dot ("2.0"): the last colon, not the first dot, ends it.
    [`${ENTERPRISE}:employeeNumber`, `${ENTERPRISE}:employeeNumber`],
    [`${ENTERPRISE}:manager.value`, `${ENTERPRISE}:manager.value`],
    [`${ENTERPRISE.toUpperCase()}:EMPLOYEENUMBER`, `${ENTERPRISE}:employeeNumber`],
  ];
  for (const [text, canonicalPath] of paths) {
    it(`reads ${JSON.stringify(text)} as ${canonicalPath} in every parameter`, () => {
      expect(readEverywhere(text)).toEqual(everywhere(canonicalPath));
    });
  }
});

describe('text that is no attribute path is refused by every parameter', () => {
  // A filter answers invalidFilter, the other parameters invalidValue (RFC 7644 §3.12, Table 9); a body key is no attribute.
  const refused: Readings = { filter: '400 invalidFilter', sortBy: '400 invalidValue', attributes: '400 invalidValue', excludedAttributes: '400 invalidValue', bodyKey: 'unknown' };
  const notPaths: readonly string[] = [
    'name.givenName.middle',
    'name..givenName',
    '9lives',
    'name:givenName',
    'urn:example/with/slashes:title',
    'urn::title',
    `${ENTERPRISE}:`,
    'userName[type eq "work"]',
  ];
  for (const text of notPaths) {
    it(`refuses ${JSON.stringify(text)}`, () => {
      expect(readEverywhere(text)).toEqual(refused);
    });
  }
});

describe('a well-formed path naming no attribute', () => {
  it('fails a filter and a sortBy, and is ignored by attributes and excludedAttributes (clients ask for attributes a server lacks)', () => {
    expect(readEverywhere('nickName.first')).toEqual({
      filter: '400 invalidFilter',
      sortBy: '400 invalidValue',
      attributes: 'unknown',
      excludedAttributes: 'unknown',
      bodyKey: 'unknown',
    });
  });
});
