/**
 * The console's routes: signing in and out, then every page behind the
 * operator session (operator-session.ts). Sign-in failures count in the
 * admin API's failure throttle, so guessing keys here is as slow as there.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { html } from '../html.js';
import { notice, postForm, sendPage } from '../layout.js';
import type { PageContext } from '../page-context.js';
import { sendErrorPage } from '../error-pages.js';
import { directoryPages } from './directory-pages.js';
import { governancePages } from './governance-pages.js';
import { endOperatorSession, operatorSignedIn, startOperatorSession } from './operator-session.js';
import { requestLogPages } from './request-log-pages.js';
import { tenantPages, tenantsPage } from './tenant-pages.js';
import { webhookPages } from './webhook-pages.js';

type SignInRequest = FastifyRequest<{ Body: { adminKey?: string } }>;

function signInPage(context: PageContext, request: FastifyRequest, reply: FastifyReply, status: number, message?: string): FastifyReply {
  const form = postForm(
    context,
    request,
    reply,
    context.paths.console('/sign-in'),
    html`<label for="admin-key">Admin key</label>
<p class="hint" id="admin-key-hint">Create one on the server with <code>scimitar admin-keys create --name "your name"</code>.</p>
<input type="password" id="admin-key" name="adminKey" autocomplete="current-password" required aria-describedby="admin-key-hint">
<div class="actions"><button type="submit">Sign in</button></div>`,
  );
  return sendPage(
    context,
    reply,
    {
      title: 'Sign in',
      area: 'Operator console',
      body: html`<div class="card sign-in"><h1>Sign in to the console</h1>${message !== undefined ? notice('error', message) : ''}${form}</div>`,
    },
    status,
  );
}

export function consoleRoutes(fastify: FastifyInstance, context: PageContext): void {
  const { authFailures } = context.services;

  fastify.get('/', async (request, reply) => {
    if (await operatorSignedIn(context, request)) return tenantsPage(context, request, reply);
    return signInPage(context, request, reply, 200);
  });

  fastify.post('/sign-in', async (request: SignInRequest, reply) => {
    const throttled = authFailures.addressRetryAfter(request.ip);
    if (throttled !== undefined) {
      reply.header('retry-after', String(throttled));
      return signInPage(context, request, reply, 429, `Too many failed sign-ins from your address; try again in ${throttled} second${throttled === 1 ? '' : 's'}.`);
    }
    const adminKey = (request.body?.adminKey ?? '').trim();
    if (adminKey !== '' && (await context.services.authenticator.authenticate(`Bearer ${adminKey}`)) !== undefined) {
      startOperatorSession(context, request, reply, adminKey);
      return reply.redirect(context.paths.console(), 303);
    }
    authFailures.recordFailure(request.ip, undefined);
    return signInPage(context, request, reply, 401, 'That admin key is not valid (unknown or revoked).');
  });

  fastify.post('/sign-out', async (request, reply) => {
    endOperatorSession(context, request, reply);
    return reply.redirect(context.paths.console(), 303);
  });

  // Everything else needs a live operator session.
  void fastify.register(async (signedIn) => {
    signedIn.addHook('preHandler', async (request, reply) => {
      if (await operatorSignedIn(context, request)) return undefined;
      endOperatorSession(context, request, reply);
      if (request.method === 'GET') return reply.redirect(context.paths.console(), 303);
      return sendErrorPage(context, reply, 401, 'Your session ended (it expired, or its admin key was revoked). Sign in again.');
    });
    tenantPages(signedIn, context);
    requestLogPages(signedIn, context);
    webhookPages(signedIn, context);
    directoryPages(signedIn, context);
    governancePages(signedIn, context);
  });
}
