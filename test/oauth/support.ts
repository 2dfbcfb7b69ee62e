/** Helpers of the OAuth suites: a token request as identity providers send it. */
import type { LightMyRequestResponse } from 'fastify';
import type { TestServer } from '../helpers/build.js';

export const FORM = 'application/x-www-form-urlencoded';

export function tokenPath(tenant: string | undefined): string {
  return tenant === undefined ? '/oauth/token' : `/t/${encodeURIComponent(tenant)}/oauth/token`;
}

/** RFC 6749 §2.3.1: each part form-url-encoded, then `id:secret` in base64. */
export function basicCredentials(clientId: string, clientSecret: string): string {
  const encode = (text: string) => encodeURIComponent(text).replace(/%20/g, '+');
  return `Basic ${Buffer.from(`${encode(clientId)}:${encode(clientSecret)}`, 'utf8').toString('base64')}`;
}

export interface TokenRequestOptions {
  readonly tenant?: string;
  readonly form?: Record<string, string>;
  readonly authorization?: string;
  readonly contentType?: string;
  /** A raw body instead of `form`. */
  readonly body?: string;
  readonly method?: 'POST' | 'GET';
}

export function requestToken(server: TestServer, options: TokenRequestOptions): Promise<LightMyRequestResponse> {
  const payload = options.body ?? new URLSearchParams(options.form ?? {}).toString();
  return server.scimitar.app.inject({
    method: options.method ?? 'POST',
    url: tokenPath(options.tenant),
    headers: {
      'content-type': options.contentType ?? FORM,
      ...(options.authorization !== undefined ? { authorization: options.authorization } : {}),
    },
    ...(options.method === 'GET' ? {} : { payload }),
  });
}

/** A SCIM call with an access token. */
export function scimWith(server: TestServer, accessToken: string, path: string): Promise<LightMyRequestResponse> {
  return server.scimitar.app.inject({ method: 'GET', url: path, headers: { authorization: `Bearer ${accessToken}` } });
}
