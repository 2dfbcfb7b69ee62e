import type { FastifyRequest } from 'fastify';

/**
 * The absolute SCIM root for meta.location and $ref values: the configured
 * public URL when there is one, else the request's own scheme and host
 * (which Fastify takes from X-Forwarded-* only when trustProxy is on).
 */
export function scimBaseUrl(request: FastifyRequest, publicUrl: string | undefined, scimPrefix: string): string {
  if (publicUrl !== undefined) return `${publicUrl}${scimPrefix}`;
  return `${request.protocol}://${request.host}${scimPrefix}`;
}
