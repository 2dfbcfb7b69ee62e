import { scimErrors } from '../errors/scim-error.js';
import type { FilterNode } from '../filter/ast.js';
import { parseFilter } from '../filter/parser.js';
import { validateFilter } from '../filter/validate.js';
import { parseProjection, type Projection } from '../projection/projection.js';
import type { ResourceSchemas } from '../schema/registry.js';
import { cursorBinding, decodeCursor, type CursorRequest } from './cursor.js';
import { parseCount, parseStartIndex } from './paging.js';
import { pickParameters, quoteValue } from './parameters.js';
import { parseSort, type ListSort } from './sort.js';
import { describeJsonValue } from '../resource/json-value.js';

export interface ListSettings {
  readonly defaultPageSize: number;
  /** Advertised as filter.maxResults in the ServiceProviderConfig. */
  readonly maxPageSize: number;
}

/** A list or search request, ready for the store (it is a ListQuery) and for projection. */
export interface ListRequest {
  /** Parsed and validated against the resource type's schemas. */
  readonly filter: FilterNode | undefined;
  readonly sort: ListSort | undefined;
  /** 1-based. */
  readonly startIndex: number;
  /** 0..maxPageSize; at least 1 with a cursor. */
  readonly count: number;
  readonly projection: Projection;
  /** RFC 9865 cursor paging, when the request has a `cursor` (empty: the first page); startIndex is then unused. */
  readonly cursor: CursorRequest | undefined;
}

/** The list parameters as the client gave them, whichever way they arrived (query or search body). */
export interface ListParameters {
  readonly filter: string | undefined;
  readonly sortBy: string | undefined;
  readonly sortOrder: string | undefined;
  readonly startIndex: string | number | undefined;
  readonly count: string | number | undefined;
  readonly attributes: string | readonly string[] | undefined;
  readonly excludedAttributes: string | readonly string[] | undefined;
  readonly cursor: string | undefined;
}

export const LIST_PARAMETER_NAMES = ['filter', 'sortBy', 'sortOrder', 'startIndex', 'count', 'attributes', 'excludedAttributes', 'cursor'] as const;

const PROJECTION_PARAMETER_NAMES = ['attributes', 'excludedAttributes'] as const;

function checkSettings(settings: ListSettings): void {
  const { defaultPageSize, maxPageSize } = settings;
  if (!Number.isSafeInteger(maxPageSize) || maxPageSize < 0 || !Number.isSafeInteger(defaultPageSize) || defaultPageSize < 0 || defaultPageSize > maxPageSize) {
    throw new TypeError(`Invalid list settings: defaultPageSize ${defaultPageSize}, maxPageSize ${maxPageSize}`);
  }
}

/** Interprets list parameters (RFC 7644 §3.4.2.2 – §3.4.2.5) for one resource type. */
export function interpretListParameters(parameters: ListParameters, schemas: ResourceSchemas, settings: ListSettings): ListRequest {
  checkSettings(settings);
  let filter: FilterNode | undefined;
  if (parameters.filter !== undefined) {
    filter = parseFilter(parameters.filter);
    validateFilter(filter, schemas);
  }
  const sort = parseSort(parameters.sortBy, parameters.sortOrder, schemas);
  const count = parseCount(parameters.count, settings.defaultPageSize, settings.maxPageSize);
  let cursor: CursorRequest | undefined;
  if (parameters.cursor !== undefined) {
    // The two methods number pages differently; RFC 9865 §2.4 lets the client pick one per request, not both.
    if (parameters.startIndex !== undefined) throw scimErrors.invalidValue('cursor and startIndex cannot be combined: use one pagination method (RFC 9865 §2.4)');
    // RFC 9865 §2 defines count as a positive integer for cursor paging (invalidCount, §2.1).
    if (count < 1) throw scimErrors.invalidCount(`With a cursor, count must be between 1 and ${settings.maxPageSize} (RFC 9865 §2.1)`);
    const binding = cursorBinding(schemas.resourceType.name, parameters.filter, sort?.attribute.canonicalPath, sort?.order ?? 'ascending');
    const token = parameters.cursor.trim();
    cursor = { binding, position: token === '' ? undefined : decodeCursor(token, binding) };
  }
  return {
    filter,
    sort,
    startIndex: parseStartIndex(parameters.startIndex),
    count,
    projection: parseProjection(parameters.attributes, parameters.excludedAttributes, schemas),
    cursor,
  };
}

/**
 * One query parameter's value. Query parsers give a string, or an array
 * when the parameter is repeated; a repeated parameter is ambiguous and is
 * refused, except the attribute lists, whose repetitions are joined.
 */
function queryValue(name: string, value: unknown, joinRepetitions: boolean): string | readonly string[] | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) {
    if (!value.every((element): element is string => typeof element === 'string')) {
      throw scimErrors.invalidValue(`The query parameter ${name} has an invalid value`);
    }
    if (value.length <= 1) return value[0];
    if (joinRepetitions) return value;
    throw scimErrors.invalidValue(`The query parameter ${name} is given more than once`);
  }
  throw scimErrors.invalidValue(`The query parameter ${name} has an invalid value ${describeJsonValue(value)}`);
}

function singleQueryValue(parameters: ReadonlyMap<string, unknown>, name: string): string | undefined {
  const value = queryValue(name, parameters.get(name), false);
  return typeof value === 'string' ? value : undefined;
}

function queryList(parameters: ReadonlyMap<string, unknown>, name: string): string | readonly string[] | undefined {
  return queryValue(name, parameters.get(name), true);
}

/**
 * From the query parameters of GET /{resourceType} (values as strings, or
 * arrays when repeated). Parameter names are matched case-insensitively;
 * unknown parameters are ignored.
 */
export function parseListQuery(query: Readonly<Record<string, unknown>>, schemas: ResourceSchemas, settings: ListSettings): ListRequest {
  const parameters = pickParameters(query, LIST_PARAMETER_NAMES, 'in the query');
  return interpretListParameters(
    {
      filter: singleQueryValue(parameters, 'filter'),
      sortBy: singleQueryValue(parameters, 'sortBy'),
      sortOrder: singleQueryValue(parameters, 'sortOrder'),
      startIndex: singleQueryValue(parameters, 'startIndex'),
      count: singleQueryValue(parameters, 'count'),
      attributes: queryList(parameters, 'attributes'),
      excludedAttributes: queryList(parameters, 'excludedAttributes'),
      cursor: singleQueryValue(parameters, 'cursor'),
    },
    schemas,
    settings,
  );
}

/**
 * For requests on one resource (GET /{id}, and the responses of POST, PUT
 * and PATCH, RFC 7644 §3.9): only attributes / excludedAttributes are read.
 */
export function parseProjectionQuery(query: Readonly<Record<string, unknown>>, schemas: ResourceSchemas): Projection {
  const parameters = pickParameters(query, PROJECTION_PARAMETER_NAMES, 'in the query');
  return parseProjection(queryList(parameters, 'attributes'), queryList(parameters, 'excludedAttributes'), schemas);
}
