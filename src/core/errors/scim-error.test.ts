import { describe, expect, it } from 'vitest';
import { isScimError, SCIM_ERROR_SCHEMA, ScimError, scimErrors } from './scim-error.js';

describe('the SCIM error catalogue (RFC 7644 §3.12)', () => {
  // Pins status and scimType of every entry: changing one is a protocol change.
  const expected: Record<keyof typeof scimErrors, [number, string | undefined]> = {
    invalidFilter: [400, 'invalidFilter'],
    tooMany: [400, 'tooMany'],
    uniqueness: [409, 'uniqueness'],
    mutability: [400, 'mutability'],
    invalidSyntax: [400, 'invalidSyntax'],
    invalidPath: [400, 'invalidPath'],
    noTarget: [400, 'noTarget'],
    invalidValue: [400, 'invalidValue'],
    invalidVersion: [400, 'invalidVers'],
    sensitive: [400, 'sensitive'],
    invalidCursor: [400, 'invalidCursor'],
    expiredCursor: [400, 'expiredCursor'],
    invalidCount: [400, 'invalidCount'],
    badRequest: [400, undefined],
    unauthorized: [401, undefined],
    forbidden: [403, undefined],
    notFound: [404, undefined],
    methodNotAllowed: [405, undefined],
    conflict: [409, undefined],
    preconditionFailed: [412, undefined],
    payloadTooLarge: [413, undefined],
    unsupportedMediaType: [415, undefined],
    requestTimeout: [408, undefined],
    headerFieldsTooLarge: [431, undefined],
    tooManyRequests: [429, undefined],
    notImplemented: [501, undefined],
    internal: [500, undefined],
    serviceUnavailable: [503, undefined],
  };

  for (const [name, [status, scimType]] of Object.entries(expected)) {
    it(`${name} → ${status}${scimType ? ` ${scimType}` : ''}`, () => {
      const error = scimErrors[name as keyof typeof scimErrors]('what to fix');
      expect(error).toBeInstanceOf(ScimError);
      expect(isScimError(error)).toBe(true);
      expect(error.status).toBe(status);
      expect(error.scimType).toBe(scimType);
      const body = error.toJSON();
      expect(body.schemas).toEqual([SCIM_ERROR_SCHEMA]);
      // §3.12: "status" is the HTTP status code expressed as a JSON string.
      expect(body.status).toBe(String(status));
      expect(body.detail).toBe('what to fix');
      expect('scimType' in body).toBe(scimType !== undefined);
    });
  }

  it('has an entry for every name', () => {
    expect(Object.keys(scimErrors).sort()).toEqual(Object.keys(expected).sort());
  });
});
