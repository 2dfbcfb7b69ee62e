/**
 * The operator's session: after signing in with an admin key, the key
 * itself travels sealed in an HttpOnly cookie (sealed-cookie.ts) and is
 * checked again with the admin API's authenticator on every request, so
 * revoking the key ends every session of it at once, on every instance.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { setCookie } from '../cookies.js';
import { cookieOf, isHttps, type PageContext } from '../page-context.js';

export const OPERATOR_COOKIE = 'scimitar_console';
/** How long a sign-in lasts: a working day. */
export const OPERATOR_SESSION_SECONDS = 8 * 60 * 60;

function cookiePath(context: PageContext): string {
  return context.paths.console();
}

export function startOperatorSession(context: PageContext, request: FastifyRequest, reply: FastifyReply, adminKey: string): void {
  const sealed = context.sealer.seal(OPERATOR_COOKIE, { adminKey }, OPERATOR_SESSION_SECONDS);
  reply.header('set-cookie', setCookie(OPERATOR_COOKIE, sealed, { path: cookiePath(context), maxAgeSeconds: OPERATOR_SESSION_SECONDS, sameSite: 'Strict', secure: isHttps(request) }));
}

export function endOperatorSession(context: PageContext, request: FastifyRequest, reply: FastifyReply): void {
  reply.header('set-cookie', setCookie(OPERATOR_COOKIE, '', { path: cookiePath(context), maxAgeSeconds: 0, sameSite: 'Strict', secure: isHttps(request) }));
}

/** Whether the request carries a live session of an unrevoked admin key. */
export async function operatorSignedIn(context: PageContext, request: FastifyRequest): Promise<boolean> {
  const session = context.sealer.open(OPERATOR_COOKIE, cookieOf(request, OPERATOR_COOKIE));
  const adminKey = session?.['adminKey'];
  if (adminKey === undefined) return false;
  return (await context.services.authenticator.authenticate(`Bearer ${adminKey}`)) !== undefined;
}
