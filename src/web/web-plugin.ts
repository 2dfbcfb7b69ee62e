/**
 * The operator console (/console) and the setup portal (/setup) as one
 * encapsulated Fastify context: server-rendered pages over the same
 * services as the admin API, with their own body parser (HTML forms),
 * security headers, CSRF check and HTML error pages. Nothing here reaches
 * the SCIM or admin contexts, which keep their own.
 *
 * Mounted at the root by Scimitar's server, or under any prefix by an
 * embedding app (`app.register(scimitar.fastifyPagesPlugin, { prefix })`):
 * every link and cookie path is built from the prefix.
 */
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { AdminPluginOptions } from '../admin/admin-context.js';
import { PAGES_CSS } from './assets/pages-css.js';
import { PAGES_JS } from './assets/pages-js.js';
import { consoleRoutes } from './console/console-routes.js';
import { CSRF_COOKIE, CSRF_FIELD, CSRF_HEADER } from './csrf.js';
import { pageErrorHandler, sendErrorPage } from './error-pages.js';
import { cookieOf, createPageContext, type PageContext } from './page-context.js';
import { pageSecurityHeaders } from './security-headers.js';
import { setupRoutes, type SetupPortalServices } from './setup/setup-routes.js';

export interface WebPluginOptions {
  /** The services behind the pages: the admin API's own. */
  readonly services: AdminPluginOptions;
  /** The setup portal's services; left out, /setup is not served. */
  readonly setup?: SetupPortalServices;
  /** The server secret's value: keys the session cookies and CSRF tokens. */
  readonly serverSecret: string;
  readonly now: () => Date;
}

/** HTML forms are small; anything larger is not one of ours. */
const FORM_BODY_LIMIT = 64 * 1024;

function csrfCheck(context: PageContext) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<unknown> => {
    if (request.method === 'GET' || request.method === 'HEAD') return undefined;
    const body = request.body as Record<string, unknown> | undefined;
    const field = typeof body?.[CSRF_FIELD] === 'string' ? (body[CSRF_FIELD] as string) : undefined;
    const header = request.headers[CSRF_HEADER];
    const submitted = field ?? (typeof header === 'string' ? header : undefined);
    if (context.csrf.matches(cookieOf(request, CSRF_COOKIE), submitted)) return undefined;
    return sendErrorPage(context, reply, 403, 'This form expired or did not come from this page. Reload the page and try again.', { forPortal: request.url.startsWith(context.paths.setup()) });
  };
}

function assetRoutes(fastify: FastifyInstance): void {
  const send = (type: string, text: string) => async (_request: FastifyRequest, reply: FastifyReply) =>
    reply.type(type).header('cache-control', 'public, max-age=300').send(text);
  fastify.get('/assets/pages.css', send('text/css; charset=utf-8', PAGES_CSS));
  fastify.get('/assets/pages.js', send('text/javascript; charset=utf-8', PAGES_JS));
}

export const webPlugin: FastifyPluginAsync<WebPluginOptions> = async (fastify, options) => {
  const context = createPageContext(options.services, options.setup?.links, options.serverSecret, fastify.prefix, options.now);
  fastify.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: FORM_BODY_LIMIT }, (_request, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });
  fastify.addHook('onRequest', pageSecurityHeaders);
  fastify.addHook('preValidation', csrfCheck(context));
  fastify.setErrorHandler(pageErrorHandler(context));

  await fastify.register(
    async (scope) => {
      scope.setNotFoundHandler(async (_request, reply) => sendErrorPage(context, reply, 404, 'There is no page at this address.'));
      assetRoutes(scope);
      consoleRoutes(scope, context);
    },
    { prefix: '/console' },
  );
  const setup = options.setup;
  if (setup !== undefined) {
    await fastify.register(
      async (scope) => {
        scope.setNotFoundHandler(async (_request, reply) => sendErrorPage(context, reply, 404, 'There is no page at this address.', { forPortal: true }));
        setupRoutes(scope, context, setup);
      },
      { prefix: '/setup' },
    );
  }
};
