/**
 * Parsing and validation of a BulkRequest (RFC 7644 §3.7). Everything a
 * client can get wrong about the request's shape is found here, before any
 * operation runs, so a malformed request changes nothing.
 */
import { scimErrors } from '../errors/scim-error.js';
import type { ResourceTypeName } from '../schema/attribute.js';
import type { ResourceTypes } from '../schema/resource-types.js';

export const BULK_REQUEST_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:BulkRequest';

export type BulkMethod = 'POST' | 'PUT' | 'PATCH' | 'DELETE';

const BULK_METHODS: readonly BulkMethod[] = ['POST', 'PUT', 'PATCH', 'DELETE'];

/** Where an operation points: a resource type endpoint, and for PUT/PATCH/DELETE one resource (its id may be a bulkId reference). */
export interface BulkTarget {
  readonly resourceType: ResourceTypeName;
  /** Undefined for POST; the raw id segment otherwise (percent-decoded), possibly "bulkId:…". */
  readonly id: string | undefined;
}

export interface BulkOperation {
  /** Position in the request: results are reported in this order. */
  readonly index: number;
  readonly method: BulkMethod;
  /** The path as the client sent it. */
  readonly path: string;
  readonly target: BulkTarget;
  readonly bulkId: string | undefined;
  /** The resource version the client expects; used as If-Match. */
  readonly version: string | undefined;
  readonly data: Record<string, unknown> | undefined;
}

export interface BulkRequest {
  /** Stop after this many failed operations; undefined → run everything (§3.7 "continue performing as many changes as possible"). */
  readonly failOnErrors: number | undefined;
  readonly operations: readonly BulkOperation[];
}

export interface BulkLimits {
  readonly maxOperations: number;
}

/** The endpoints a Bulk operation may address: those of the registered resource types (case-insensitive, like the router). */
function endpointList(types: ResourceTypes, suffix = ''): string {
  return types.all.map((type) => `${type.endpoint}${suffix}`).join(' or ');
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** SCIM attribute names are case-insensitive (RFC 7643 §2.1), message attributes included. */
function member(object: Record<string, unknown>, name: string): unknown {
  const lower = name.toLowerCase();
  for (const key of Object.keys(object)) {
    if (key.toLowerCase() === lower) return object[key];
  }
  return undefined;
}

function optionalString(operation: Record<string, unknown>, name: string, where: string): string | undefined {
  const value = member(operation, name);
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || value === '') throw scimErrors.invalidSyntax(`${where}.${name} must be a non-empty string`);
  return value;
}

/**
 * §3.7: "If "method" is "POST", the value must specify a resource type
 * endpoint, e.g., /Users or /Groups, whereas all other "method" values must
 * specify the path to a specific resource".
 */
function parseTarget(method: BulkMethod, path: string, where: string, types: ResourceTypes): BulkTarget {
  const segments = path.replace(/^\/+/, '').replace(/\/+$/, '').split('/');
  const resourceType: ResourceTypeName | undefined = types.atEndpoint(segments[0] ?? '')?.name;
  if (resourceType === undefined || path.includes('?') || path.includes('#')) {
    throw scimErrors.invalidSyntax(`${where}.path ${JSON.stringify(path)} must be ${endpointList(types)}, or ${endpointList(types, '/{id}')}`);
  }
  if (method === 'POST') {
    if (segments.length !== 1) throw scimErrors.invalidSyntax(`${where}: a POST path must be a resource type endpoint (${endpointList(types)}), got ${JSON.stringify(path)}`);
    return { resourceType, id: undefined };
  }
  const rawId = segments[1];
  if (segments.length !== 2 || rawId === undefined || rawId === '') {
    throw scimErrors.invalidSyntax(`${where}: a ${method} path must name one resource (${endpointList(types, '/{id}')}), got ${JSON.stringify(path)}`);
  }
  let id: string;
  try {
    id = decodeURIComponent(rawId);
  } catch {
    throw scimErrors.invalidSyntax(`${where}.path ${JSON.stringify(path)} is not valid percent-encoding`);
  }
  return { resourceType, id };
}

function parseOperation(value: unknown, index: number, types: ResourceTypes): BulkOperation {
  const where = `Operations[${index}]`;
  if (!isObject(value)) throw scimErrors.invalidSyntax(`${where} must be an object`);
  const rawMethod = member(value, 'method');
  const method = typeof rawMethod === 'string' ? (rawMethod.toUpperCase() as BulkMethod) : undefined;
  if (method === undefined || !BULK_METHODS.includes(method)) {
    throw scimErrors.invalidSyntax(`${where}.method must be one of ${BULK_METHODS.join(', ')}, got ${JSON.stringify(rawMethod ?? null)}`);
  }
  const path = optionalString(value, 'path', where);
  if (path === undefined) throw scimErrors.invalidSyntax(`${where}.path is required`);
  const target = parseTarget(method, path, where, types);
  const bulkId = optionalString(value, 'bulkId', where);
  // §3.7: bulkId is "REQUIRED when "method" is "POST"": without it the client cannot match the created resource.
  if (method === 'POST' && bulkId === undefined) throw scimErrors.invalidSyntax(`${where}.bulkId is required for POST`);
  if (bulkId !== undefined && bulkId.startsWith('bulkId:')) {
    throw scimErrors.invalidSyntax(`${where}.bulkId is the identifier itself; write "${bulkId.slice('bulkId:'.length)}", and refer to it elsewhere as "${bulkId}"`);
  }
  const version = optionalString(value, 'version', where);
  const data = member(value, 'data');
  if (method === 'DELETE') {
    if (data !== undefined && data !== null) throw scimErrors.invalidSyntax(`${where}: a DELETE carries no data`);
    return { index, method, path, target, bulkId, version, data: undefined };
  }
  // §3.7: data is "REQUIRED in a request when "method" is "POST", "PUT", or "PATCH"".
  if (!isObject(data)) throw scimErrors.invalidSyntax(`${where}.data must be an object (the body of the ${method})`);
  return { index, method, path, target, bulkId, version, data };
}

function parseFailOnErrors(value: unknown): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw scimErrors.invalidSyntax(`failOnErrors must be an integer of at least 1, got ${JSON.stringify(value)}`);
  }
  return value;
}

export function parseBulkRequest(body: unknown, limits: BulkLimits, types: ResourceTypes): BulkRequest {
  if (!isObject(body)) throw scimErrors.invalidSyntax('The request body must be a BulkRequest object');
  const schemas = member(body, 'schemas');
  if (!Array.isArray(schemas) || !schemas.some((schema) => typeof schema === 'string' && schema.toLowerCase() === BULK_REQUEST_SCHEMA.toLowerCase())) {
    throw scimErrors.invalidSyntax(`schemas must be ["${BULK_REQUEST_SCHEMA}"]`);
  }
  const failOnErrors = parseFailOnErrors(member(body, 'failOnErrors'));
  const operations = member(body, 'Operations');
  if (!Array.isArray(operations)) throw scimErrors.invalidSyntax('Operations must be an array of operations');
  // §3.7.4: "If either limits are exceeded, the service provider MUST return HTTP response code 413".
  // Checked before looking at any operation, so an oversized request costs nothing more.
  if (operations.length > limits.maxOperations) {
    throw scimErrors.payloadTooLarge(`The number of operations (${operations.length}) exceeds maxOperations (${limits.maxOperations})`);
  }
  const parsed = operations.map((operation, index) => parseOperation(operation, index, types));
  // §3.7: a bulkId is "unique within a bulk request"; two operations claiming one make every reference ambiguous.
  const seen = new Map<string, number>();
  for (const operation of parsed) {
    if (operation.bulkId === undefined) continue;
    const first = seen.get(operation.bulkId);
    if (first !== undefined) {
      throw scimErrors.invalidSyntax(`bulkId ${JSON.stringify(operation.bulkId)} is used by Operations[${first}] and Operations[${operation.index}]; bulkIds must be unique`);
    }
    seen.set(operation.bulkId, operation.index);
  }
  return { failOnErrors, operations: parsed };
}
