import { describe, expect, it } from 'vitest';
import { TRUNCATED_MARK } from './entry.js';
import { identityProviderOf } from './idp.js';
import { createRedaction, cut, REDACTED } from './redaction.js';

describe('request log redaction', () => {
  const secretsOnly = createRedaction([]);
  const personal = createRedaction(['emails', 'name', 'filter']);

  it('masks passwords and token-like keys at any depth, extension URNs and Bulk data included', () => {
    const body = {
      userName: 'jane',
      password: 'p',
      nested: { clientSecret: 's', refresh_token: 't', apiKey: 'k' },
      Operations: [{ method: 'POST', path: '/Users', data: { userName: 'x', password: 'q' } }],
      'urn:example:ext:1.0:User': { oldPassword: 'r' },
    };
    expect(JSON.parse(secretsOnly.body(body, 10_000))).toEqual({
      userName: 'jane',
      password: REDACTED,
      nested: { clientSecret: REDACTED, refresh_token: REDACTED, apiKey: REDACTED },
      Operations: [{ method: 'POST', path: '/Users', data: { userName: 'x', password: REDACTED } }],
      'urn:example:ext:1.0:User': { oldPassword: REDACTED },
    });
  });

  it('masks a PATCH value by its path, not only by its key', () => {
    const patch = {
      Operations: [
        { op: 'replace', path: 'password', value: 'secret' },
        { op: 'add', path: 'emails[type eq "work"].value', value: 'jane@example.com' },
        { op: 'replace', path: 'urn:ietf:params:scim:schemas:core:2.0:User:name.givenName', value: 'Jane' },
        { op: 'replace', path: 'active', value: false },
      ],
    };
    expect(JSON.parse(secretsOnly.body(patch, 10_000)).Operations.map((operation: { value: unknown }) => operation.value)).toEqual([
      REDACTED,
      'jane@example.com',
      'Jane',
      false,
    ]);
    expect(JSON.parse(personal.body(patch, 10_000)).Operations.map((operation: { value: unknown }) => operation.value)).toEqual([REDACTED, REDACTED, REDACTED, false]);
  });

  it('masks the value of a PATCH path it cannot read, which might name anything', () => {
    const patch = { Operations: [{ op: 'replace', path: 'pass word', value: 'secret' }, { op: 'replace', path: 'emails[type eq', value: 'jane@example.com' }] };
    expect(JSON.parse(secretsOnly.body(patch, 10_000)).Operations.map((operation: { value: unknown }) => operation.value)).toEqual([REDACTED, REDACTED]);
  });

  it('masks secret query parameters always and the filter when configured', () => {
    expect(secretsOnly.query('filter=userName%20eq%20%22j%22&access_token=abc&count=10')).toBe('filter=userName+eq+%22j%22&access_token=%5Bredacted%5D&count=10');
    expect(personal.query('filter=userName%20eq%20%22j%22')).toBe('filter=%5Bredacted%5D');
  });

  it('cuts on a character boundary, marker included, within the byte limit', () => {
    const text = `${'é'.repeat(50)}`;
    const result = cut(text, 41);
    expect(Buffer.byteLength(result)).toBeLessThanOrEqual(41);
    expect(result.endsWith(TRUNCATED_MARK)).toBe(true);
    expect(result).not.toContain('\uFFFD');
    expect(cut('short', 41)).toBe('short');
  });
});

describe('identity provider from the User-Agent', () => {
  it.each([
    ['Okta SCIM Client 1.0.0', 'Okta'],
    ['OKTA SCIM Integration', 'Okta'],
    ['Microsoft.Identity.Provisioning', 'Entra ID'],
    ['Azure AD SCIM', 'Entra ID'],
    ['Google-Workspace-Provisioning', 'Google Workspace'],
    ['OneLogin SCIM', 'OneLogin'],
    ['JumpCloud/1.0', 'JumpCloud'],
    ['curl/8.5.0', null],
  ])('%s → %s', (userAgent, idp) => {
    expect(identityProviderOf(userAgent)).toBe(idp);
  });
  it('names none without a User-Agent', () => {
    expect(identityProviderOf(undefined)).toBeNull();
  });
});
