/**
 * How a request URL is written to the logs. Query values are where directory
 * data travels (`filter=userName eq "jane@corp.com"`, a cursor holding the
 * last row's userName), so by default only the path, the parameter names and
 * the values of parameters that carry no directory data are written; every
 * other value becomes `[redacted]`. Full URLs are an operator's choice
 * (SCIMITAR_LOG_FULL_URLS), e.g. while debugging an identity provider.
 */
import { REDACTED } from '../request-log/redaction.js';

/**
 * Parameters whose values say how to page, sort or shape a response, never
 * what to look for: paging and projection (RFC 7644 §3.4.2), and the admin
 * API's event-feed and delivery-list positions (numbers and enums).
 * Compared case-insensitively, as the SCIM parameters are.
 */
const PARAMETERS_LOGGED_AS_IS: ReadonlySet<string> = new Set(
  ['startIndex', 'count', 'sortBy', 'sortOrder', 'attributes', 'excludedAttributes', 'after', 'limit', 'wait', 'status'].map((name) =>
    name.toLowerCase(),
  ),
);

/** The URL as the logs show it: the path, and the query with the values of any other parameter redacted. */
export function redactUrlForLog(url: string): string {
  const queryStart = url.indexOf('?');
  if (queryStart === -1) return url;
  const path = url.slice(0, queryStart);
  const query = url.slice(queryStart + 1);
  if (query === '') return path;
  const parameters = query.split('&').map((parameter) => {
    const equals = parameter.indexOf('=');
    const name = equals === -1 ? parameter : parameter.slice(0, equals);
    if (equals === -1) return name;
    if (PARAMETERS_LOGGED_AS_IS.has(decodeName(name).toLowerCase())) return parameter;
    return `${name}=${REDACTED}`;
  });
  return `${path}?${parameters.join('&')}`;
}

/** A parameter name as the server reads it (`%73tartIndex` is startIndex); undecodable text stays as it is. */
function decodeName(name: string): string {
  try {
    return decodeURIComponent(name.replace(/\+/g, ' '));
  } catch {
    return name;
  }
}
