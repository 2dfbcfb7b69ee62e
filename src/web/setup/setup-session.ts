/**
 * The setup portal's session. The link's secret is seen once: the first
 * visit exchanges it for a sealed cookie holding the grant (tenant and link
 * id) and redirects to a URL without it. Every later request checks the
 * grant again (SetupLinks.check), so revoking the link or its expiry ends
 * the session at once, on every instance.
 *
 * SameSite=Lax, not Strict: the link arrives by e-mail, and the redirect
 * after a cross-site first visit must carry the new cookie. Every
 * state-changing request still needs its CSRF token.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { setCookie } from '../cookies.js';
import { cookieOf, isHttps, type PageContext } from '../page-context.js';
import type { SetupGrant } from './portal-services.js';

export const SETUP_COOKIE = 'scimitar_setup';
/** A portal session lasts an afternoon at most, and never longer than its link. */
export const SETUP_SESSION_SECONDS = 4 * 60 * 60;

export function startSetupSession(context: PageContext, request: FastifyRequest, reply: FastifyReply, grant: SetupGrant): void {
  const untilLinkExpires = Math.floor((Date.parse(grant.expiresAt) - context.now().getTime()) / 1000);
  const lifetime = Math.max(1, Math.min(SETUP_SESSION_SECONDS, untilLinkExpires));
  const sealed = context.sealer.seal(SETUP_COOKIE, { tenantId: grant.tenantId, linkId: grant.linkId }, lifetime);
  reply.header('set-cookie', setCookie(SETUP_COOKIE, sealed, { path: context.paths.setup(), maxAgeSeconds: lifetime, sameSite: 'Lax', secure: isHttps(request) }));
}

export function endSetupSession(context: PageContext, request: FastifyRequest, reply: FastifyReply): void {
  reply.header('set-cookie', setCookie(SETUP_COOKIE, '', { path: context.paths.setup(), maxAgeSeconds: 0, sameSite: 'Lax', secure: isHttps(request) }));
}

/** The grant the cookie holds (not yet checked against the link), or undefined. */
export function setupSessionOf(context: PageContext, request: FastifyRequest): { readonly tenantId: string; readonly linkId: string } | undefined {
  const session = context.sealer.open(SETUP_COOKIE, cookieOf(request, SETUP_COOKIE));
  const tenantId = session?.['tenantId'];
  const linkId = session?.['linkId'];
  return tenantId === undefined || linkId === undefined ? undefined : { tenantId, linkId };
}
