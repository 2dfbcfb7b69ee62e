/**
 * The replay fixture format: the requests an identity provider really sends,
 * in order, with the parts of each answer it reads. Fixtures are JSON so they
 * can be read next to the provider's own documentation; this module checks
 * their shape strictly, because a misspelt key would otherwise silently
 * assert nothing.
 */

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface ReplayRequest {
  readonly method: HttpMethod;
  /** Relative to the SCIM base URL the administrator pasted, exactly as sent on the wire (query encoded). */
  readonly path: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** An object is sent as JSON; a string is sent byte for byte (a provider's exact request text). */
  readonly body?: unknown;
}

export interface ReplayExpectation {
  readonly status: number;
  /** Partial match: only the fields listed are checked (see match.ts for the `$` matchers). */
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, unknown>>;
}

export interface ReplayStep {
  readonly name: string;
  /** Where this step comes from, when not from the fixture's own source (e.g. a setup step). */
  readonly source?: string;
  readonly request: ReplayRequest;
  readonly expect: ReplayExpectation;
  /** Values read from the response body (`$.id`, `$.Resources[0].id`) for `${name}` in later steps. */
  readonly capture?: Readonly<Record<string, string>>;
}

export interface ReplayFixture {
  /** URL and section or title of the document or test suite the sequence is transcribed from. */
  readonly source: string;
  readonly description: string;
  readonly steps: readonly ReplayStep[];
}

const METHODS: ReadonlySet<string> = new Set<HttpMethod>(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']);

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function assertKeys(value: Record<string, unknown>, allowed: readonly string[], where: string): void {
  const unknown = Object.keys(value).filter((key) => !allowed.includes(key));
  if (unknown.length > 0) throw new Error(`${where}: unknown key(s) ${unknown.join(', ')} (allowed: ${allowed.join(', ')})`);
}

function assertString(value: unknown, where: string): asserts value is string {
  if (typeof value !== 'string' || value.trim() === '') throw new Error(`${where} must be a non-empty string`);
}

function assertStringRecord(value: unknown, where: string): void {
  if (!isObject(value) || !Object.values(value).every((member) => typeof member === 'string')) {
    throw new Error(`${where} must be an object of strings`);
  }
}

/** A source must be checkable: it names a public https URL. */
export function citesUrl(source: string): boolean {
  return /https:\/\/\S+/.test(source);
}

function parseStep(value: unknown, where: string): ReplayStep {
  if (!isObject(value)) throw new Error(`${where} must be an object`);
  assertKeys(value, ['name', 'source', 'request', 'expect', 'capture'], where);
  assertString(value['name'], `${where}.name`);
  if (value['source'] !== undefined) assertString(value['source'], `${where}.source`);
  const request = value['request'];
  if (!isObject(request)) throw new Error(`${where}.request must be an object`);
  assertKeys(request, ['method', 'path', 'headers', 'body'], `${where}.request`);
  if (typeof request['method'] !== 'string' || !METHODS.has(request['method'])) throw new Error(`${where}.request.method must be one of ${[...METHODS].join(', ')}`);
  assertString(request['path'], `${where}.request.path`);
  // Wire-accurate paths: a space or a raw quote means the fixture was not encoded as the provider encodes it.
  if (!request['path'].startsWith('/') || /[\s"]/.test(request['path'])) {
    throw new Error(`${where}.request.path must start with "/" and be URL-encoded as sent on the wire, got ${JSON.stringify(request['path'])}`);
  }
  if (request['headers'] !== undefined) assertStringRecord(request['headers'], `${where}.request.headers`);
  const expectation = value['expect'];
  if (!isObject(expectation)) throw new Error(`${where}.expect must be an object`);
  assertKeys(expectation, ['status', 'body', 'headers'], `${where}.expect`);
  if (typeof expectation['status'] !== 'number' || !Number.isInteger(expectation['status'])) throw new Error(`${where}.expect.status must be an integer`);
  if (expectation['headers'] !== undefined && !isObject(expectation['headers'])) throw new Error(`${where}.expect.headers must be an object`);
  if (value['capture'] !== undefined) {
    assertStringRecord(value['capture'], `${where}.capture`);
    for (const [name, path] of Object.entries(value['capture'] as Record<string, string>)) {
      if (!/^\w+$/.test(name) || !path.startsWith('$')) throw new Error(`${where}.capture.${name} must map a word to a "$…" path`);
    }
  }
  return value as unknown as ReplayStep;
}

/** Checks a parsed JSON fixture and returns it typed; throws naming the first problem. */
export function parseFixture(value: unknown, file: string): ReplayFixture {
  if (!isObject(value)) throw new Error(`${file}: a fixture must be a JSON object`);
  assertKeys(value, ['source', 'description', 'steps'], file);
  assertString(value['source'], `${file}: source`);
  if (!citesUrl(value['source'])) throw new Error(`${file}: source must cite an https URL`);
  assertString(value['description'], `${file}: description`);
  const steps = value['steps'];
  if (!Array.isArray(steps) || steps.length === 0) throw new Error(`${file}: steps must be a non-empty array`);
  steps.forEach((step, index) => parseStep(step, `${file}: steps[${index}]`));
  return value as unknown as ReplayFixture;
}
