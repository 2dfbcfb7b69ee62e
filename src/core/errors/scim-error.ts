/**
 * The one error type of the SCIM protocol core (RFC 7644 §3.12).
 *
 * Every protocol failure that reaches a client is a ScimError: the HTTP
 * adapter renders it as the SCIM error envelope. Mistakes made by an
 * embedding application (wrong argument types, calling a closed store) are
 * TypeErrors instead, so they are never mistaken for a client's fault.
 */

/** The scimType values of RFC 7644 §3.12, Table 9, and of RFC 9865 §2.1 (cursors). */
export type ScimType =
  | 'invalidFilter'
  | 'tooMany'
  | 'uniqueness'
  | 'mutability'
  | 'invalidSyntax'
  | 'invalidPath'
  | 'noTarget'
  | 'invalidValue'
  | 'invalidVers'
  | 'sensitive'
  // RFC 9865 §2.1 (cursor-based pagination):
  | 'invalidCursor'
  | 'expiredCursor'
  | 'invalidCount';

/** The HTTP statuses a SCIM error may carry (RFC 7644 §3.12, Table 8, plus 405/408/413/415/429/431 used by §3.7 and HTTP). */
export type ScimErrorStatus = 304 | 400 | 401 | 403 | 404 | 405 | 408 | 409 | 412 | 413 | 415 | 429 | 431 | 500 | 501 | 503;

export const SCIM_ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';

/** The JSON body of a SCIM error response. `status` is a string, as §3.12 requires. */
export interface ScimErrorBody {
  readonly schemas: readonly [typeof SCIM_ERROR_SCHEMA];
  readonly status: string;
  readonly scimType?: ScimType;
  readonly detail: string;
}

export class ScimError extends Error {
  readonly status: ScimErrorStatus;
  readonly scimType: ScimType | undefined;
  readonly detail: string;

  constructor(status: ScimErrorStatus, scimType: ScimType | undefined, detail: string) {
    super(detail);
    this.name = 'ScimError';
    this.status = status;
    this.scimType = scimType;
    this.detail = detail;
  }

  toJSON(): ScimErrorBody {
    return this.scimType === undefined
      ? { schemas: [SCIM_ERROR_SCHEMA], status: String(this.status), detail: this.detail }
      : { schemas: [SCIM_ERROR_SCHEMA], status: String(this.status), scimType: this.scimType, detail: this.detail };
  }
}

export function isScimError(value: unknown): value is ScimError {
  return value instanceof ScimError;
}

/**
 * The catalogue: one constructor per kind of failure, so the status and
 * scimType of a given situation are decided in exactly one place.
 * `errors.test.ts` pins every entry.
 */
export const scimErrors = {
  /** §3.4.2.2: the filter syntax was invalid or the attribute/operator is not supported. */
  invalidFilter: (detail: string) => new ScimError(400, 'invalidFilter', detail),
  /** §3.4.2.2: too many results for the server to return (e.g. a Bulk or search limit). */
  tooMany: (detail: string) => new ScimError(400, 'tooMany', detail),
  /** §3.3, §3.5.1: a unique attribute value is already in use. */
  uniqueness: (detail: string) => new ScimError(409, 'uniqueness', detail),
  /** §3.5.1, §3.5.2: the request tried to change an immutable or readOnly attribute. */
  mutability: (detail: string) => new ScimError(400, 'mutability', detail),
  /** §3.12: the request body structure was invalid or did not conform to the schema. */
  invalidSyntax: (detail: string) => new ScimError(400, 'invalidSyntax', detail),
  /** §3.5.2: the PATCH path was invalid or not supported. */
  invalidPath: (detail: string) => new ScimError(400, 'invalidPath', detail),
  /** §3.5.2: the PATCH path did not select a target (e.g. a remove whose filter matched nothing). */
  noTarget: (detail: string) => new ScimError(400, 'noTarget', detail),
  /** §3.12: a required value was missing or a value was not compatible with the attribute's type. */
  invalidValue: (detail: string) => new ScimError(400, 'invalidValue', detail),
  /** §3.13: the protocol version is not supported. */
  invalidVersion: (detail: string) => new ScimError(400, 'invalidVers', detail),
  /** §7.5.2: the request placed sensitive information in the URI. */
  sensitive: (detail: string) => new ScimError(400, 'sensitive', detail),
  /** RFC 9865 §2.1: the cursor is malformed, altered, or was issued for another query. */
  invalidCursor: (detail: string) => new ScimError(400, 'invalidCursor', detail),
  /** RFC 9865 §2.1: the cursor has expired (Scimitar's keyset cursors never do; for other stores). */
  expiredCursor: (detail: string) => new ScimError(400, 'expiredCursor', detail),
  /** RFC 9865 §2.1: the count is not valid for cursor paging. */
  invalidCount: (detail: string) => new ScimError(400, 'invalidCount', detail),
  /** 400 without a scimType: a request that is wrong in a way §3.12 names no type for (bad query parameter). */
  badRequest: (detail: string) => new ScimError(400, undefined, detail),
  unauthorized: (detail: string) => new ScimError(401, undefined, detail),
  forbidden: (detail: string) => new ScimError(403, undefined, detail),
  notFound: (detail: string) => new ScimError(404, undefined, detail),
  methodNotAllowed: (detail: string) => new ScimError(405, undefined, detail),
  /** 409 without a scimType: the change would lose data the caller did not say it means to (an operator's request; RFC 7644 §3.12 names none). */
  conflict: (detail: string) => new ScimError(409, undefined, detail),
  /** §3.14: the If-Match version did not match the resource's current version. */
  preconditionFailed: (detail: string) => new ScimError(412, undefined, detail),
  /** §3.7.4: the request body exceeded the advertised maximum payload size. */
  payloadTooLarge: (detail: string) => new ScimError(413, undefined, detail),
  unsupportedMediaType: (detail: string) => new ScimError(415, undefined, detail),
  /** RFC 9110 §15.5.9: the request was not received in time. */
  requestTimeout: (detail: string) => new ScimError(408, undefined, detail),
  /** RFC 6585 §5: the request line or header fields are larger than the server reads. */
  headerFieldsTooLarge: (detail: string) => new ScimError(431, undefined, detail),
  tooManyRequests: (detail: string) => new ScimError(429, undefined, detail),
  /** §3.2: the operation is not supported by this service provider. */
  notImplemented: (detail: string) => new ScimError(501, undefined, detail),
  /** Used only by the HTTP adapter for unexpected failures; its detail never carries internals. */
  internal: (detail: string) => new ScimError(500, undefined, detail),
  serviceUnavailable: (detail: string) => new ScimError(503, undefined, detail),
} as const;
