/**
 * What every page handler shares: the services (the admin API's, never the
 * store), where the pages are mounted, and the cookie and CSRF machinery.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AdminPluginOptions } from '../admin/admin-context.js';
import { readCookies, setCookie } from './cookies.js';
import { CSRF_COOKIE, CsrfTokens } from './csrf.js';
import { CookieSealer } from './sealed-cookie.js';
import type { SetupLinks } from './setup/portal-services.js';

/** URLs of the pages under the prefix they are mounted at ('' on Scimitar's own server). */
export class WebPaths {
  constructor(readonly base: string) {}
  console(path = ''): string {
    return `${this.base}/console${path}`;
  }
  tenant(tenantId: string, path = ''): string {
    return this.console(`/tenants/${encodeURIComponent(tenantId)}${path}`);
  }
  setup(path = ''): string {
    return `${this.base}/setup${path}`;
  }
  asset(name: string): string {
    return this.console(`/assets/${name}`);
  }
  /** The path every page cookie shared by console and portal is scoped to. */
  get root(): string {
    return this.base === '' ? '/' : `${this.base}/`;
  }
}

export interface PageContext {
  readonly services: AdminPluginOptions;
  /** The setup links (console section and portal); undefined when the portal is not served. */
  readonly setupLinks: SetupLinks | undefined;
  readonly paths: WebPaths;
  readonly sealer: CookieSealer;
  readonly csrf: CsrfTokens;
  readonly now: () => Date;
  /** The server's public origin, for the SCIM base URLs shown to people. */
  origin(request: FastifyRequest): string;
}

export function createPageContext(services: AdminPluginOptions, setupLinks: SetupLinks | undefined, serverSecret: string, base: string, now: () => Date): PageContext {
  return {
    services,
    setupLinks,
    paths: new WebPaths(base),
    sealer: new CookieSealer(serverSecret, now),
    csrf: new CsrfTokens(serverSecret),
    now,
    origin: (request) => services.publicUrl ?? `${request.protocol}://${request.host}`,
  };
}

export function cookieOf(request: FastifyRequest, name: string): string | undefined {
  return readCookies(request.headers.cookie).get(name);
}

export function isHttps(request: FastifyRequest): boolean {
  return request.protocol === 'https';
}

/** The CSRF token for the forms of this answer; gives the browser its CSRF cookie first if it has none. */
export function csrfTokenFor(context: PageContext, request: FastifyRequest, reply: FastifyReply): string {
  let value = cookieOf(request, CSRF_COOKIE);
  if (value === undefined || value.length < 16) {
    value = context.csrf.newCookieValue();
    reply.header('set-cookie', setCookie(CSRF_COOKIE, value, { path: context.paths.root, sameSite: 'Strict', secure: isHttps(request) }));
    // Later reads within the same request see the new value.
    request.headers.cookie = `${CSRF_COOKIE}=${value}; ${request.headers.cookie ?? ''}`;
  }
  return context.csrf.tokenFor(value);
}
