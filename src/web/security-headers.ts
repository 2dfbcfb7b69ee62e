/**
 * The headers of every page, asset and JSON answer of the console and the
 * setup portal (and of nothing else: the SCIM and admin APIs keep theirs).
 * Scripts and styles come only from our own origin, nothing may frame the
 * pages, and no Referer leaves them: a setup link's URL holds its secret
 * until the first visit exchanges it for a cookie.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';

export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

const PAGE_HEADERS: Record<string, string> = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'permissions-policy': 'camera=(), microphone=(), geolocation=(), payment=()',
};

export async function pageSecurityHeaders(request: FastifyRequest, reply: FastifyReply): Promise<void> {
  reply.headers(PAGE_HEADERS);
  // Browsers remember HTTPS only from an HTTPS answer; over plain HTTP the header would be ignored anyway.
  if (request.protocol === 'https') reply.header('strict-transport-security', 'max-age=31536000');
}
