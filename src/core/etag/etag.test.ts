import { describe, expect, it } from 'vitest';
import { ScimError } from '../errors/scim-error.js';
import { assertIfMatch, conditionMatches, parseEntityTagCondition } from './etag.js';

describe('entity tags (RFC 7644 §3.14)', () => {
  it('parses *, weak and strong tags, and lists', () => {
    expect(parseEntityTagCondition('*', 'If-Match')).toEqual({ any: true });
    expect(parseEntityTagCondition('W/"3"', 'If-Match')).toEqual({ any: false, tags: ['3'] });
    expect(parseEntityTagCondition('"3"', 'If-Match')).toEqual({ any: false, tags: ['3'] });
    expect(parseEntityTagCondition('W/"1", "2" ,W/"3"', 'If-Match')).toEqual({ any: false, tags: ['1', '2', '3'] });
  });

  it('rejects malformed headers with a 400 naming the header', () => {
    for (const header of ['', '3', 'W/3', '"3" junk', '"3",', 'W/"3" "4"']) {
      expect(() => parseEntityTagCondition(header, 'If-Match'), header).toThrow(ScimError);
    }
    try {
      parseEntityTagCondition('nope', 'If-None-Match');
    } catch (error) {
      expect((error as ScimError).status).toBe(400);
      expect((error as ScimError).detail).toContain('If-None-Match');
    }
  });

  it('compares weakly against the version number', () => {
    expect(conditionMatches(parseEntityTagCondition('W/"4"', 'If-Match'), 4)).toBe(true);
    expect(conditionMatches(parseEntityTagCondition('"4"', 'If-Match'), 4)).toBe(true);
    expect(conditionMatches(parseEntityTagCondition('W/"5"', 'If-Match'), 4)).toBe(false);
    expect(conditionMatches(parseEntityTagCondition('*', 'If-Match'), 4)).toBe(true);
  });

  it('assertIfMatch answers 412 on a stale version and passes without a header', () => {
    expect(() => assertIfMatch(undefined, 2)).not.toThrow();
    expect(() => assertIfMatch('W/"2"', 2)).not.toThrow();
    try {
      assertIfMatch('W/"1"', 2);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ScimError);
      expect((error as ScimError).status).toBe(412);
    }
  });
});
