/** Cursor tokens (RFC 9865): round trips, the wire alphabet, and refusals. */
import { describe, expect, it } from 'vitest';
import { ScimError } from '../errors/scim-error.js';
import { base64UrlDecode, base64UrlEncode } from './base64url.js';
import { cursorBinding, decodeCursor, encodeCursor } from './cursor.js';

const binding = cursorBinding('User', 'userName sw "J"', 'userName', 'ascending');

function refusal(action: () => unknown): ScimError {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(ScimError);
    return error as ScimError;
  }
  throw new TypeError('expected a refusal');
}

describe('cursor tokens', () => {
  it('base64url agrees with Node for ASCII, multi-byte text and every length', () => {
    for (const text of ['', 'a', 'ab', 'abc', 'abcd', 'Zürich ✓ 𝄞', '{"i":"x"}']) {
      expect(base64UrlEncode(text)).toBe(Buffer.from(text, 'utf8').toString('base64url'));
      expect(base64UrlDecode(base64UrlEncode(text))).toBe(text);
    }
  });

  it('round-trips positions with and without a sort key, in RFC 3986 unreserved characters', () => {
    for (const position of [
      { direction: 'after', sortValue: 'jörg', id: '6f1c…' },
      { direction: 'before', sortValue: null, id: 'u2' },
      { direction: 'after', sortValue: 12.5, id: 'a' },
      { direction: 'after', sortValue: false, id: 'b' },
      { direction: 'after', sortValue: undefined, id: 'c' },
    ] as const) {
      const token = encodeCursor(binding, position);
      expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
      expect(decodeCursor(token, binding)).toEqual(position);
    }
  });

  it('refuses a token of another query, an altered one and non-tokens with 400 invalidCursor', () => {
    const token = encodeCursor(binding, { direction: 'after', sortValue: 'j', id: 'u1' });
    const other = cursorBinding('User', 'userName sw "K"', 'userName', 'ascending');
    const altered = base64UrlEncode(base64UrlDecode(token).replace('"u1"', '"u9"'));
    for (const [candidate, against] of [
      [token, other],
      [token, cursorBinding('Group', 'userName sw "J"', 'userName', 'ascending')],
      [token, cursorBinding('User', 'userName sw "J"', 'userName', 'descending')],
      [altered, binding],
      ['!!', binding],
      ['A', binding],
      [base64UrlEncode('null'), binding],
      [base64UrlEncode('{"v":2}'), binding],
      ['A'.repeat(9000), binding],
    ] as const) {
      const error = refusal(() => decodeCursor(candidate, against));
      expect(error.status).toBe(400);
      expect(error.scimType).toBe('invalidCursor');
      expect(error.detail).toMatch(/cursor/i);
    }
  });
});
