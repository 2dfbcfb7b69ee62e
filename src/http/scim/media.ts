/** Media types (RFC 7644 §3.1, §8.1): responses are application/scim+json; requests may also use application/json. */
export const SCIM_CONTENT_TYPE = 'application/scim+json; charset=utf-8';
export const ACCEPTED_REQUEST_TYPES = ['application/scim+json', 'application/json'] as const;
