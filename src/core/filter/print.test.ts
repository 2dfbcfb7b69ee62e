import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { filterNodes, visitFilter, type AttributePathNode, type ComparisonOperator, type ComparisonValue, type FilterNode } from './ast.js';
import { parseFilter, parsePatchPath } from './parser.js';
import { printFilter, printPatchPath } from './print.js';

const { comparison, present, logical, not, valuePath, patchPath } = filterNodes;
const ENTERPRISE_USER = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

/** The same tree with every path at column 1: printing does not preserve the client's layout. */
function withoutPositions(node: FilterNode): FilterNode {
  const path = (attributePath: AttributePathNode) =>
    filterNodes.attributePath(attributePath.name, { schema: attributePath.schema, subAttribute: attributePath.subAttribute, position: 1 });
  return visitFilter<FilterNode>(node, {
    comparison: (n) => comparison(path(n.path), n.operator, n.value),
    present: (n) => present(path(n.path)),
    logical: (n) => logical(n.operator, withoutPositions(n.left), withoutPositions(n.right)),
    not: (n) => not(withoutPositions(n.filter)),
    valuePath: (n) => valuePath(path(n.path), withoutPositions(n.filter)),
  });
}

const attributeName = fc.oneof(
  { weight: 8, arbitrary: fc.stringMatching(/^[A-Za-z][A-Za-z0-9_-]{0,7}$/) },
  // Keywords are legal attribute names; the printer must still produce text that reads back.
  { weight: 2, arbitrary: fc.constantFrom('not', 'NOT', 'and', 'or', 'pr', 'eq', 'true', 'null', '$ref') },
);

const schemaUrn = fc.oneof(
  fc.constantFrom('urn:ietf:params:scim:schemas:core:2.0:User', ENTERPRISE_USER, 'URN:example:Custom'),
  fc.array(fc.stringMatching(/^[A-Za-z0-9._-]{1,6}$/), { minLength: 1, maxLength: 5 }).map((segments) => `urn:${segments.join(':')}`),
);

const attributePath: fc.Arbitrary<AttributePathNode> = fc
  .record({ schema: fc.option(schemaUrn, { nil: undefined }), name: attributeName, subAttribute: fc.option(attributeName, { nil: undefined }) })
  .map(({ schema, name, subAttribute }) => filterNodes.attributePath(name, { schema, subAttribute, position: 1 }));

/** Paths inside a value filter: plain sub-attribute names, as clients write them. */
const innerPath: fc.Arbitrary<AttributePathNode> = attributeName.map((name) => filterNodes.attributePath(name, { position: 1 }));

const comparisonValue: fc.Arbitrary<ComparisonValue> = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.string({ maxLength: 12 }),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
);

const operator = fc.constantFrom<ComparisonOperator>('eq', 'ne', 'co', 'sw', 'ew', 'gt', 'lt', 'ge', 'le');

/** Filters of at most `depth` levels; value paths only outside value filters, as the grammar allows. */
function filterArbitrary(depth: number, insideValueFilter: boolean): fc.Arbitrary<FilterNode> {
  const path = insideValueFilter ? innerPath : attributePath;
  const leaf = fc.oneof(
    fc.tuple(path, operator, comparisonValue).map(([p, op, value]) => comparison(p, op, value)),
    path.map((p) => present(p)),
  );
  if (depth === 0) return leaf;
  const child = filterArbitrary(depth - 1, insideValueFilter);
  const branches: fc.Arbitrary<FilterNode>[] = [
    leaf,
    fc.tuple(fc.constantFrom<'and' | 'or'>('and', 'or'), child, child).map(([op, left, right]) => logical(op, left, right)),
    child.map((inner) => not(inner)),
  ];
  if (!insideValueFilter) {
    const target = attributeName.map((name) => filterNodes.attributePath(name, { position: 1 }));
    branches.push(fc.tuple(target, filterArbitrary(depth - 1, true)).map(([p, inner]) => valuePath(p, inner)));
  }
  return fc.oneof(...branches);
}

describe('printFilter', () => {
  it('prints canonical text: lowercase keywords, one space, JSON literals', () => {
    expect(printFilter(parseFilter('userName   EQ "bjensen"'))).toBe('userName eq "bjensen"');
    expect(printFilter(parseFilter('NOT(title PR)'))).toBe('not (title pr)');
    expect(printFilter(parseFilter('active eq TRUE or x Eq NULL or y ne False'))).toBe('active eq true or x eq null or y ne false');
    expect(printFilter(parseFilter('n eq 1E3 or n eq 2.50 or n eq -0 or n eq 0.1e1'))).toBe('n eq 1000 or n eq 2.5 or n eq -0 or n eq 1');
    expect(printFilter(parseFilter(String.raw`s eq "a\"b\\c\/d\u00e9\n"`))).toBe(String.raw`s eq "a\"b\\c/dé\n"`);
    expect(printFilter(parseFilter(String.raw`s eq "\ud800"`))).toBe(String.raw`s eq "\ud800"`);
  });

  it('§3.4.2.2: prints the RFC example filters exactly as the RFC writes them', () => {
    for (const source of [
      'userName eq "bjensen"',
      `name.familyName co "O'Malley"`,
      'urn:ietf:params:scim:schemas:core:2.0:User:userName sw "J"',
      'meta.lastModified gt "2011-05-13T04:42:34Z"',
      'title pr and userType eq "Employee"',
      'title pr or userType eq "Intern"',
      `schemas eq "${ENTERPRISE_USER}"`,
      'userType eq "Employee" and (emails co "example.com" or emails.value co "example.org")',
      'userType ne "Employee" and not (emails co "example.com" or emails.value co "example.org")',
      'userType eq "Employee" and emails[type eq "work" and value co "@example.com"]',
      'emails[type eq "work" and value co "@example.com"] or ims[type eq "xmpp" and value co "@foo.com"]',
    ]) {
      expect(printFilter(parseFilter(source))).toBe(source);
    }
  });

  it('§3.4.2.2: drops the parentheses that precedence makes redundant', () => {
    expect(printFilter(parseFilter('userType eq "Employee" and (emails.type eq "work")'))).toBe('userType eq "Employee" and emails.type eq "work"');
    expect(printFilter(parseFilter('(a pr and b pr) or c pr'))).toBe('a pr and b pr or c pr');
    expect(printFilter(parseFilter('(a pr or b pr) or c pr'))).toBe('a pr or b pr or c pr');
    expect(printFilter(parseFilter('((a pr))'))).toBe('a pr');
  });

  it('keeps the parentheses precedence and left-associativity need', () => {
    expect(printFilter(parseFilter('a pr and (b pr or c pr)'))).toBe('a pr and (b pr or c pr)');
    expect(printFilter(parseFilter('(a pr or b pr) and c pr'))).toBe('(a pr or b pr) and c pr');
    expect(printFilter(parseFilter('a pr or (b pr or c pr)'))).toBe('a pr or (b pr or c pr)');
    expect(printFilter(parseFilter('a pr and (b pr and c pr)'))).toBe('a pr and (b pr and c pr)');
    expect(printFilter(parseFilter('not (a pr or b pr) and c pr'))).toBe('not (a pr or b pr) and c pr');
  });

  it('refuses trees no filter text can express, as programming errors', () => {
    const inner = valuePath(filterNodes.attributePath('emails'), present(filterNodes.attributePath('value')));
    expect(() => printFilter(valuePath(filterNodes.attributePath('emails'), inner))).toThrow(TypeError);
    expect(() => printFilter(present(filterNodes.attributePath('user name')))).toThrow(TypeError);
    expect(() => printFilter(present(filterNodes.attributePath('x', { schema: 'http://example.com' })))).toThrow(TypeError);
    expect(() => printFilter(comparison(filterNodes.attributePath('x'), 'eq', Number.NaN))).toThrow(TypeError);
    expect(() => printFilter(valuePath(filterNodes.attributePath('emails', { subAttribute: 'value' }), present(filterNodes.attributePath('x'))))).toThrow(
      TypeError,
    );
  });

  it('round-trips: parseFilter(printFilter(ast)) equals ast, positions aside (property)', () => {
    fc.assert(
      fc.property(filterArbitrary(4, false), (ast) => {
        expect(withoutPositions(parseFilter(printFilter(ast)))).toEqual(ast);
      }),
      { numRuns: 1000 },
    );
  });

  it('is idempotent on its own output (property)', () => {
    fc.assert(
      fc.property(filterArbitrary(3, false), (ast) => {
        const printed = printFilter(ast);
        expect(printFilter(parseFilter(printed))).toBe(printed);
      }),
      { numRuns: 300 },
    );
  });
});

describe('printPatchPath', () => {
  it('§3.5.2: prints the RFC PATCH paths exactly as written', () => {
    for (const source of [
      'members[value eq "2819c223-7f76-453a-919d-413861904646"]',
      'emails[type eq "work"].value',
      'name.familyName',
      'addresses[type eq "work"]',
      `${ENTERPRISE_USER}:manager`,
      `${ENTERPRISE_USER}:manager.value`,
    ]) {
      expect(printPatchPath(parsePatchPath(source))).toBe(source);
    }
  });

  it('prints a canonical value filter inside the brackets', () => {
    expect(printPatchPath(parsePatchPath('emails[TYPE EQ "work" AND (primary eq TRUE)].VALUE'))).toBe('emails[TYPE eq "work" and primary eq true].VALUE');
  });

  it('refuses a sub-attribute after a missing value filter', () => {
    expect(() => printPatchPath(patchPath(filterNodes.attributePath('emails'), undefined, 'value'))).toThrow(TypeError);
  });

  it('round-trips arbitrary PATCH paths (property)', () => {
    const patchPathArbitrary = fc.oneof(
      attributePath.map((attribute) => patchPath(attribute)),
      fc
        .tuple(attributeName, filterArbitrary(2, true), fc.option(attributeName, { nil: undefined }))
        .map(([name, filter, sub]) => patchPath(filterNodes.attributePath(name, { position: 1 }), filter, sub)),
    );
    fc.assert(
      fc.property(patchPathArbitrary, (path) => {
        const reparsed = parsePatchPath(printPatchPath(path));
        expect(printPatchPath(reparsed)).toBe(printPatchPath(path));
        expect(reparsed.subAttribute).toBe(path.subAttribute);
        expect(reparsed.valueFilter === undefined ? undefined : withoutPositions(reparsed.valueFilter)).toEqual(path.valueFilter);
      }),
      { numRuns: 300 },
    );
  });
});
