/**
 * Reading token requests: RFC 6749 §4.4.2's own example, §2.3.1's
 * form-encoding of Basic credentials, and the request errors of §5.2.
 */
import { describe, expect, it } from 'vitest';
import { OAuthError } from './oauth-error.js';
import { grantedScope, readTokenRequest } from './token-request.js';

const FORM = 'application/x-www-form-urlencoded';

function errorOf(read: () => unknown): { error: string; authFailure: string | undefined } {
  try {
    read();
  } catch (error) {
    if (error instanceof OAuthError) return { error: error.error, authFailure: error.authFailure };
    throw error;
  }
  throw new TypeError('expected an OAuthError');
}

describe('readTokenRequest', () => {
  it('reads the RFC 6749 §4.4.2 example request (Basic s6BhdRkqt3:gX1fBat3bV)', () => {
    expect(readTokenRequest(FORM, 'grant_type=client_credentials', 'Basic czZCaGRSa3F0MzpnWDFmQmF0M2JW')).toEqual({
      clientId: 's6BhdRkqt3',
      clientSecret: 'gX1fBat3bV',
      method: 'basic',
      scope: undefined,
    });
  });

  it('form-url-decodes the id and secret inside Basic (§2.3.1): "+" is a space, %XX a UTF-8 byte, and the first colon separates', () => {
    // id "client:one é", secret "p+ss w:rd%" — encoded, then joined by the one unencoded colon.
    const encoded = `${'client%3Aone+%C3%A9'}:${'p%2Bss+w%3Ard%25'}`;
    const request = readTokenRequest(FORM, 'grant_type=client_credentials', `Basic ${Buffer.from(encoded).toString('base64')}`);
    expect(request).toMatchObject({ clientId: 'client:one é', clientSecret: 'p+ss w:rd%' });
  });

  it('reads credentials from the body, decoding them as form values', () => {
    expect(readTokenRequest(FORM, 'grant_type=client_credentials&client_id=a%2Bb&client_secret=c+d&scope=scim', undefined)).toEqual({
      clientId: 'a+b',
      clientSecret: 'c d',
      method: 'form',
      scope: 'scim',
    });
  });

  it('answers each malformed request with its error', () => {
    const basic = `Basic ${Buffer.from('id:secret').toString('base64')}`;
    expect(errorOf(() => readTokenRequest('application/json', '{}', basic))).toEqual({ error: 'invalid_request', authFailure: undefined });
    expect(errorOf(() => readTokenRequest(FORM, 'client_id=id&client_secret=secret', undefined))).toEqual({ error: 'invalid_request', authFailure: undefined });
    expect(errorOf(() => readTokenRequest(FORM, 'grant_type=client_credentials&scope=a&scope=b', basic))).toEqual({ error: 'invalid_request', authFailure: undefined });
    expect(errorOf(() => readTokenRequest(FORM, 'grant_type=client_credentials&client_secret=secret', basic))).toEqual({ error: 'invalid_request', authFailure: undefined });
    expect(errorOf(() => readTokenRequest(FORM, 'grant_type=refresh_token&refresh_token=x', basic))).toEqual({ error: 'unsupported_grant_type', authFailure: undefined });
    expect(errorOf(() => readTokenRequest(FORM, 'grant_type=client_credentials', undefined))).toEqual({ error: 'invalid_client', authFailure: 'missing' });
    expect(errorOf(() => readTokenRequest(FORM, 'grant_type=client_credentials', 'Basic %%%'))).toEqual({ error: 'invalid_client', authFailure: 'malformed' });
    expect(errorOf(() => readTokenRequest(FORM, 'grant_type=client_credentials', `Basic ${Buffer.from('id:%E0%A4%A').toString('base64')}`))).toEqual({
      error: 'invalid_client',
      authFailure: 'malformed',
    });
  });
});

describe('grantedScope', () => {
  it('grants scim when asked (once or repeated), nothing when not asked, and refuses any other scope', () => {
    expect(grantedScope(undefined)).toBeUndefined();
    expect(grantedScope('scim')).toBe('scim');
    expect(grantedScope('scim  scim')).toBe('scim');
    expect(errorOf(() => grantedScope('scim users:write'))).toEqual({ error: 'invalid_scope', authFailure: undefined });
  });
});
