/**
 * What a response tells about a deployment, in the words of a report: what
 * went wrong, what the identity provider concludes, and the likely fix.
 */
import { SCIM_ERROR_SCHEMA } from '../core/errors/scim-error.js';
import type { ProbeResponse } from './http-probe.js';

export type DiagnosisCode =
  | 'unreachable'
  | 'tls-below-1.2'
  | 'redirect'
  | 'not-a-scim-base-url'
  | 'unauthorized'
  | 'blocked-without-user-agent'
  | 'blocked-user-agent'
  | 'blocked-scim-json'
  | 'wrong-content-type'
  | 'non-scim-error'
  | 'meta-location-mismatch'
  | 'unexpected-answer';

export interface Diagnosis {
  readonly code: DiagnosisCode;
  /** What was observed. */
  readonly finding: string;
  /** What the identity provider shows or does. */
  readonly idpConclusion: string;
  readonly fix: string;
}


/** Values in a report come from a remote server: cut and strip control characters. */
export function excerpt(text: string, length = 120): string {
  const flat = text.replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ').trim();
  return flat.length > length ? `${flat.slice(0, length)}…` : flat;
}

export function isScimError(json: unknown): json is { detail?: unknown; scimType?: unknown } {
  if (json === null || typeof json !== 'object') return false;
  const schemas = (json as { schemas?: unknown }).schemas;
  return Array.isArray(schemas) && schemas.includes(SCIM_ERROR_SCHEMA);
}

function mediaType(response: ProbeResponse): string {
  return (response.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
}

export function redirect(response: ProbeResponse): Diagnosis {
  const location = response.headers['location'] ?? '(no Location header)';
  return {
    code: 'redirect',
    finding: `${response.status} redirect to ${excerpt(location, 200)}`,
    idpConclusion: 'Okta and Entra do not follow redirects on SCIM calls: the connection test fails.',
    fix: `Configure the identity provider with the final URL (${excerpt(location, 200)}), or stop the redirect at the proxy (e.g. an HTTP→HTTPS rule in front of the SCIM path).`,
  };
}

export function unauthorized(response: ProbeResponse): Diagnosis {
  return {
    code: 'unauthorized',
    finding: `401 Unauthorized${response.headers['www-authenticate'] ? ` (WWW-Authenticate: ${excerpt(response.headers['www-authenticate'])})` : ''}`,
    idpConclusion: 'The identity provider reports invalid credentials and provisions nothing.',
    fix: 'Check the token: it must belong to this tenant, be neither revoked nor expired, and reach the server intact (a proxy must forward the Authorization header).',
  };
}

/** A 404 (or any non-SCIM answer) to a collection every SCIM server has: the base URL does not reach a SCIM API. */
export function notScimBase(response: ProbeResponse, path: string): Diagnosis {
  return {
    code: 'not-a-scim-base-url',
    finding: `${response.status} on ${path} with a non-SCIM body (${mediaType(response) || 'no content type'}: ${excerpt(response.bodyText) || 'empty'})`,
    idpConclusion: 'The connection test fails with "not found" or a parse error: no user is imported or pushed.',
    fix: 'A proxy probably rewrites or strips the path: the URL the identity provider calls must reach the SCIM root unchanged (e.g. …/scim/v2/Users). Check the proxy\'s path rules and the base URL typed into the identity provider.',
  };
}

export function nonScimError(response: ProbeResponse): Diagnosis {
  return {
    code: 'non-scim-error',
    finding: `${response.status} with a body that is not a SCIM error (${mediaType(response) || 'no content type'}: ${excerpt(response.bodyText) || 'empty'})`,
    idpConclusion: 'The identity provider cannot read the reason and shows a generic failure.',
    fix: 'Something in front of the SCIM server (proxy, WAF, gateway) answered instead of it; check its logs for this request. SCIM errors carry the urn:ietf:params:scim:api:messages:2.0:Error schema (RFC 7644 §3.12).',
  };
}

export function unexpectedAnswer(response: ProbeResponse, expected: string): Diagnosis {
  const detail = isScimError(response.json) && typeof response.json.detail === 'string' ? `: ${excerpt(response.json.detail, 200)}` : '';
  return {
    code: 'unexpected-answer',
    finding: `${response.status} where ${expected} was expected${detail}`,
    idpConclusion: 'The identity provider records this operation as failed and retries it later.',
    fix: 'See the server\'s answer above; the server does not support this request as the identity provider sends it.',
  };
}

/** RFC 7644 §3.1: SCIM responses are `application/scim+json`; Okta and Entra also accept `application/json`. */
export function contentTypeProblem(response: ProbeResponse): Diagnosis | undefined {
  const type = mediaType(response);
  if (type === 'application/scim+json' || type === 'application/json') return undefined;
  return {
    code: 'wrong-content-type',
    finding: `Content-Type is ${type || 'missing'}, not application/scim+json`,
    idpConclusion: 'The identity provider cannot parse the answer and reports the request as failed.',
    fix: 'Answer with Content-Type: application/scim+json (RFC 7644 §3.1); if the server does, a proxy replaces the header or the body.',
  };
}

/** The answer to a response, by status, when it is not the one expected. */
export function diagnoseFailure(response: ProbeResponse, expected: string, path: string): Diagnosis {
  if (response.status >= 300 && response.status < 400) return redirect(response);
  if (response.status === 401) return unauthorized(response);
  if (isScimError(response.json)) return unexpectedAnswer(response, expected);
  if (response.status === 404 && /^\/(Users|Groups)\b/.test(path)) return notScimBase(response, path);
  return nonScimError(response);
}

export function tlsBelow12(protocol: string): Diagnosis {
  return {
    code: 'tls-below-1.2',
    finding: `The server negotiated ${protocol}`,
    idpConclusion: 'Okta and Entra require TLS 1.2 or later: the connection fails before any SCIM request.',
    fix: 'Enable TLS 1.2 and 1.3 on the server or load balancer in front of it, and disable TLS 1.0/1.1.',
  };
}

export function unreachable(message: string): Diagnosis {
  return {
    code: 'unreachable',
    finding: message,
    idpConclusion: 'The connection test fails: the endpoint cannot be reached.',
    fix: 'Check the host name, port, firewall rules and certificate; the URL must be reachable from the internet for Okta and Entra (or through their on-premises agents).',
  };
}

export function metaLocationMismatch(location: string, expectedPrefix: string): Diagnosis {
  return {
    code: 'meta-location-mismatch',
    finding: `meta.location is ${excerpt(location, 200)}, outside ${expectedPrefix}`,
    idpConclusion: 'Clients that follow meta.location or $ref call an internal or wrong address.',
    fix: 'Set the server\'s public URL (Scimitar: SCIMITAR_PUBLIC_URL) or make the proxy forward the original Host and X-Forwarded-Proto (Scimitar: trustProxy).',
  };
}

export function headerSensitivity(code: 'blocked-without-user-agent' | 'blocked-user-agent' | 'blocked-scim-json', variant: ProbeResponse): Diagnosis {
  const what = {
    'blocked-without-user-agent': ['a request WITHOUT a User-Agent', 'Identity providers whose requests carry no User-Agent are refused.', 'Allow requests without a User-Agent on the SCIM path in the WAF (or a rule for the identity providers\' address ranges).'],
    'blocked-user-agent': ['a request with Okta\'s User-Agent (Okta SCIM Client 1.0.0)', 'Okta\'s calls are refused while others pass.', 'Allow the identity provider\'s User-Agent in the WAF or bot protection in front of the SCIM path.'],
    'blocked-scim-json': ['a request with application/scim+json', 'Requests with SCIM\'s own media type are refused: every Okta call, and Entra\'s reads.', 'Allow the media type application/scim+json (Accept and Content-Type) on the SCIM path in the WAF or gateway.'],
  }[code];
  return {
    code,
    finding: `${what[0]} is answered ${variant.status} (${excerpt(variant.bodyText) || 'empty body'}), the same request otherwise is not`,
    idpConclusion: what[1]!,
    fix: what[2]!,
  };
}
