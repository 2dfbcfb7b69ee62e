/**
 * Reading a token request (RFC 6749 §4.4.2, client credentials grant) from
 * what the client sent: the Content-Type, the body text and the
 * Authorization header. Either a request to authenticate, or the OAuthError
 * that answers it.
 *
 * Decisions, each with the section it follows:
 * - The body must be application/x-www-form-urlencoded (§4.4.2, §3.2);
 *   JSON and anything else is `invalid_request`.
 * - A parameter sent twice is `invalid_request` (§3.2: "MUST NOT be
 *   included more than once"); an empty value counts as absent (§3.1).
 * - The client authenticates either with HTTP Basic (§2.3.1), whose id and
 *   secret are each form-url-encoded before base64, or with `client_id` and
 *   `client_secret` in the body — never both (§2.3: "MUST NOT use more than
 *   one authentication method in each request"). A `client_id` in the body
 *   beside Basic must name the same client.
 * - `scope` may be left out or be `scim` (§3.3: the server decides what it
 *   grants). Any other scope is `invalid_scope`, so a client configured for
 *   another server's scopes learns it at once rather than at its first
 *   SCIM call.
 */
import { OAuthError } from './oauth-error.js';

export const CLIENT_CREDENTIALS_GRANT = 'client_credentials';
export const SCIM_SCOPE = 'scim';
export const FORM_MEDIA_TYPE = 'application/x-www-form-urlencoded';

export interface ClientCredentialsRequest {
  readonly clientId: string;
  readonly clientSecret: string;
  /** How the client authenticated: the 401 of a failure says Basic either way, the log notes which. */
  readonly method: 'basic' | 'form';
  /** The scope as requested (checked by `grantedScope` once the client has authenticated). */
  readonly scope: string | undefined;
}

/** Whether the Authorization header uses the Basic scheme (case-insensitive, RFC 9110 §11.1). */
export function usesBasic(authorization: string | undefined): boolean {
  return authorization !== undefined && /^basic(\s|$)/i.test(authorization);
}

/** The media type of a Content-Type header, lowercase, without parameters. */
function mediaTypeOf(contentType: string | undefined): string | undefined {
  if (contentType === undefined) return undefined;
  return contentType.split(';')[0]?.trim().toLowerCase();
}

/** The form's parameters, each once; a repeated one is refused. */
function readForm(body: string): Map<string, string> {
  const parameters = new Map<string, string>();
  for (const [name, value] of new URLSearchParams(body)) {
    if (parameters.has(name)) throw new OAuthError('invalid_request', `The parameter "${name}" is sent more than once`);
    parameters.set(name, value);
  }
  return parameters;
}

/** application/x-www-form-urlencoded decoding of one credential ('+' is a space, %XX a byte of UTF-8). */
function formDecode(text: string): string | undefined {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return undefined;
  }
}

/** RFC 6749 §2.3.1 inside RFC 7617: base64 of `form-encode(id) ":" form-encode(secret)`. */
function readBasic(authorization: string): { clientId: string; clientSecret: string } {
  const match = /^basic\s+([A-Za-z0-9+/]+={0,2})\s*$/i.exec(authorization);
  if (!match?.[1]) throw new OAuthError('invalid_client', 'The Authorization header is not valid Basic credentials (base64 of client_id:client_secret)', 'malformed');
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const clientId = colon === -1 ? undefined : formDecode(decoded.slice(0, colon));
  const clientSecret = colon === -1 ? undefined : formDecode(decoded.slice(colon + 1));
  if (clientId === undefined || clientSecret === undefined || clientId === '' || clientSecret === '') {
    throw new OAuthError('invalid_client', 'The Basic credentials must be client_id:client_secret, each form-url-encoded, then base64 (RFC 6749 §2.3.1)', 'malformed');
  }
  return { clientId, clientSecret };
}

/** The scope granted: `scim` when asked for, undefined when the request named none. */
export function grantedScope(scope: string | undefined): typeof SCIM_SCOPE | undefined {
  if (scope === undefined) return undefined;
  const requested = scope.split(' ').filter((token) => token !== '');
  if (requested.length > 0 && requested.every((token) => token === SCIM_SCOPE)) return SCIM_SCOPE;
  throw new OAuthError('invalid_scope', `The only scope this server grants is "${SCIM_SCOPE}"; leave scope out or send scope=${SCIM_SCOPE}`);
}

/**
 * The request, or the error answering it: grant type first, then the
 * client's credentials. The scope is checked after authentication
 * (`grantedScope`), so a client told `invalid_scope` has authenticated.
 */
export function readTokenRequest(contentType: string | undefined, body: string, authorization: string | undefined): ClientCredentialsRequest {
  if (mediaTypeOf(contentType) !== FORM_MEDIA_TYPE) {
    throw new OAuthError('invalid_request', `The token request must be ${FORM_MEDIA_TYPE} (RFC 6749 §4.4.2), not ${contentType === undefined ? 'a body without Content-Type' : JSON.stringify(contentType)}`);
  }
  const form = readForm(body);
  const value = (name: string): string | undefined => {
    const found = form.get(name);
    return found === undefined || found === '' ? undefined : found;
  };
  const grantType = value('grant_type');
  if (grantType === undefined) throw new OAuthError('invalid_request', 'The parameter "grant_type" is missing; send grant_type=client_credentials');
  if (grantType !== CLIENT_CREDENTIALS_GRANT) {
    throw new OAuthError('unsupported_grant_type', `The grant type "${grantType}" is not supported; this endpoint issues tokens for grant_type=client_credentials only`);
  }
  const formId = value('client_id');
  const formSecret = value('client_secret');
  let credentials: Pick<ClientCredentialsRequest, 'clientId' | 'clientSecret' | 'method'>;
  if (authorization !== undefined && authorization !== '') {
    if (!usesBasic(authorization)) throw new OAuthError('invalid_client', 'Authenticate the client with HTTP Basic or with client_id and client_secret in the body', 'malformed');
    if (formSecret !== undefined) {
      throw new OAuthError('invalid_request', 'The client authenticated twice (Basic and client_secret in the body); use one method only (RFC 6749 §2.3)');
    }
    const basic = readBasic(authorization);
    if (formId !== undefined && formId !== basic.clientId) throw new OAuthError('invalid_request', 'The client_id in the body is not the client of the Basic credentials');
    credentials = { ...basic, method: 'basic' };
  } else {
    if (formId === undefined && formSecret === undefined) {
      throw new OAuthError('invalid_client', 'No client credentials: send HTTP Basic, or client_id and client_secret in the body', 'missing');
    }
    if (formId === undefined) throw new OAuthError('invalid_request', 'The parameter "client_id" is missing');
    if (formSecret === undefined) throw new OAuthError('invalid_request', 'The parameter "client_secret" is missing');
    credentials = { clientId: formId, clientSecret: formSecret, method: 'form' };
  }
  return { ...credentials, scope: value('scope') };
}
