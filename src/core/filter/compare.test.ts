import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { compareCodePoints, dateTimeInstant, foldCase } from './compare.js';

describe('dateTimeInstant (RFC 7643 §2.3.5 xsd:dateTime)', () => {
  it('reads UTC, offsets, fractions and zone-less values as instants', () => {
    expect(dateTimeInstant('2011-05-13T04:42:34Z')).toBe(Date.UTC(2011, 4, 13, 4, 42, 34));
    expect(dateTimeInstant('2011-05-13T06:42:34+02:00')).toBe(Date.UTC(2011, 4, 13, 4, 42, 34));
    expect(dateTimeInstant('2011-05-12T23:12:34-05:30')).toBe(Date.UTC(2011, 4, 13, 4, 42, 34));
    expect(dateTimeInstant('2011-05-13T04:42:34')).toBe(Date.UTC(2011, 4, 13, 4, 42, 34));
    expect(dateTimeInstant('2011-05-13T04:42:34.029Z')).toBe(Date.UTC(2011, 4, 13, 4, 42, 34, 29));
    expect(dateTimeInstant('2011-05-13T04:42:34.5Z')).toBe(Date.UTC(2011, 4, 13, 4, 42, 34, 500));
    expect(dateTimeInstant('2011-05-13T04:42:34.123456789Z')).toBe(Date.UTC(2011, 4, 13, 4, 42, 34, 123));
    expect(dateTimeInstant('2012-02-29T00:00:00Z')).toBe(Date.UTC(2012, 1, 29));
    expect(dateTimeInstant('0050-01-01T00:00:00Z')).toBe(new Date('0050-01-01T00:00:00Z').getTime());
  });

  it('rejects text that is not a valid date-time', () => {
    for (const text of [
      'yesterday',
      '2011-05-13',
      '2011-05-13 04:42:34Z',
      '2011-02-29T00:00:00Z',
      '2011-13-01T00:00:00Z',
      '2011-04-31T00:00:00Z',
      '2011-05-13T24:00:00Z',
      '2011-05-13T04:60:00Z',
      '2011-05-13T04:42:60Z',
      '2011-05-13T04:42:34+15:00',
      '2011-05-13T04:42:34.Z',
      '2011-05-13T04:42:34ZZ',
      ' 2011-05-13T04:42:34Z',
    ]) {
      expect(dateTimeInstant(text)).toBeUndefined();
    }
  });

  it('reads back every toISOString output (property)', () => {
    const instant = fc.integer({ min: Date.parse('0001-01-01T00:00:00Z'), max: Date.parse('9999-12-31T23:59:59.999Z') });
    fc.assert(
      fc.property(instant, (milliseconds) => {
        expect(dateTimeInstant(new Date(milliseconds).toISOString())).toBe(milliseconds);
      }),
      { numRuns: 500 },
    );
  });
});

describe('foldCase', () => {
  it('lowercases unless caseExact', () => {
    expect(foldCase('BJensen', false)).toBe('bjensen');
    expect(foldCase('BJensen', true)).toBe('BJensen');
    expect(foldCase('ÉCOLE', false)).toBe('école');
  });
});

describe('compareCodePoints', () => {
  const wellFormed = fc
    .array(fc.integer({ min: 0, max: 0x10ffff }).filter((code) => code < 0xd800 || code > 0xdfff), { maxLength: 8 })
    .map((codes) => String.fromCodePoint(...codes));

  function compareUtf8(left: string, right: string): number {
    const a = new TextEncoder().encode(left);
    const b = new TextEncoder().encode(right);
    for (let index = 0; index < Math.min(a.length, b.length); index += 1) {
      if (a[index] !== b[index]) return (a[index] ?? 0) - (b[index] ?? 0);
    }
    return a.length - b.length;
  }

  it('orders by code point where UTF-16 order differs', () => {
    expect('\uff5e' < '😀').toBe(false);
    expect(compareCodePoints('\uff5e', '😀')).toBeLessThan(0);
    expect(compareCodePoints('abc', 'abd')).toBeLessThan(0);
    expect(compareCodePoints('ab', 'abc')).toBeLessThan(0);
    expect(compareCodePoints('b', 'abc')).toBeGreaterThan(0);
    expect(compareCodePoints('same', 'same')).toBe(0);
  });

  it('agrees with UTF-8 byte order, the order of SQLite BINARY collation (property)', () => {
    fc.assert(
      fc.property(wellFormed, wellFormed, (left, right) => {
        expect(Math.sign(compareCodePoints(left, right))).toBe(Math.sign(compareUtf8(left, right)));
      }),
      { numRuns: 2000 },
    );
  });
});
