/**
 * The setup portal (/setup): the customer's IT admin opens the link the
 * operator sent, and sees only that link's tenant: how to connect their
 * identity provider with its exact values, their tokens (generated here,
 * shown once, rotated, revoked), a live check of the requests arriving from
 * the provider in plain language, and the tenant's request log with errors
 * explained.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { NewTokenResult, TokenSummary } from '../../auth/token-service.js';
import type { StoredRequestLogEntry } from '../../request-log/entry.js';
import { tenantScimBaseUrl } from '../../tenancy/tenant-urls.js';
import { sendErrorPage } from '../error-pages.js';
import { html, type SafeHtml } from '../html.js';
import { notice, postForm, sendPage, shownOnce, statusBadge, when } from '../layout.js';
import type { PageContext } from '../page-context.js';
import { requestDetail } from '../console/request-log-pages.js';
import { explainRequest, type RequestExplanation } from '../../request-log/explain.js';
import { IDP_SETUP_GUIDES } from '../../setup-portal-content/idp-steps.js';
import { guideView } from './guide-view.js';
import type { PortalTokens, SetupGrant, SetupLinkRefusal, SetupLinks } from './portal-services.js';
import { endSetupSession, setupSessionOf, startSetupSession } from './setup-session.js';

export interface SetupPortalServices {
  readonly links: SetupLinks;
  readonly tokens: PortalTokens;
}

/** A logged request as the portal tells it (src/request-log/explain.ts), with what a refusal means and how to fix it. */
interface RequestStory {
  readonly outcome: RequestExplanation['outcome'];
  readonly summary: string;
  readonly explanation: string | undefined;
}

function storyOf(entry: StoredRequestLogEntry): RequestStory {
  const explained = explainRequest(entry);
  const { meaning, fix } = explained;
  // The meaning may end with the server's own detail, which need not end a sentence.
  const explanation = meaning === undefined ? fix : fix === undefined ? meaning : `${meaning}${/[.!?]$/.test(meaning) ? '' : '.'} ${fix}`;
  return { outcome: explained.outcome, summary: explained.sentence, explanation };
}

/** How a refused link is answered: an unknown one is not found, a revoked one forbidden, an expired one gone. */
const REFUSALS: Record<SetupLinkRefusal, { readonly status: number; readonly message: string }> = {
  unknown: { status: 404, message: 'This setup link is not valid. Check that you copied the whole link, or ask your provider for a new one.' },
  revoked: { status: 403, message: 'This setup link was revoked by your provider. Ask them for a new one.' },
  expired: { status: 410, message: 'This setup link has expired. Ask your provider for a new one.' },
  tenant_gone: { status: 410, message: 'The directory this setup link was made for no longer exists. Ask your provider what to do.' },
};

const LIVE_ENTRIES = 25;
const LOG_PAGE = 50;

type PortalRequest<Params = Record<string, string>, Body = unknown, Query = Record<string, string | undefined>> = FastifyRequest<{ Params: Params; Body: Body; Querystring: Query }>;

export function setupRoutes(fastify: FastifyInstance, context: PageContext, portal: SetupPortalServices): void {
  const grants = new WeakMap<FastifyRequest, SetupGrant>();
  const grantOf = (request: FastifyRequest): SetupGrant => {
    const grant = grants.get(request);
    // The preHandler below sets it for every route of the scope; reaching here without one is a wiring mistake.
    if (grant === undefined) throw new TypeError('A setup portal route ran without a checked grant');
    return grant;
  };

  const refuse = (request: FastifyRequest, reply: FastifyReply, reason: SetupLinkRefusal) => {
    endSetupSession(context, request, reply);
    const refusal = REFUSALS[reason];
    return sendErrorPage(context, reply, refusal.status, refusal.message, { forPortal: true });
  };

  // The first visit: the secret becomes a session cookie and leaves the address bar.
  fastify.get('/:secret', async (request: PortalRequest<{ secret: string }>, reply) => {
    const resolution = await portal.links.resolve(request.params.secret);
    if (!resolution.valid) return refuse(request, reply, resolution.reason);
    startSetupSession(context, request, reply, resolution.grant);
    return reply.redirect(context.paths.setup('/'), 303);
  });

  void fastify.register(async (portalScope) => {
    portalScope.addHook('preHandler', async (request, reply) => {
      const session = setupSessionOf(context, request);
      if (session === undefined) {
        return sendErrorPage(context, reply, 401, 'Your setup session has ended or was never started. Open the setup link your provider sent you again.', { forPortal: true });
      }
      const resolution = await portal.links.check(session);
      if (!resolution.valid) return refuse(request, reply, resolution.reason);
      grants.set(request, resolution.grant);
      return undefined;
    });
    portalRoutes(portalScope, context, portal, grantOf);
  });
}

function portalNav(context: PageContext, current: 'setup' | 'live' | 'requests'): SafeHtml {
  const link = (key: typeof current, path: string, label: string) => html`<li><a href="${context.paths.setup(path)}"${key === current ? html` aria-current="page"` : ''}>${label}</a></li>`;
  return html`<nav class="main" aria-label="Setup"><ul>${link('setup', '/', 'Connect')}${link('live', '/live', 'Live check')}${link('requests', '/requests', 'Request log')}</ul></nav>`;
}

/** The outcome as the live check shows it; the page's script draws the same badge (assets/pages-js.ts). */
function outcomeBadge(story: RequestStory, status: number): SafeHtml {
  if (story.outcome === 'ok') return html`<span class="badge ok">OK</span>`;
  if (story.outcome === 'expected') return html`<span class="badge ok">Expected (${status})</span>`;
  return html`<span class="badge ${status < 500 ? 'warn' : 'bad'}">Failed (${status})</span>`;
}

function portalRoutes(fastify: FastifyInstance, context: PageContext, portal: SetupPortalServices, grantOf: (request: FastifyRequest) => SetupGrant): void {
  const { tenants, requestLog } = context.services;

  const tokenTable = (request: FastifyRequest, reply: FastifyReply, tokens: readonly TokenSummary[]) =>
    tokens.map((token) => {
      const actions =
        token.status === 'active'
          ? html`${postForm(
              context,
              request,
              reply,
              context.paths.setup(`/tokens/${encodeURIComponent(token.id)}/rotate`),
              html`<button type="submit" class="secondary" aria-label="Rotate token ${token.name} (${token.prefix})">Rotate</button>`,
              { className: 'inline' },
            )} ${postForm(
              context,
              request,
              reply,
              context.paths.setup(`/tokens/${encodeURIComponent(token.id)}/revoke`),
              html`<button type="submit" class="danger" aria-label="Revoke token ${token.name} (${token.prefix})">Revoke</button>`,
              { className: 'inline', confirm: `Revoke ${token.name}? Your identity provider is refused from its next request if it still uses it.` },
            )}`
          : '';
      return html`<tr><td data-label="Name">${token.name}</td><td data-label="Starts with"><code>${token.prefix}…</code></td><td data-label="Status">${token.status}</td><td data-label="Last used">${when(token.lastUsedAt)}</td><td data-label="Expires">${when(token.expiresAt)}</td><td data-label="Actions">${actions}</td></tr>`;
    });

  const setupPage = async (request: PortalRequest, reply: FastifyReply, shown?: SafeHtml) => {
    const grant = grantOf(request);
    const tenant = await tenants.get(grant.tenantId);
    const baseUrl = tenantScimBaseUrl(context.origin(request), grant.tenantId);
    const chosen = IDP_SETUP_GUIDES.find((guide) => guide.id === request.query['idp']) ?? IDP_SETUP_GUIDES[0];
    const tokens = await portal.tokens.list(grant);
    const picker = IDP_SETUP_GUIDES.map(
      (guide) => html`<li><a href="?idp=${encodeURIComponent(guide.id)}"${guide === chosen ? html` aria-current="page"` : ''}>${guide.name}</a></li>`,
    );
    const generate = postForm(
      context,
      request,
      reply,
      context.paths.setup('/tokens'),
      html`<label for="token-name">Token name</label><input type="text" id="token-name" name="name" value="${chosen !== undefined ? `${chosen.name} provisioning` : 'provisioning'}" required><button type="submit">Generate token</button>`,
      { className: 'inline' },
    );
    return sendPage(context, reply, {
      title: `Connect ${tenant.name}`,
      area: 'Setup',
      nav: portalNav(context, 'setup'),
      body: html`<h1>Connect your identity provider to ${tenant.name}</h1>
<p class="hint">This page is for your organisation only. It works until ${when(grant.expiresAt)}.</p>
${shown}
<section class="card" aria-labelledby="values"><h2 id="values">Your values</h2>
<dl class="facts"><dt>SCIM base URL (tenant URL)</dt><dd><div class="copyable"><code id="base-url">${baseUrl}</code> <button type="button" data-copy="base-url">Copy</button></div></dd>
<dt>Authentication</dt><dd>HTTP header, bearer token (generate one below)</dd></dl></section>
<section class="card" aria-labelledby="tokens"><h2 id="tokens">Tokens</h2>
<div class="table-wrap"><table class="stack"><thead><tr><th>Name</th><th>Starts with</th><th>Status</th><th>Last used</th><th>Expires</th><th>Actions</th></tr></thead>
<tbody>${tokens.length === 0 ? html`<tr><td colspan="6">No tokens yet.</td></tr>` : tokenTable(request, reply, tokens)}</tbody></table></div>
<div class="actions">${generate}</div></section>
<section class="card" aria-labelledby="steps"><h2 id="steps">Steps in your identity provider</h2>
<nav aria-label="Identity provider"><ul class="idp-picker">${picker}</ul></nav>
${chosen !== undefined ? guideView(chosen, baseUrl) : ''}
<p>Then open the <a href="${context.paths.setup('/live')}">live check</a> and press "Test connection" in your identity provider.</p></section>`,
    });
  };

  const tokenShown = (issued: NewTokenResult) =>
    shownOnce('Your token:', issued.token, 'Copy it now and paste it into your identity provider as the API token (bearer token). It is shown only this once.');

  fastify.get('/', async (request: PortalRequest, reply) => setupPage(request, reply));

  fastify.post('/tokens', async (request: PortalRequest<Record<string, string>, { name?: string }>, reply) => {
    const issued = await portal.tokens.create(grantOf(request), { name: (request.body.name ?? '').trim() || undefined });
    return setupPage(request, reply, tokenShown(issued));
  });

  fastify.post('/tokens/:tokenId/rotate', async (request: PortalRequest<{ tokenId: string }>, reply) => {
    const rotated = await portal.tokens.rotate(grantOf(request), request.params.tokenId);
    return setupPage(request, reply, html`${tokenShown(rotated)}${notice('info', html`The previous token keeps working until ${when(rotated.previous.expiresAt)}, so you can update your identity provider without interruption.`)}`);
  });

  fastify.post('/tokens/:tokenId/revoke', async (request: PortalRequest<{ tokenId: string }>, reply) => {
    await portal.tokens.revoke(grantOf(request), request.params.tokenId);
    return reply.redirect(context.paths.setup('/'), 303);
  });

  // With their bodies, so a story can name what was created or changed ("created user jdoe@…").
  const liveEntries = async (tenantId: string) => {
    const entries: { entry: StoredRequestLogEntry; story: RequestStory }[] = [];
    for await (const entry of requestLog.export(tenantId, { limit: LIVE_ENTRIES })) {
      entries.push({ entry, story: storyOf(entry) });
      if (entries.length === LIVE_ENTRIES) break;
    }
    return entries;
  };

  fastify.get('/live', async (request: PortalRequest, reply) => {
    const grant = grantOf(request);
    const tenant = await tenants.get(grant.tenantId);
    const entries = await liveEntries(grant.tenantId);
    // Rendered on the server too, so the page shows the state without script; the script then keeps it current.
    const rows = entries.map(
      ({ entry, story }) => html`<tr><td data-label="Time">${when(entry.occurredAt)}</td>
<td data-label="Outcome">${outcomeBadge(story, entry.status)}</td>
<td data-label="What happened">${story.summary}${story.explanation !== undefined ? html`<p class="hint">${story.explanation}</p>` : ''}</td>
<td data-label="Details"><a href="${context.paths.setup(`/requests/${encodeURIComponent(entry.requestId)}`)}">Details</a></td></tr>`,
    );
    return sendPage(context, reply, {
      title: `Live check · ${tenant.name}`,
      area: 'Setup',
      nav: portalNav(context, 'live'),
      body: html`<h1>Live check</h1>
<p>Press "Test connection" (or start provisioning) in your identity provider. Its requests appear here as they arrive, newest first.</p>
<p id="live-status" class="hint" role="status" aria-live="polite"></p>
<div class="table-wrap"><table class="stack" id="live-requests" data-source="${context.paths.setup('/live.json')}" data-detail="${context.paths.setup('/requests/')}">
<caption class="skip">Requests from your identity provider</caption>
<thead><tr><th>Time</th><th>Outcome</th><th>What happened</th><th>Details</th></tr></thead>
<tbody>${rows.length === 0 ? html`<tr><td colspan="4">No requests yet.</td></tr>` : rows}</tbody></table></div>`,
    });
  });

  fastify.get('/live.json', async (request: PortalRequest, reply) => {
    const grant = grantOf(request);
    const entries = await liveEntries(grant.tenantId);
    return reply.header('cache-control', 'no-store').send({
      entries: entries.map(({ entry, story }) => ({
        requestId: entry.requestId,
        time: entry.occurredAt,
        status: entry.status,
        outcome: story.outcome,
        summary: story.summary,
        explanation: story.explanation ?? null,
      })),
    });
  });

  fastify.get('/requests', async (request: PortalRequest<Record<string, string>, unknown, { failed?: string; cursor?: string }>, reply) => {
    const grant = grantOf(request);
    const tenant = await tenants.get(grant.tenantId);
    const failedOnly = request.query.failed === '1';
    const page = await requestLog.list(grant.tenantId, { limit: LOG_PAGE, ...(failedOnly ? { status: '4xx' } : {}), ...(request.query.cursor ? { cursor: request.query.cursor } : {}) });
    const rows = page.entries.map((entry) => {
      const story = storyOf(entry);
      return html`<tr><td data-label="Time">${when(entry.occurredAt)}</td><td data-label="Status">${statusBadge(entry.status)}</td>
<td data-label="What happened">${story.summary}${story.explanation !== undefined ? html`<p class="hint">${story.explanation}</p>` : ''}</td>
<td data-label="Details"><a href="${context.paths.setup(`/requests/${encodeURIComponent(entry.requestId)}`)}">Details</a></td></tr>`;
    });
    const next = page.nextCursor === null ? undefined : `?${new URLSearchParams({ ...(failedOnly ? { failed: '1' } : {}), cursor: page.nextCursor }).toString()}`;
    return sendPage(context, reply, {
      title: `Request log · ${tenant.name}`,
      area: 'Setup',
      nav: portalNav(context, 'requests'),
      body: html`<h1>Request log</h1>
<p>${failedOnly ? html`Showing refused requests only. <a href="${context.paths.setup('/requests')}">Show all</a>` : html`<a href="?failed=1">Show refused requests only</a>`}</p>
<div class="table-wrap"><table class="stack"><thead><tr><th>Time</th><th>Status</th><th>What happened</th><th>Details</th></tr></thead>
<tbody>${rows.length === 0 ? html`<tr><td colspan="4">No requests.</td></tr>` : rows}</tbody></table></div>
${next !== undefined ? html`<p><a href="${next}">Older requests</a></p>` : ''}`,
    });
  });

  fastify.get('/requests/:requestId', async (request: PortalRequest<{ requestId: string }>, reply) => {
    const grant = grantOf(request);
    const { entry } = await requestLog.get(grant.tenantId, request.params.requestId);
    const story = storyOf(entry);
    return sendPage(context, reply, {
      title: `Request ${entry.requestId}`,
      area: 'Setup',
      nav: portalNav(context, 'requests'),
      body: html`<h1>${story.summary}</h1>
${requestDetail(entry, story.explanation !== undefined ? notice(story.outcome === 'failed' ? 'error' : 'info', story.explanation) : undefined)}`,
    });
  });
}
