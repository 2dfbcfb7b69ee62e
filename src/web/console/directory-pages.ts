/**
 * A tenant's directory, one browser per resource type (from the type
 * facts): a SCIM filter box and paging through the same list parsing as
 * the SCIM API, and one resource with, for a User, its history.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { parseListQuery, parseProjectionQuery } from '../../core/list/index.js';
import { userResourceType, type ResourceTypeFacts } from '../../core/schema/resource-types.js';
import { tenantScimBaseUrl } from '../../tenancy/tenant-urls.js';
import { html } from '../html.js';
import { sendPage, when } from '../layout.js';
import type { PageContext } from '../page-context.js';
import { operatorNav, tenantHeader, type TenantTab } from './chrome.js';

const PAGE_SIZE = 25;

/** What names a resource in a list: the first of these it has. */
const NAME_ATTRIBUTES = ['userName', 'displayName', 'externalId'] as const;

function nameOf(resource: Record<string, unknown>): string {
  for (const attribute of NAME_ATTRIBUTES) {
    const value = resource[attribute];
    if (typeof value === 'string' && value !== '') return value;
  }
  return String(resource['id']);
}

function tabOf(facts: ResourceTypeFacts): TenantTab | undefined {
  const path = `/${facts.collection}`;
  return path === '/users' || path === '/groups' ? path : undefined;
}

function resourceBrowser(fastify: FastifyInstance, context: PageContext, facts: ResourceTypeFacts): void {
  const { tenants, resources, requestLog, list } = context.services;
  const plural = `${facts.name}s`;
  const requestContext = (request: FastifyRequest, tenantId: string) => ({ tenantId, baseUrl: tenantScimBaseUrl(context.origin(request), tenantId) });

  fastify.get(`/tenants/:tenant/${facts.collection}`, async (request: FastifyRequest<{ Params: { tenant: string }; Querystring: { filter?: string; startIndex?: string } }>, reply) => {
    const tenantId = request.params.tenant;
    const tenant = await tenants.get(tenantId);
    const filter = (request.query.filter ?? '').trim();
    const startIndex = Math.max(1, Number.parseInt(request.query.startIndex ?? '1', 10) || 1);
    const query = { ...(filter !== '' ? { filter } : {}), startIndex: String(startIndex), count: String(PAGE_SIZE) };
    const listRequest = parseListQuery(query, await resources.schemasFor(tenantId, facts.name), list);
    const page = await resources.list(requestContext(request, tenantId), facts.name, listRequest);
    const rows = page.resources.map((resource) => {
      const active = facts.activeAttribute === undefined ? undefined : resource[facts.activeAttribute];
      return html`<tr><td data-label="Name"><a href="${context.paths.tenant(tenantId, `/${facts.collection}/${encodeURIComponent(String(resource['id']))}`)}">${nameOf(resource)}</a></td>
<td data-label="Id"><code>${String(resource['id'])}</code></td>
<td data-label="Active">${active === undefined ? '' : active === false ? 'no' : 'yes'}</td>
<td data-label="Last modified">${when((resource['meta'] as { lastModified?: string } | undefined)?.lastModified)}</td></tr>`;
    });
    const pageLink = (index: number) => `?${new URLSearchParams({ ...(filter !== '' ? { filter } : {}), startIndex: String(index) }).toString()}`;
    const last = startIndex + page.resources.length - 1;
    return sendPage(context, reply, {
      title: `${plural} · ${tenant.name}`,
      area: 'Operator console',
      nav: operatorNav(context, request, reply),
      body: html`${tenantHeader(context, tenantId, tenant.name, tabOf(facts) ?? '')}
<form method="get" class="card filters" role="search" aria-label="Filter ${plural}">
<div style="flex:1"><label for="scim-filter">SCIM filter</label><input type="search" id="scim-filter" name="filter" value="${filter}" placeholder='userName sw "a" and active eq true'></div>
<div><button type="submit">Search</button></div></form>
<p>${page.totalResults === 0 ? `No ${plural.toLowerCase()} match.` : `${startIndex}–${last} of ${page.totalResults}`}</p>
<div class="table-wrap"><table class="stack"><thead><tr><th>Name</th><th>Id</th><th>Active</th><th>Last modified</th></tr></thead><tbody>${rows}</tbody></table></div>
<p class="actions">${startIndex > 1 ? html`<a href="${pageLink(Math.max(1, startIndex - PAGE_SIZE))}">Previous page</a>` : ''}
${last < page.totalResults ? html`<a href="${pageLink(startIndex + PAGE_SIZE)}">Next page</a>` : ''}</p>`,
    });
  });

  fastify.get(`/tenants/:tenant/${facts.collection}/:id`, async (request: FastifyRequest<{ Params: { tenant: string; id: string } }>, reply) => {
    const { tenant: tenantId, id } = request.params;
    const tenant = await tenants.get(tenantId);
    const schemas = await resources.schemasFor(tenantId, facts.name);
    const { resource } = await resources.get(requestContext(request, tenantId), facts.name, id, parseProjectionQuery({}, schemas));
    // The request log keeps histories of Users only (RequestLogService.userHistory).
    const history = facts.name === userResourceType.name ? await requestLog.userHistory(tenantId, id, 0, 100) : undefined;
    const historyRows = (history?.changes ?? []).map(
      (change) => html`<tr><td data-label="Time">${when(change.timestamp)}</td><td data-label="Change"><code>${change.type}</code></td>
<td data-label="Attributes">${change.changedAttributes?.join(', ') ?? ''}</td>
<td data-label="By">${change.request !== null ? html`${change.request.idp ?? change.request.userAgent ?? ''} <a href="${context.paths.tenant(tenantId, `/requests/${encodeURIComponent(change.requestId ?? '')}`)}">${change.request.method} ${change.request.path}</a>` : html`<span class="muted">not in the request log</span>`}</td></tr>`,
    );
    return sendPage(context, reply, {
      title: `${nameOf(resource)} · ${tenant.name}`,
      area: 'Operator console',
      nav: operatorNav(context, request, reply),
      body: html`${tenantHeader(context, tenantId, tenant.name, tabOf(facts) ?? '')}
<h2>${facts.name} ${nameOf(resource)}</h2>
<pre tabindex="0" aria-label="${facts.name} as SCIM returns it">${JSON.stringify(resource, null, 2)}</pre>
${history !== undefined ? html`<section aria-labelledby="history"><h2 id="history">History</h2><div class="table-wrap"><table class="stack"><thead><tr><th>Time</th><th>Change</th><th>Attributes</th><th>By</th></tr></thead><tbody>${historyRows}</tbody></table></div></section>` : ''}`,
    });
  });
}

export function directoryPages(fastify: FastifyInstance, context: PageContext): void {
  for (const facts of context.services.resources.resourceTypes.all) resourceBrowser(fastify, context, facts);
}
