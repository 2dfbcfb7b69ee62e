/**
 * The replay machinery must fail loudly: a matcher that accepts everything,
 * or a fixture key that is silently ignored, would make every replay pass.
 */
import { describe, expect, it } from 'vitest';
import { parseFixture } from './fixture.js';
import { mismatches } from './match.js';
import { readJsonPath, substitute } from './substitute.js';

const step = { name: 's', request: { method: 'GET', path: '/Users' }, expect: { status: 200 } };
const fixture = (extra: Record<string, unknown> = {}) => ({ source: 'https://example.com/doc', description: 'd', steps: [step], ...extra });

describe('partial matching', () => {
  it('checks only the listed members, and reports each difference with its place', () => {
    expect(mismatches({ a: 1, b: { c: 2, d: 3 } }, { b: { c: 2 } })).toEqual([]);
    expect(mismatches({ a: 1, b: { c: 2 } }, { a: 2, b: { c: '2' } })).toEqual(['$.a: expected 2, got 1', '$.b.c: expected "2", got 2']);
  });

  it('compares plain arrays element by element, lengths included', () => {
    expect(mismatches([{ v: 1, x: 0 }], [{ v: 1 }])).toEqual([]);
    expect(mismatches([{ v: 1 }, { v: 2 }], [{ v: 1 }])).toHaveLength(1);
  });

  it('applies the $ matchers', () => {
    expect(mismatches({}, { a: { $absent: true } })).toEqual([]);
    expect(mismatches({ a: null }, { a: { $absent: true } })).toHaveLength(1);
    expect(mismatches(3, { $type: 'number' })).toEqual([]);
    expect(mismatches('3', { $type: 'number' })).toHaveLength(1);
    expect(mismatches('W/"12"', { $pattern: '^W/"\\d+"$' })).toEqual([]);
    expect(mismatches('"12"', { $pattern: '^W/' })).toHaveLength(1);
    expect(mismatches([1, 2], { $length: 2 })).toEqual([]);
    expect(mismatches([{ v: 'a' }, { v: 'b' }], { $contains: [{ v: 'b' }] })).toEqual([]);
    expect(mismatches([{ v: 'a' }], { $contains: [{ v: 'b' }] })).toHaveLength(1);
    expect(mismatches([{ v: 'a' }], { $excludes: [{ v: 'b' }] })).toEqual([]);
    expect(mismatches([{ v: 'a' }, { v: 'b' }], { $excludes: [{ v: 'b' }] })).toHaveLength(1);
    expect(mismatches([{ v: 'b' }, { v: 'a' }], { $unordered: [{ v: 'a' }, { v: 'b' }] })).toEqual([]);
    expect(mismatches([{ v: 'a' }, { v: 'a' }], { $unordered: [{ v: 'a' }, { v: 'b' }] })).toHaveLength(1);
    expect(mismatches([{ v: 'a' }, { v: 'b' }, { v: 'c' }], { $unordered: [{ v: 'a' }, { v: 'b' }] })).toHaveLength(1);
  });

  it('reads a lone "$ref" member as a SCIM attribute, not as a matcher, and refuses unknown matchers', () => {
    expect(mismatches({ $ref: 'x' }, { $ref: 'x' })).toEqual([]);
    expect(() => mismatches(1, { $anything: 1 })).toThrow(/Unknown matcher \$anything/);
  });
});

describe('placeholders and captures', () => {
  it('substitutes ${name} in strings and keys, keeping the type of a whole-string placeholder', () => {
    const variables = new Map<string, unknown>([['id', 'u-1'], ['n', 3]]);
    expect(substitute({ path: 'members[value eq "${id}"]', count: '${n}', '${id}': true }, variables)).toEqual({ path: 'members[value eq "u-1"]', count: 3, 'u-1': true });
    expect(() => substitute('${missing}', variables)).toThrow(/\$\{missing\} is used before it is captured/);
  });

  it('reads $.a[0].b paths', () => {
    expect(readJsonPath({ Resources: [{ id: 'x' }] }, '$.Resources[0].id')).toBe('x');
    expect(readJsonPath({ Resources: [] }, '$.Resources[0].id')).toBeUndefined();
    expect(() => readJsonPath({}, 'Resources')).toThrow(/must start with "\$"/);
  });
});

describe('fixture checks', () => {
  it('accepts a well-formed fixture', () => {
    expect(parseFixture(fixture(), 'f.json').steps).toHaveLength(1);
  });

  it('refuses a fixture without a cited https source', () => {
    expect(() => parseFixture(fixture({ source: 'the Okta docs' }), 'f.json')).toThrow(/must cite an https URL/);
  });

  it('refuses misspelt keys instead of ignoring them', () => {
    expect(() => parseFixture(fixture({ step: [] }), 'f.json')).toThrow(/unknown key\(s\) step/);
    expect(() => parseFixture(fixture({ steps: [{ ...step, expect: { status: 200, bdy: {} } }] }), 'f.json')).toThrow(/unknown key\(s\) bdy/);
  });

  it('refuses a path that is not encoded as it travels on the wire', () => {
    const raw = { ...step, request: { method: 'GET', path: '/Users?filter=userName eq "a"' } };
    expect(() => parseFixture(fixture({ steps: [raw] }), 'f.json')).toThrow(/URL-encoded/);
  });
});
