import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { ScimError } from '../errors/scim-error.js';
import { parseAttributePath, parseFilter, parsePatchPath } from './parser.js';

/** Parses or fails the way a client's bad input must fail: a 400 ScimError of the given type, nothing else. */
function outcome(run: () => unknown, scimType: 'invalidFilter' | 'invalidPath'): 'parsed' | 'rejected' {
  try {
    run();
    return 'parsed';
  } catch (error) {
    expect(error).toBeInstanceOf(ScimError);
    expect((error as ScimError).status).toBe(400);
    expect((error as ScimError).scimType).toBe(scimType);
    expect((error as ScimError).detail.length).toBeGreaterThan(0);
    return 'rejected';
  }
}

const FILTER_FRAGMENTS = [
  'userName',
  'emails',
  'name.givenName',
  'urn:ietf:params:scim:schemas:core:2.0:User:',
  'urn:',
  'members.$ref',
  '$',
  'eq',
  'co',
  'gt',
  'pr',
  'and',
  'or',
  'not',
  'NOT',
  '(',
  ')',
  '[',
  ']',
  '.',
  ':',
  '"x"',
  '"',
  '\\',
  '\\u',
  '"\\u12',
  '1',
  '0',
  '-',
  '1.5e-3',
  'e',
  '+',
  'true',
  'null',
  ' ',
  '\t',
  '\u00a0',
  '😀',
  "'",
  '%',
  ';',
] as const;

/**
 * Token soup, mixed with sequences shaped like real filters
 * (`attr op value [and|or attr op value …]`) that random soup rarely reaches.
 */
const comparisonTokens = fc.tuple(
  fc.constantFrom('userName', 'emails.value', 'title', 'urn:ietf:params:scim:schemas:core:2.0:User:userName'),
  fc.constantFrom('eq', 'ne', 'co', 'sw', 'EQ'),
  fc.constantFrom('"x"', '"a b"', '"\\u0041"'),
);
const filterShaped = fc
  .array(fc.tuple(fc.constantFrom('and', 'or', 'AND'), comparisonTokens), { maxLength: 4 })
  .chain((rest) => comparisonTokens.map((first) => [...first, ...rest.flatMap(([logical, comparison]) => [logical, ...comparison])]));
const filterish = fc.oneof(fc.array(fc.constantFrom(...FILTER_FRAGMENTS), { maxLength: 40 }), filterShaped);

describe('parseFilter never fails except with invalidFilter', () => {
  it('on arbitrary strings (property)', () => {
    fc.assert(fc.property(fc.string(), (text) => void outcome(() => parseFilter(text), 'invalidFilter')), { numRuns: 2000 });
  });

  it('on arbitrary grapheme and full-Unicode strings, lone surrogates included (property)', () => {
    fc.assert(fc.property(fc.string({ unit: 'grapheme' }), (text) => void outcome(() => parseFilter(text), 'invalidFilter')), { numRuns: 1000 });
    fc.assert(fc.property(fc.string({ unit: 'binary' }), (text) => void outcome(() => parseFilter(text), 'invalidFilter')), { numRuns: 1000 });
  });

  it('on strings built from filter tokens, joined with and without spaces (property)', () => {
    let parsed = 0;
    fc.assert(
      fc.property(filterish, fc.boolean(), (fragments, spaced) => {
        if (outcome(() => parseFilter(fragments.join(spaced ? ' ' : '')), 'invalidFilter') === 'parsed') parsed += 1;
      }),
      // The first example is a valid filter, so the count below never depends on chance.
      { numRuns: 3000, examples: [[['userName', 'eq', '"x"'], true]] },
    );
    // The generator reaches valid filters too, not only errors.
    expect(parsed).toBeGreaterThan(0);
  });

  it('on a 100,000-deep "((((" and the same with closing parentheses', () => {
    expect(outcome(() => parseFilter('('.repeat(100_000)), 'invalidFilter')).toBe('rejected');
    const deep = `${'('.repeat(100_000)}a pr${')'.repeat(100_000)}`;
    expect(outcome(() => parseFilter(deep), 'invalidFilter')).toBe('rejected');
    const roomy = { maxLength: 10_000_000, maxDepth: 32, maxTokens: 10_000_000 };
    expect(outcome(() => parseFilter(deep, roomy), 'invalidFilter')).toBe('rejected');
    expect(outcome(() => parseFilter(`${'not ('.repeat(100_000)}a pr${')'.repeat(100_000)}`, roomy), 'invalidFilter')).toBe('rejected');
    expect(outcome(() => parseFilter(`${'emails['.repeat(100_000)}`, roomy), 'invalidFilter')).toBe('rejected');
  });

  it('on 1 MB inputs', () => {
    const megabyte = 1024 * 1024;
    expect(outcome(() => parseFilter('a'.repeat(megabyte)), 'invalidFilter')).toBe('rejected');
    expect(outcome(() => parseFilter(`userName eq "${'x'.repeat(megabyte)}"`), 'invalidFilter')).toBe('rejected');
    const roomy = { maxLength: 2 * megabyte, maxDepth: 32, maxTokens: 1024 };
    expect(outcome(() => parseFilter('a pr and '.repeat(megabyte / 9), roomy), 'invalidFilter')).toBe('rejected');
    expect(outcome(() => parseFilter(`userName eq "${'x'.repeat(megabyte)}"`, roomy), 'invalidFilter')).toBe('parsed');
  });
});

describe('parsePatchPath and parseAttributePath never fail except with invalidPath', () => {
  it('on arbitrary and filter-ish strings (property)', () => {
    const inputs = fc.oneof(fc.string(), fc.string({ unit: 'binary' }), filterish.map((fragments) => fragments.join('')));
    fc.assert(
      fc.property(inputs, (text) => {
        outcome(() => parsePatchPath(text), 'invalidPath');
        outcome(() => parseAttributePath(text), 'invalidPath');
      }),
      { numRuns: 2000 },
    );
  });

  it('on deep and huge inputs', () => {
    expect(outcome(() => parsePatchPath(`emails[${'('.repeat(100_000)}`), 'invalidPath')).toBe('rejected');
    expect(outcome(() => parseAttributePath('a'.repeat(1024 * 1024)), 'invalidPath')).toBe('rejected');
  });
});
