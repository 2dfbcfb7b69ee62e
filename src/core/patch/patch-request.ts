/**
 * The PatchOp message (RFC 7644 §3.5.2): its structure is checked here, its
 * operations are applied by applyPatch.
 */
import { ScimError, scimErrors } from '../errors/scim-error.js';
import type { PatchPathNode } from '../filter/ast.js';
import { parsePatchPath } from '../filter/parser.js';
import { describeJsonValue, isJsonObject, type JsonObject } from '../resource/json-value.js';

export const PATCH_OP_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

export type PatchOperationName = 'add' | 'replace' | 'remove';

export interface PatchOperation {
  readonly op: PatchOperationName;
  readonly path: PatchPathNode | undefined;
  readonly pathText: string | undefined;
  readonly value: unknown;
  /** Position in the request's `Operations` array, for error details. */
  readonly index: number;
}

export interface PatchLimits {
  readonly maxOperations: number;
}

export const DEFAULT_PATCH_LIMITS: PatchLimits = Object.freeze({ maxOperations: 1000 });

const OPERATION_NAMES: ReadonlySet<string> = new Set<PatchOperationName>(['add', 'replace', 'remove']);

/**
 * A member of a JSON object by name, preferring the exact spelling and
 * otherwise ignoring case: clients send "Operations", "operations", "Op"…
 */
function member(source: JsonObject, name: string): unknown {
  if (Object.hasOwn(source, name)) return source[name];
  const wanted = name.toLowerCase();
  const key = Object.keys(source).find((candidate) => candidate.toLowerCase() === wanted);
  return key === undefined ? undefined : source[key];
}

function hasMember(source: JsonObject, name: string): boolean {
  const wanted = name.toLowerCase();
  return Object.keys(source).some((candidate) => candidate.toLowerCase() === wanted);
}

/** Prefixes a protocol error's detail with the operation it concerns: `Operations[2]: …`. */
export function withOperationIndex(error: unknown, index: number): unknown {
  if (!(error instanceof ScimError)) return error;
  return new ScimError(error.status, error.scimType, `Operations[${index}]: ${error.detail}`);
}

/** Validates the PatchOp message: schemas contains PATCH_OP_SCHEMA, Operations is a non-empty array, op names case-insensitive ("Add", "Replace", "Remove" from Entra), path parsed. */
export function parsePatchRequest(body: unknown, limits: PatchLimits = DEFAULT_PATCH_LIMITS): PatchOperation[] {
  if (!isJsonObject(body)) throw scimErrors.invalidSyntax('The PATCH request body must be a JSON object');
  const schemas = member(body, 'schemas');
  const listsPatchOp =
    Array.isArray(schemas) && schemas.some((urn) => typeof urn === 'string' && urn.toLowerCase() === PATCH_OP_SCHEMA.toLowerCase());
  if (!listsPatchOp) throw scimErrors.invalidSyntax(`"schemas" must be an array containing "${PATCH_OP_SCHEMA}" (RFC 7644 §3.5.2)`);
  const operations = member(body, 'Operations');
  if (!Array.isArray(operations) || operations.length === 0) {
    throw scimErrors.invalidSyntax('"Operations" must be a non-empty array of operations (RFC 7644 §3.5.2)');
  }
  if (operations.length > limits.maxOperations) {
    throw scimErrors.payloadTooLarge(`"Operations" has ${operations.length} operations; at most ${limits.maxOperations} are accepted`);
  }
  return operations.map((operation: unknown, index) => {
    try {
      return parseOperation(operation, index);
    } catch (error) {
      throw withOperationIndex(error, index);
    }
  });
}

function parseOperation(operation: unknown, index: number): PatchOperation {
  if (!isJsonObject(operation)) throw scimErrors.invalidSyntax(`An operation must be an object, got ${describeJsonValue(operation)}`);
  const name = member(operation, 'op');
  const op = typeof name === 'string' ? name.toLowerCase() : undefined;
  if (op === undefined || !OPERATION_NAMES.has(op)) {
    throw scimErrors.invalidSyntax(`"op" must be "add", "replace" or "remove", got ${describeJsonValue(name)}`);
  }
  const rawPath = member(operation, 'path');
  if (rawPath !== undefined && rawPath !== null && typeof rawPath !== 'string') {
    throw scimErrors.invalidPath(`"path" must be a string, got ${describeJsonValue(rawPath)}`);
  }
  // An empty path is sent by some clients for "no path" (the resource itself).
  const pathText = typeof rawPath === 'string' && rawPath.trim() !== '' ? rawPath : undefined;
  const path = pathText === undefined ? undefined : parsePatchPath(pathText);
  if (op !== 'remove' && !hasMember(operation, 'value')) {
    // §3.5.2.1 and §3.5.2.3: the operation "MUST contain a 'value' member".
    throw scimErrors.invalidValue(`"${op}" requires a "value"`);
  }
  return { op: op as PatchOperationName, path, pathText, value: member(operation, 'value'), index };
}
