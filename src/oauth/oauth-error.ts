/**
 * The token endpoint's errors, RFC 6749 §5.2: a JSON body with `error`
 * (one of the codes below) and a readable `error_description`. Client
 * authentication failures are 401 (§5.2: invalid_client "MAY" be 401, and
 * MUST be when the client used the Authorization header); the others 400.
 */
import type { AuthFailureReason } from '../request-log/entry.js';

export type OAuthErrorCode = 'invalid_request' | 'invalid_client' | 'invalid_grant' | 'unauthorized_client' | 'unsupported_grant_type' | 'invalid_scope';

export class OAuthError extends Error {
  constructor(
    readonly error: OAuthErrorCode,
    readonly description: string,
    /** Why client authentication failed, for the request log and metrics; never shown to the client beyond `description`. */
    readonly authFailure: Exclude<AuthFailureReason, 'throttled'> | undefined = undefined,
    /** The tenant of a known client that failed (revoked, expired secret), whose request log records it. */
    readonly tenantId: string | undefined = undefined,
  ) {
    super(description);
    this.name = 'OAuthError';
  }

  get status(): 400 | 401 {
    return this.error === 'invalid_client' ? 401 : 400;
  }

  body(): { readonly error: OAuthErrorCode; readonly error_description: string } {
    return { error: this.error, error_description: this.description };
  }
}

/** What every failed client authentication answers, whatever the reason: the client cannot tell an unknown id from a wrong secret. */
export const CLIENT_AUTHENTICATION_FAILED = 'Client authentication failed: check the client id and client secret';

export function clientAuthenticationFailed(reason: Exclude<AuthFailureReason, 'throttled'>, tenantId?: string): OAuthError {
  return new OAuthError('invalid_client', CLIENT_AUTHENTICATION_FAILED, reason, tenantId);
}
