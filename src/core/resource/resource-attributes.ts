/**
 * The client-owned part of a resource in canonical case: `schemas`,
 * `externalId`, core attributes, extension objects under their URN key.
 * Never `id`, `meta`, `password` or readOnly attributes.
 */
export type ResourceAttributes = Record<string, unknown>;

export interface NormalizedResource {
  readonly attributes: ResourceAttributes;
  /** The cleartext password the client sent (writeOnly, RFC 7643 §4.1.1), for the service to hash. */
  readonly password: string | undefined;
}
