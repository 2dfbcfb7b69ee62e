/**
 * A logged SCIM request told in a sentence an IT admin reads at a glance:
 * who sent it, what it did, and whether it worked ("Okta looked up a user
 * by userName: OK"); for a refused request, what went wrong and what to
 * change. Only the entry's recorded facts are used (method, path, query,
 * status, scimType, detail, the refusal reason); nothing is looked up.
 */
import type { StoredRequestLogEntry } from '../../request-log/entry.js';
import type { RequestStory } from './portal-services.js';

/** The collections a request may address, as people name their members. */
const NOUNS: Record<string, readonly [string, string]> = {
  users: ['a user', 'users'],
  groups: ['a group', 'groups'],
};

const DISCOVERY = new Set(['serviceproviderconfig', 'schemas', 'resourcetypes']);

const REFUSALS: Record<string, string> = {
  missing: 'No token was sent. In your identity provider, set the authentication to "HTTP header" / bearer token and paste the token generated on the Connect page.',
  malformed: 'The Authorization header is not "Bearer <token>". Paste the token alone into the token field, without "Bearer".',
  unknown: 'The token is not one of this directory\'s tokens. Check that you pasted the whole token, or generate a new one on the Connect page.',
  revoked: 'The token was revoked. Generate a new one on the Connect page and paste it into your identity provider.',
  expired: 'The token has expired. Generate a new one on the Connect page and paste it into your identity provider.',
  wrong_tenant: 'The token belongs to another directory than the base URL. Use the base URL and a token from this page together.',
  throttled: 'Too many requests with a wrong token came from this address; wait a minute, then test again with the right token.',
};

function filterOf(query: string | null): string | undefined {
  if (query === null) return undefined;
  try {
    return new URLSearchParams(query).get('filter') ?? undefined;
  } catch {
    return undefined;
  }
}

/** What the request did, from its method and the path after /scim/v2. */
function action(method: string, scimPath: string, query: string | null): string {
  const segments = scimPath.split('/').filter((segment) => segment !== '');
  const collection = (segments[0] ?? '').toLowerCase();
  if (collection === '') return `sent ${method} to the base URL`;
  if (DISCOVERY.has(collection)) return "read the server's capabilities";
  if (collection === 'bulk') return 'sent a bulk request';
  const [one, many] = NOUNS[collection] ?? [`a ${segments[0]} resource`, `${segments[0]} resources`];
  const hasId = segments.length > 1;
  const filterAttribute = /^\s*([A-Za-z][\w.:$-]*)/.exec(filterOf(query) ?? '')?.[1];
  switch (method) {
    case 'GET':
      if (hasId) return `read ${one}`;
      return filterAttribute !== undefined ? `looked up ${one} by ${filterAttribute}` : `listed ${many}`;
    case 'POST':
      return segments[1] === '.search' ? `searched ${many}` : `created ${one}`;
    case 'PUT':
      return `replaced ${one}`;
    case 'PATCH':
      return `updated ${one}`;
    case 'DELETE':
      return `deleted ${one}`;
    default:
      return `sent ${method} to ${many}`;
  }
}

function explanationOf(entry: StoredRequestLogEntry): string {
  if (entry.authFailure !== null) return REFUSALS[entry.authFailure] ?? 'The token was refused.';
  const detail = entry.detail ?? '';
  if (entry.status === 409) return `It already exists here (${detail || 'uniqueness'}). Usually the identity provider then looks it up and links to it; if it keeps failing, check that userName or displayName is unique.`;
  if (entry.status === 404) return `It was not found here${detail ? ` (${detail})` : ''}. It may have been deleted in this directory but not in the identity provider.`;
  if (entry.status === 429) return 'Too many requests at once; the identity provider retries later on its own.';
  if (entry.status >= 500) return `The server could not finish the request (request id ${entry.requestId}); send this id to your provider.`;
  return detail !== '' ? `${detail}${entry.scimType !== null ? ` (${entry.scimType})` : ''}.` : `Refused with status ${entry.status}.`;
}

export function tellRequest(entry: StoredRequestLogEntry): RequestStory {
  const who = entry.idp ?? 'Your identity provider';
  const scimIndex = entry.path.toLowerCase().indexOf('/scim/v2');
  const scimPath = scimIndex === -1 ? entry.path : entry.path.slice(scimIndex + '/scim/v2'.length);
  const ok = entry.status < 400;
  const summary = `${who} ${action(entry.method.toUpperCase(), scimPath, entry.query)}: ${ok ? 'OK' : `failed (${entry.status})`}`;
  return { outcome: ok ? 'ok' : 'failed', summary, explanation: ok ? undefined : explanationOf(entry) };
}
