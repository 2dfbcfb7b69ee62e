/** The tenants at a glance, creating a tenant, and a tenant's overview with its tokens. */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { NewTokenResult, TokenSummary } from '../../auth/token-service.js';
import type { HealthRequest, TenantHealthAttention } from '../../tenant-health/tenant-health-service.js';
import { tenantScimBaseUrl } from '../../tenancy/tenant-urls.js';
import { html, type SafeHtml } from '../html.js';
import { notice, postForm, sendPage, shownOnce, when } from '../layout.js';
import type { PageContext } from '../page-context.js';
import { operatorNav, tenantHeader } from './chrome.js';
import { setupLinkRoutes, setupLinkSection } from './setup-link-section.js';

type TenantRequest<Body = unknown> = FastifyRequest<{ Params: { tenant: string; tokenId?: string }; Body: Body }>;

/** What needs a look, as the operator reads it on the tenants page. */
const ATTENTION: Record<TenantHealthAttention, string> = {
  no_requests_yet: 'no request yet',
  last_request_failed: 'last request failed',
  server_errors: 'server errors',
  held_deletions: 'deletions held',
  failed_webhook_deliveries: 'failed webhook deliveries',
  parked_consumer_events: 'parked consumer events',
};

function requestLine(request: HealthRequest): string {
  return `${request.status} ${request.method} ${request.path}${request.detail !== null ? `: ${request.detail}` : ''}`;
}

export async function tenantsPage(context: PageContext, request: FastifyRequest, reply: FastifyReply, created?: SafeHtml): Promise<FastifyReply> {
  const overview = await context.services.tenantHealth.forAllTenants();
  const rows = overview.map((health) => {
    const { window } = health;
    // Expected refusals (a probe's 404, a create's 409 uniqueness) are not in the rate; their count says why a 4xx in the log is not in it.
    const expected = window.expectedErrors > 0 ? html`, ${window.expectedErrors} expected 404/409 not counted` : '';
    const rate = window.errorRate === null ? html`<span class="muted">no requests</span>` : html`${Math.round(window.errorRate * 100)}% <span class="muted">of ${window.requests}${expected}</span>`;
    const backlog = health.webhooks.pendingDeliveries + health.webhooks.failedDeliveries;
    return html`<tr>
<td data-label="Tenant"><a href="${context.paths.tenant(health.tenantId)}">${health.tenantName}</a> <span class="muted">${health.tenantId}</span>${health.attention.length > 0 ? html`<br><span class="badge warn">${health.attention.map((item) => ATTENTION[item]).join(', ')}</span>` : ''}</td>
<td data-label="Last request">${when(health.lastRequest?.occurredAt)}${health.lastRequest?.idp ? html` <span class="muted">from ${health.lastRequest.idp}</span>` : ''}</td>
<td data-label="Errors (24 h)">${rate}</td>
<td data-label="Last error">${health.lastError === undefined ? html`<span class="muted">none</span>` : html`${requestLine(health.lastError)} <span class="muted">${when(health.lastError.occurredAt)}</span>`}</td>
<td data-label="Active users" class="num">${health.activeUsers} <span class="muted">of ${health.users}</span></td>
<td data-label="Groups" class="num">${health.groups}</td>
<td data-label="Held deletions" class="num">${health.heldDeletions}</td>
<td data-label="Webhook backlog" class="num">${backlog}${health.webhooks.failedDeliveries > 0 ? html` <span class="muted">(${health.webhooks.failedDeliveries} failed)</span>` : ''}</td>
</tr>`;
  });
  const createForm = postForm(
    context,
    request,
    reply,
    context.paths.console('/tenants'),
    html`<div class="filters">
<div><label for="tenant-id">Tenant id</label><input type="text" id="tenant-id" name="id" required pattern="[a-z0-9][a-z0-9-]*" aria-describedby="tenant-id-hint"></div>
<div><label for="tenant-name">Name</label><input type="text" id="tenant-name" name="name"></div>
<div><button type="submit">Create tenant</button></div>
</div>
<p class="hint" id="tenant-id-hint">Lowercase letters, digits and dashes; it becomes part of the SCIM base URL.</p>`,
  );
  return sendPage(context, reply, {
    title: 'Tenants',
    area: 'Operator console',
    nav: operatorNav(context, request, reply),
    body: html`<h1>Tenants</h1>
${created}
<div class="table-wrap"><table class="stack"><caption class="muted">Each tenant's health; error rates over the last 24 hours</caption>
<thead><tr><th>Tenant</th><th>Last request</th><th>Errors (24 h)</th><th>Last error</th><th class="num">Active users</th><th class="num">Groups</th><th class="num">Held deletions</th><th class="num">Webhook backlog</th></tr></thead>
<tbody>${rows}</tbody></table></div>
<section class="card" aria-labelledby="create-tenant"><h2 id="create-tenant">Create a tenant</h2>${createForm}</section>`,
  });
}

function tokenRows(context: PageContext, request: FastifyRequest, reply: FastifyReply, tenantId: string, tokens: readonly TokenSummary[]): SafeHtml[] {
  return tokens.map((token) => {
    const actions =
      token.status === 'active'
        ? html`${postForm(
            context,
            request,
            reply,
            context.paths.tenant(tenantId, `/tokens/${encodeURIComponent(token.id)}/rotate`),
            html`<label for="overlap-${token.id}" class="muted">Old token works for</label>
<select id="overlap-${token.id}" name="overlapSeconds"><option value="3600">1 hour</option><option value="86400" selected>1 day</option><option value="604800">7 days</option></select>
<button type="submit" class="secondary" aria-label="Rotate token ${token.name} (${token.prefix})">Rotate</button>`,
            { className: 'inline' },
          )}
${postForm(
  context,
  request,
  reply,
  context.paths.tenant(tenantId, `/tokens/${encodeURIComponent(token.id)}/revoke`),
  html`<button type="submit" class="danger" aria-label="Revoke token ${token.name} (${token.prefix})">Revoke</button>`,
  { className: 'inline', confirm: `Revoke ${token.name}? The identity provider using it is refused from its next request.` },
)}`
        : '';
    return html`<tr><td data-label="Name">${token.name}</td><td data-label="Starts with"><code>${token.prefix}…</code></td><td data-label="Status">${token.status}</td>
<td data-label="Last used">${when(token.lastUsedAt)}</td><td data-label="Expires">${when(token.expiresAt)}</td><td data-label="Actions">${actions}</td></tr>`;
  });
}

async function tenantOverview(context: PageContext, request: FastifyRequest<{ Params: { tenant: string } }>, reply: FastifyReply, shown?: SafeHtml): Promise<FastifyReply> {
  const tenantId = request.params.tenant;
  const details = await context.services.tenants.show(tenantId);
  const scimUrl = tenantScimBaseUrl(context.origin(request), tenantId);
  const setupLinks = context.setupLinks === undefined ? undefined : await setupLinkSection(context, context.setupLinks, request, reply, tenantId);
  const newToken = postForm(
    context,
    request,
    reply,
    context.paths.tenant(tenantId, '/tokens'),
    html`<label for="token-name">Token name</label><input type="text" id="token-name" name="name" required value="api token"><button type="submit">Create token</button>`,
    { className: 'inline' },
  );
  return sendPage(context, reply, {
    title: details.tenant.name,
    area: 'Operator console',
    nav: operatorNav(context, request, reply),
    body: html`${tenantHeader(context, tenantId, details.tenant.name, '')}
${shown}
<div class="grid">
<div class="stat"><div class="value">${details.users}</div><div class="label">Users</div></div>
<div class="stat"><div class="value">${details.groups}</div><div class="label">Groups</div></div>
<div class="stat"><div class="value">${details.tokens.filter((token) => token.status === 'active').length}</div><div class="label">Active tokens</div></div>
</div>
<section class="card" aria-labelledby="scim-url"><h2 id="scim-url">SCIM base URL</h2><div class="copyable"><code id="scim-base-url">${scimUrl}</code> <button type="button" data-copy="scim-base-url">Copy</button></div>
<p><a href="${context.paths.tenant(tenantId, '/access-report')}">Download the access report (CSV)</a></p></section>
<section class="card" aria-labelledby="tokens"><h2 id="tokens">Tokens</h2>
<div class="table-wrap"><table class="stack"><thead><tr><th>Name</th><th>Starts with</th><th>Status</th><th>Last used</th><th>Expires</th><th>Actions</th></tr></thead>
<tbody>${tokenRows(context, request, reply, tenantId, details.tokens)}</tbody></table></div>
<div class="actions">${newToken}</div></section>
${setupLinks}`,
  });
}

function tokenShown(issued: NewTokenResult, what: string): SafeHtml {
  return shownOnce(`${what}:`, issued.token, 'Copy it now: it is shown only this once. Paste it into the identity provider as the bearer token (API token).');
}

export function tenantPages(fastify: FastifyInstance, context: PageContext): void {
  const { tenants, tokens } = context.services;

  fastify.post('/tenants', async (request: FastifyRequest<{ Body: { id?: string; name?: string } }>, reply) => {
    const id = (request.body.id ?? '').trim();
    const name = (request.body.name ?? '').trim();
    const created = await tenants.create(id, { name: name === '' ? undefined : name });
    const scimUrl = tenantScimBaseUrl(context.origin(request), created.tenant.id);
    // Rendered here rather than after a redirect: the token must not travel in a URL or a cookie.
    return tenantsPage(
      context,
      request,
      reply,
      html`${notice('ok', html`Tenant <a href="${context.paths.tenant(created.tenant.id)}">${created.tenant.name}</a> created. SCIM base URL: <code>${scimUrl}</code>`)}
${tokenShown(created.firstToken, 'Its first token')}`,
    );
  });

  fastify.get('/tenants/:tenant', async (request: TenantRequest, reply) => tenantOverview(context, request, reply));
  if (context.setupLinks !== undefined) setupLinkRoutes(fastify, context, context.setupLinks, (request, reply, shown) => tenantOverview(context, request, reply, shown));

  fastify.post('/tenants/:tenant/tokens', async (request: TenantRequest<{ name?: string }>, reply) => {
    const issued = await tokens.create(request.params.tenant, { name: (request.body.name ?? '').trim() || 'api token' });
    return tenantOverview(context, request, reply, tokenShown(issued, 'New token'));
  });

  fastify.post('/tenants/:tenant/tokens/:tokenId/rotate', async (request: TenantRequest<{ overlapSeconds?: string }>, reply) => {
    const overlapSeconds = Number(request.body.overlapSeconds ?? 86_400);
    const rotated = await tokens.rotate(request.params.tenant, request.params.tokenId ?? '', { overlapMs: (Number.isFinite(overlapSeconds) ? overlapSeconds : 86_400) * 1000 });
    return tenantOverview(
      context,
      request,
      reply,
      html`${tokenShown(rotated, 'Successor token')}${notice('info', html`The previous token keeps working until ${when(rotated.previous.expiresAt)}.`)}`,
    );
  });

  fastify.post('/tenants/:tenant/tokens/:tokenId/revoke', async (request: TenantRequest, reply) => {
    await tokens.revoke(request.params.tenant, request.params.tokenId ?? '');
    return reply.redirect(context.paths.tenant(request.params.tenant), 303);
  });
}
