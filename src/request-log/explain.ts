/**
 * A request of the request log in words an IT admin understands: who sent
 * it, what it did, whether it worked, and for a failure what it means and
 * the likely fix ("Okta looked up a user by userName: OK (none found, so
 * Okta will create it)"). Pure: it reads only the entry (method, path,
 * query, status, scimType, detail, the refusal reason, the identity
 * provider, the redacted bodies) and never calls anything.
 *
 * What a request did is read from its shape; what a failure means comes
 * from one table (FAILURES), first match wins.
 */
import { parseFilter } from '../core/filter/parser.js';
import type { FilterNode } from '../core/filter/ast.js';
import { idpSetupGuideForLogName } from '../setup-portal-content/idp-steps.js';
import type { RequestLogEntry } from './entry.js';

/** What the explanation reads of an entry. */
export type ExplainableRequest = Pick<RequestLogEntry, 'method' | 'path' | 'query' | 'status' | 'scimType' | 'detail' | 'authFailure' | 'idp' | 'requestBody' | 'responseBody'>;

/**
 * - `ok`: the request worked;
 * - `expected`: refused, but as the identity provider expects (reading a
 *   user it just deleted, the connection test's unknown id, a retry);
 * - `failed`: refused; `meaning` and `fix` say why and what to do.
 */
export type RequestOutcome = 'ok' | 'expected' | 'failed';

export interface RequestExplanation {
  readonly outcome: RequestOutcome;
  /** Who sent it: the identity provider's name, or "The identity provider". */
  readonly actor: string;
  /** What it did ("looked up a user by userName"), or for a refused request what it tried ("tried to create user jdoe@example.com"). */
  readonly action: string;
  /** "OK", "OK (none found, so Okta will create it)", "failed (409 uniqueness)", "not found (404)". */
  readonly result: string;
  /** `${actor} ${action}: ${result}` */
  readonly sentence: string;
  /** For a failure: what it means. */
  readonly meaning: string | undefined;
  /** For a failure: what to do about it (undefined when nothing needs doing). */
  readonly fix: string | undefined;
}

const DISCOVERY_ENDPOINTS: Readonly<Record<string, string>> = {
  ServiceProviderConfig: "this server's capabilities (ServiceProviderConfig)",
  Schemas: "this server's schemas",
  ResourceTypes: "this server's resource types",
};

/** How a request addressed the server, read from its path. */
interface Target {
  /** The endpoint after the SCIM root: Users, Groups, Bulk, ServiceProviderConfig…; undefined when the path names none. */
  readonly endpoint: string | undefined;
  /** The resource id, `.search`, or undefined for the collection. */
  readonly item: string | undefined;
  /** A resource of this endpoint in words: "user", "group", "device". */
  readonly noun: string;
  readonly plural: string;
}

/** Who is speaking and what to call things, for the failure table. */
interface Context {
  readonly request: ExplainableRequest;
  readonly target: Target;
  /** The identity provider as named inside a sentence ("Okta", "the identity provider"). */
  readonly actor: string;
  readonly tokenField: string;
  readonly baseUrlField: string;
}

interface FailureRule {
  readonly matches: (context: Context) => boolean;
  /** Refused as the identity provider expects: shown as such, not as a failure. */
  readonly expected?: boolean;
  readonly meaning: (context: Context) => string;
  readonly fix: (context: Context) => string | undefined;
}

const isResourceRead = (context: Context) => context.request.method === 'GET' && context.target.item !== undefined && context.target.item !== '.search';

/**
 * What a failure means and how to fix it, first match wins. The token's
 * field and the base URL's field are named as the identity provider's own
 * console names them (src/setup-portal-content/idp-steps.ts).
 */
const FAILURES: readonly FailureRule[] = [
  {
    matches: ({ request }) => request.status === 401 && request.authFailure === 'missing',
    meaning: ({ actor }) => `${actor} sent no token.`,
    fix: ({ actor, tokenField }) => `Generate a token on the setup page and paste it into ${possessive(actor)} ${tokenField} field.`,
  },
  {
    matches: ({ request }) => request.status === 401 && request.authFailure === 'expired',
    meaning: () => 'The token has expired.',
    fix: ({ actor, tokenField }) => `Generate a new token on the setup page and paste it into ${possessive(actor)} ${tokenField} field.`,
  },
  {
    matches: ({ request }) => request.status === 401 && request.authFailure === 'wrong_tenant',
    meaning: () => 'The token belongs to another directory than the URL it was sent to.',
    fix: ({ actor, baseUrlField }) => `Copy the base URL from the setup page into ${possessive(actor)} ${baseUrlField} field, with the token generated for it.`,
  },
  {
    matches: ({ request }) => request.status === 401,
    meaning: () => 'The token is unknown or revoked (or was pasted incompletely).',
    fix: ({ actor, tokenField }) => `Generate a new token on the setup page and paste it into ${possessive(actor)} ${tokenField} field.`,
  },
  {
    matches: ({ request }) => request.status === 429 && request.authFailure === 'throttled',
    meaning: () => 'Too many requests with a wrong token came from this address, so it is refused for a while.',
    fix: ({ actor, tokenField }) => `Fix the token in ${possessive(actor)} ${tokenField} field, then wait a few minutes before testing again.`,
  },
  {
    matches: ({ request }) => request.status === 429,
    meaning: () => "The directory's request rate limit was reached; the request was not carried out.",
    fix: ({ actor }) => `Nothing to do: ${actor} retries after the time the answer gave. If it keeps happening, ask your provider to raise the limit.`,
  },
  {
    matches: ({ request, target }) => request.status === 404 && target.endpoint === undefined,
    meaning: () => 'There is no SCIM endpoint at this address.',
    fix: ({ actor, baseUrlField }) => `Copy the base URL from the setup page into ${possessive(actor)} ${baseUrlField} field exactly: it ends in /scim/v2.`,
  },
  {
    matches: (context) => context.request.status === 404 && isResourceRead(context),
    expected: true,
    meaning: ({ target, actor }) =>
      `No such ${target.noun} in this directory: it was deleted, or never created here. ${capitalized(actor)} checks this after deleting a ${target.noun}, and connection tests ask for an id that does not exist on purpose.`,
    fix: () => undefined,
  },
  {
    matches: ({ request, target }) => request.status === 404 && target.item !== undefined,
    meaning: ({ target }) => `No such ${target.noun} in this directory: it was deleted here, or never created here.`,
    fix: ({ actor, target }) => `If it keeps happening, let ${actor} provision the ${target.noun} again (for example unassign and reassign it).`,
  },
  {
    matches: ({ request }) => request.status === 409 && request.scimType === 'uniqueness',
    meaning: ({ target }) => `A ${target.noun} with the same unique value (such as userName, in any letter case) already exists in this directory.`,
    fix: ({ actor, target }) =>
      `${capitalized(actor)} usually matches the existing ${target.noun} next. If it keeps failing, the existing ${target.noun} was not created by ${actor}: make ${possessive(actor)} unique identifier (userName) match it, or have it removed here first.`,
  },
  {
    matches: ({ request }) => request.status === 400 && request.scimType === 'invalidFilter',
    meaning: () => `The lookup used a filter this server cannot evaluate.`,
    fix: ({ actor }) => `Check the matching attribute in ${possessive(actor)} attribute mappings: match users on userName or externalId.`,
  },
  {
    matches: ({ request }) => request.status === 400 && (request.scimType === 'invalidValue' || request.scimType === 'invalidSyntax'),
    meaning: ({ target }) => `The ${target.noun} sent is not valid here.`,
    fix: ({ actor }) => `Check ${possessive(actor)} attribute mappings for the attribute the detail names (a missing userName, a value of the wrong type, an unknown core attribute).`,
  },
  {
    matches: ({ request }) => request.status === 400 && request.scimType === 'mutability',
    meaning: () => 'The request tried to change an attribute that cannot be changed (such as id).',
    fix: ({ actor }) => `Remove that attribute from ${possessive(actor)} attribute mappings.`,
  },
  {
    matches: ({ request }) => request.status === 400 && (request.scimType === 'invalidPath' || request.scimType === 'noTarget'),
    meaning: () => 'An update named an attribute path this directory does not have, or that matched nothing.',
    fix: ({ actor }) => `Check the attribute names in ${possessive(actor)} attribute mappings (custom attributes need an extension namespace).`,
  },
  {
    matches: ({ request }) => request.status === 400 && request.scimType === 'tooMany',
    meaning: () => 'The request asked for more results or operations than the server allows at once.',
    fix: ({ actor }) => `Nothing to fix here if ${actor} pages its requests; otherwise ask your provider.`,
  },
  {
    matches: ({ request }) => request.status === 412,
    expected: true,
    meaning: ({ target }) => `The ${target.noun} changed since it was last read (its version no longer matched).`,
    fix: ({ actor }) => `Nothing to do: ${actor} reads it again and retries.`,
  },
  {
    matches: ({ request }) => request.status === 413,
    meaning: () => 'The request was larger than the server accepts.',
    fix: () => 'Send smaller batches (fewer bulk operations or group members per request), or ask your provider to raise the size limit.',
  },
  {
    matches: ({ request }) => request.status === 415,
    meaning: () => 'The request body was not sent as JSON.',
    fix: ({ actor }) => `Make sure ${actor} sends SCIM 2.0 JSON (Content-Type application/scim+json); SCIM 1.1 connectors are not supported.`,
  },
  {
    matches: ({ request }) => request.status === 405 || request.status === 501,
    meaning: () => 'This server does not support that operation at this address.',
    fix: ({ actor, baseUrlField }) => `Check that ${possessive(actor)} ${baseUrlField} field holds the base URL from the setup page, and that it speaks SCIM 2.0.`,
  },
  {
    matches: ({ request }) => request.status === 503,
    meaning: () => "The server's database was unreachable for a moment; nothing was saved.",
    fix: ({ actor }) => `Nothing to do: ${actor} retries. If it lasts, tell your provider.`,
  },
  {
    matches: ({ request }) => request.status >= 500,
    meaning: () => 'Something went wrong on the server; it was logged for your provider.',
    fix: ({ actor }) => `${capitalized(actor)} retries on its own; if it keeps failing, tell your provider the time of this request.`,
  },
  {
    matches: ({ request }) => request.status >= 400,
    meaning: ({ request }) => `The server refused the request (${request.status}).`,
    fix: () => 'Read the detail below; if it is unclear, send it to your provider.',
  },
];

export function explainRequest(request: ExplainableRequest): RequestExplanation {
  const guide = idpSetupGuideForLogName(request.idp);
  const actor = request.idp ?? 'the identity provider';
  const Actor = capitalized(actor);
  const target = targetOf(request.path);
  const action = actionOf(request, target);
  const context: Context = {
    request,
    target,
    actor,
    tokenField: guide?.tokenField ?? 'token',
    baseUrlField: guide?.baseUrlField ?? 'base URL',
  };
  if (request.status < 400) {
    const result = successResult(request, target, actor);
    return { outcome: 'ok', actor: Actor, action: action.done, result, sentence: `${Actor} ${action.done}: ${result}`, meaning: undefined, fix: undefined };
  }
  const rule = FAILURES.find((candidate) => candidate.matches(context))!;
  const refusal = `${request.status}${request.scimType === null ? '' : ` ${request.scimType}`}`;
  const result = rule.expected === true ? `${request.status === 404 ? 'not found' : 'refused'} (${refusal})` : `failed (${refusal})`;
  const fix = rule.fix(context);
  return {
    outcome: rule.expected === true ? 'expected' : 'failed',
    actor: Actor,
    action: action.tried,
    result,
    sentence: `${Actor} ${action.tried}: ${result}`,
    meaning: `${capitalized(rule.meaning(context))}${request.detail === null ? '' : ` The server said: ${request.detail}`}`,
    fix: fix === undefined ? undefined : capitalized(fix),
  };
}

/** A verb phrase as done ("created user x") and as tried ("tried to create user x"). */
interface Action {
  readonly done: string;
  readonly tried: string;
}

function act(past: string, base: string, rest: string): Action {
  return { done: `${past} ${rest}`, tried: `tried to ${base} ${rest}` };
}

/** The endpoint and item of a SCIM path, whether at /scim/v2, /t/{tenant}/scim/v2 or an app's own mount. */
function targetOf(path: string): Target {
  const segments = path.split('/').filter((segment) => segment !== '');
  const root = segments.lastIndexOf('v2');
  // Endpoints are capitalised (RFC 7644 §3.2); an app mounting Scimitar elsewhere still has one after its prefix.
  const start = root >= 0 ? root + 1 : segments.findIndex((segment) => /^[A-Z]/.test(segment));
  const endpoint = start >= 0 && start < segments.length ? decodeSegment(segments[start]!) : undefined;
  const item = endpoint === undefined ? undefined : segments[start + 1] === undefined ? undefined : decodeSegment(segments[start + 1]!);
  const plural = endpoint === undefined ? 'resources' : endpoint.toLowerCase();
  const noun = plural.endsWith('s') ? plural.slice(0, -1) : plural;
  return { endpoint, item, noun, plural };
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function actionOf(request: ExplainableRequest, target: Target): Action {
  const method = request.method.toUpperCase();
  const { endpoint, item, noun, plural } = target;
  if (endpoint === undefined) return act('sent', 'send', `${method} ${request.path}`);
  const discovery = DISCOVERY_ENDPOINTS[endpoint];
  if (discovery !== undefined) return act('read', 'read', discovery);
  const body = jsonOf(request.requestBody);
  if (endpoint === 'Bulk') {
    const operations = arrayOf(body?.['Operations']);
    return act('sent', 'send', operations === undefined ? 'a bulk request' : `a bulk request of ${count(operations.length, 'operation')}`);
  }
  if (item === '.search') return lookupAction(stringOf(body?.['filter']), target);
  if (method === 'GET' && item === undefined) return lookupAction(new URLSearchParams(request.query ?? '').get('filter') ?? undefined, target);
  if (method === 'GET') return act('read', 'read', `a ${noun}`);
  if (method === 'POST' && item === undefined) return act('created', 'create', named(noun, body));
  if (method === 'PUT') return act('replaced', 'replace', `${named(noun, body)} with a full update`);
  if (method === 'DELETE') return act('deleted', 'delete', `a ${noun}`);
  if (method === 'PATCH') return patchAction(body, target);
  return act('sent', 'send', `${method} to ${plural}`);
}

/** A lookup by one attribute reads as such; any other filter as a search. */
function lookupAction(filter: string | undefined, { noun, plural }: Target): Action {
  if (filter === undefined || filter === '') return act('listed', 'list', plural);
  const node = parsedFilter(filter);
  if (node?.kind === 'Comparison' && node.operator === 'eq') {
    const attribute = node.path.subAttribute === undefined ? node.path.name : `${node.path.name}.${node.path.subAttribute}`;
    return act('looked up', 'look up', `a ${noun} by ${attribute}`);
  }
  return act('searched', 'search', `${plural} with a filter`);
}

function parsedFilter(filter: string): FilterNode | undefined {
  try {
    return parseFilter(filter);
  } catch {
    // A filter the server refused is explained by its failure; its action stays generic.
    return undefined;
  }
}

interface PatchOperation {
  readonly op: string;
  readonly path: string | undefined;
  readonly value: unknown;
}

/** Deactivations, reactivations, renames and membership changes by name; any other change by the attributes it touches. */
function patchAction(body: Record<string, unknown> | undefined, { noun }: Target): Action {
  const operations = (arrayOf(body?.['Operations']) ?? []).flatMap((operation): PatchOperation[] => {
    if (typeof operation !== 'object' || operation === null) return [];
    const fields = operation as Record<string, unknown>;
    return [{ op: (stringOf(fields['op']) ?? '').toLowerCase(), path: stringOf(fields['path']), value: fields['value'] }];
  });
  if (operations.length === 0) return act('updated', 'update', `a ${noun}`);
  const active = activeChange(operations);
  if (active !== undefined) return active ? act('reactivated', 'reactivate', `a ${noun}`) : act('deactivated', 'deactivate', `a ${noun}`);
  const memberOperations = operations.filter((operation) => operation.path !== undefined && /^members\b/i.test(operation.path));
  if (memberOperations.length === operations.length) {
    if (memberOperations.some((operation) => operation.op === 'replace')) return act('replaced', 'replace', `the members of a ${noun}`);
    const membersOf = (op: string) => memberOperations.filter((operation) => operation.op === op).reduce((sum, operation) => sum + (arrayOf(operation.value)?.length ?? 1), 0);
    const added = membersOf('add');
    const removed = membersOf('remove');
    if (removed === 0) return act('added', 'add', `${count(added, 'member')} to a ${noun}`);
    if (added === 0) return act('removed', 'remove', `${count(removed, 'member')} from a ${noun}`);
    return act('changed', 'change', `the members of a ${noun} (${added} added, ${removed} removed)`);
  }
  const renamed = renameOf(operations);
  if (renamed !== undefined) return act('renamed', 'rename', `a ${noun} to "${shortened(renamed)}"`);
  const attributes = [...new Set(operations.flatMap((operation) => attributesOf(operation)))];
  if (attributes.length === 0) return act('updated', 'update', `a ${noun}`);
  return act('updated', 'update', `${attributes.slice(0, 4).join(', ')}${attributes.length > 4 ? ', …' : ''} of a ${noun}`);
}

/** true/false when the request only sets `active` (by path, or as the one key of a value without path); booleans as strings count too. */
function activeChange(operations: readonly PatchOperation[]): boolean | undefined {
  if (operations.length !== 1) return undefined;
  const [operation] = operations;
  if (operation === undefined || (operation.op !== 'replace' && operation.op !== 'add')) return undefined;
  if (operation.path !== undefined) return operation.path.toLowerCase() === 'active' ? booleanOf(operation.value) : undefined;
  if (typeof operation.value !== 'object' || operation.value === null) return undefined;
  const keys = Object.keys(operation.value).filter((key) => key.toLowerCase() !== 'id');
  return keys.length === 1 && keys[0]!.toLowerCase() === 'active' ? booleanOf((operation.value as Record<string, unknown>)[keys[0]!]) : undefined;
}

function renameOf(operations: readonly PatchOperation[]): string | undefined {
  for (const operation of operations) {
    if (operation.op !== 'replace') continue;
    if (operation.path?.toLowerCase() === 'displayname' && typeof operation.value === 'string') return operation.value;
    if (operation.path === undefined && typeof operation.value === 'object' && operation.value !== null) {
      const value = operation.value as Record<string, unknown>;
      const keys = Object.keys(value).filter((key) => key.toLowerCase() !== 'id');
      if (keys.length === 1 && keys[0]!.toLowerCase() === 'displayname' && typeof value[keys[0]!] === 'string') return value[keys[0]!] as string;
    }
  }
  return undefined;
}

function attributesOf(operation: PatchOperation): string[] {
  if (operation.path !== undefined) return [operation.path.split(/[[.]/)[0]!.split(':').pop()!];
  if (typeof operation.value === 'object' && operation.value !== null && !Array.isArray(operation.value)) {
    return Object.keys(operation.value).filter((key) => key.toLowerCase() !== 'id').map((key) => key.split(':').pop()!);
  }
  return [];
}

function booleanOf(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string' && /^(true|false)$/i.test(value)) return value.toLowerCase() === 'true';
  return undefined;
}

/** How a successful request is reported: OK, with what a lookup or listing found when the response says. */
function successResult(request: ExplainableRequest, target: Target, actor: string): string {
  const method = request.method.toUpperCase();
  const isLookup = target.endpoint !== undefined && DISCOVERY_ENDPOINTS[target.endpoint] === undefined && ((method === 'GET' && target.item === undefined) || target.item === '.search');
  if (!isLookup) return 'OK';
  const total = jsonOf(request.responseBody)?.['totalResults'];
  if (typeof total !== 'number') return 'OK';
  const filter = method === 'GET' ? new URLSearchParams(request.query ?? '').get('filter') : stringOf(jsonOf(request.requestBody)?.['filter']);
  const node = filter === null || filter === undefined ? undefined : parsedFilter(filter);
  const isSingleLookup = node?.kind === 'Comparison' && node.operator === 'eq';
  if (isSingleLookup && total === 0) return `OK (none found, so ${actor} will create it)`;
  if (isSingleLookup && total === 1) return `OK (found it, so ${actor} will update it rather than create it)`;
  return `OK (${count(total, target.noun)} in all)`;
}

/** A created or replaced resource by the name it is known by, when its body was kept ("user jdoe@example.com"), else "a user". */
function named(noun: string, body: Record<string, unknown> | undefined): string {
  for (const key of ['userName', 'displayName']) {
    const value = stringOf(body?.[key]);
    if (value !== undefined && value !== '' && value !== '[redacted]') return `${noun} ${shortened(value)}`;
  }
  return `a ${noun}`;
}

function jsonOf(text: string | null): Record<string, unknown> | undefined {
  if (text === null) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    // A body cut at the log's size limit is no longer JSON: the explanation does without it.
    return undefined;
  }
}

function arrayOf(value: unknown): readonly unknown[] | undefined {
  return Array.isArray(value) ? value : undefined;
}

function stringOf(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function shortened(value: string): string {
  return value.length > 64 ? `${value.slice(0, 63)}…` : value;
}

function count(amount: number, noun: string): string {
  return `${amount} ${noun}${amount === 1 ? '' : 's'}`;
}

function possessive(name: string): string {
  return `${name}'s`;
}

function capitalized(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
