/** A tenant's request log: filters, pages, and one request with what was sent and answered side by side. */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { StoredRequestLogEntry } from '../../request-log/entry.js';
import type { RequestLogFilters } from '../../request-log/request-log-service.js';
import { html, type SafeHtml } from '../html.js';
import { sendPage, statusBadge, when } from '../layout.js';
import type { PageContext } from '../page-context.js';
import { operatorNav, tenantHeader } from './chrome.js';

const PAGE_SIZE = 50;
const FILTER_FIELDS = ['status', 'method', 'path', 'idp', 'resourceId', 'requestId'] as const;
type FilterQuery = Partial<Record<(typeof FILTER_FIELDS)[number] | 'cursor', string>>;

/** Bodies are redacted JSON (or cut at the size limit, then no longer JSON): shown indented when they parse. */
export function prettyBody(body: string | null): string {
  if (body === null || body === '') return '(no body)';
  try {
    return JSON.stringify(JSON.parse(body), null, 2);
  } catch {
    return body;
  }
}

function filtersOf(query: FilterQuery): RequestLogFilters {
  const filters: Record<string, string> = {};
  for (const field of FILTER_FIELDS) {
    const value = query[field]?.trim();
    if (value !== undefined && value !== '') filters[field] = value;
  }
  return filters;
}

export function requestRows(entries: readonly StoredRequestLogEntry[], detailUrl: (requestId: string) => string, describe?: (entry: StoredRequestLogEntry) => SafeHtml): SafeHtml[] {
  return entries.map(
    (entry) => html`<tr>
<td data-label="Time">${when(entry.occurredAt)}</td>
<td data-label="Status">${statusBadge(entry.status)}</td>
<td data-label="Request"><code>${entry.method} ${entry.path}${entry.query !== null ? `?${entry.query}` : ''}</code>${describe?.(entry)}</td>
<td data-label="From">${entry.idp ?? entry.userAgent ?? ''}</td>
<td data-label="Details"><a href="${detailUrl(entry.requestId)}">Details<span class="skip"> of request ${entry.requestId}</span></a></td>
</tr>`,
  );
}

export function requestDetail(entry: StoredRequestLogEntry, explanation?: SafeHtml): SafeHtml {
  return html`<dl class="facts card">
<dt>Request id</dt><dd><code>${entry.requestId}</code></dd>
<dt>Time</dt><dd>${when(entry.occurredAt)}</dd>
<dt>Request</dt><dd><code>${entry.method} ${entry.path}${entry.query !== null ? `?${entry.query}` : ''}</code></dd>
<dt>Answer</dt><dd>${statusBadge(entry.status)} ${entry.scimType ?? ''} ${Math.round(entry.latencyMs)} ms</dd>
${entry.detail !== null ? html`<dt>Detail</dt><dd>${entry.detail}</dd>` : ''}
${entry.authFailure !== null ? html`<dt>Refused because</dt><dd>${entry.authFailure}</dd>` : ''}
<dt>Identity provider</dt><dd>${entry.idp ?? 'not recognised'} <span class="muted">${entry.userAgent ?? ''}</span></dd>
${entry.resourceId !== null ? html`<dt>Resource</dt><dd><code>${entry.resourceId}</code></dd>` : ''}
</dl>
${explanation}
<div class="side-by-side">
<section aria-labelledby="sent"><h2 id="sent">Sent by the identity provider</h2><pre tabindex="0">${prettyBody(entry.requestBody)}</pre></section>
<section aria-labelledby="answered"><h2 id="answered">Answered by Scimitar</h2><pre tabindex="0">${prettyBody(entry.responseBody)}</pre></section>
</div>`;
}

export function requestLogPages(fastify: FastifyInstance, context: PageContext): void {
  const { tenants, requestLog } = context.services;

  fastify.get('/tenants/:tenant/requests', async (request: FastifyRequest<{ Params: { tenant: string }; Querystring: FilterQuery }>, reply) => {
    const tenantId = request.params.tenant;
    const tenant = await tenants.get(tenantId);
    const filters = filtersOf(request.query);
    const page = await requestLog.list(tenantId, { ...filters, limit: PAGE_SIZE, ...(request.query.cursor ? { cursor: request.query.cursor } : {}) });
    const input = (field: (typeof FILTER_FIELDS)[number], label: string, hint: string) =>
      html`<div><label for="filter-${field}">${label}</label><input type="text" id="filter-${field}" name="${field}" value="${filters[field] ?? ''}" placeholder="${hint}"></div>`;
    const nextUrl = page.nextCursor === null ? undefined : `?${new URLSearchParams({ ...(filters as Record<string, string>), cursor: page.nextCursor }).toString()}`;
    return sendPage(context, reply, {
      title: `Request log · ${tenant.name}`,
      area: 'Operator console',
      nav: operatorNav(context, request, reply),
      body: html`${tenantHeader(context, tenantId, tenant.name, '/requests')}
<form method="get" class="card filters" role="search" aria-label="Filter the request log">
${input('status', 'Status', '4xx or 404')}${input('method', 'Method', 'PATCH')}${input('path', 'Path starts with', '/Users')}${input('idp', 'Identity provider', 'Okta')}${input('resourceId', 'Resource id', '')}${input('requestId', 'Request id', '')}
<div><button type="submit">Filter</button> <a href="${context.paths.tenant(tenantId, '/requests')}">Clear</a></div>
</form>
<div class="table-wrap"><table class="stack"><thead><tr><th>Time</th><th>Status</th><th>Request</th><th>From</th><th>Details</th></tr></thead>
<tbody>${page.entries.length === 0 ? html`<tr><td colspan="5">No requests match.</td></tr>` : requestRows(page.entries, (id) => context.paths.tenant(tenantId, `/requests/${encodeURIComponent(id)}`))}</tbody></table></div>
${nextUrl !== undefined ? html`<p><a href="${nextUrl}">Older requests</a></p>` : ''}`,
    });
  });

  fastify.get('/tenants/:tenant/requests/:requestId', async (request: FastifyRequest<{ Params: { tenant: string; requestId: string } }>, reply) => {
    const tenantId = request.params.tenant;
    const tenant = await tenants.get(tenantId);
    const { entry, events } = await requestLog.get(tenantId, request.params.requestId);
    const written =
      events.length === 0
        ? html`<p class="muted">This request changed nothing.</p>`
        : html`<ul>${events.map((event) => html`<li><code>${event.type}</code> ${event.resourceType} <code>${event.resourceId}</code></li>`)}</ul>`;
    return sendPage(context, reply, {
      title: `Request ${entry.requestId}`,
      area: 'Operator console',
      nav: operatorNav(context, request, reply),
      body: html`${tenantHeader(context, tenantId, tenant.name, '/requests')}
<h2>Request ${entry.method} ${entry.path}</h2>
${requestDetail(entry)}
<section aria-labelledby="events"><h2 id="events">Changes it made</h2>${written}</section>`,
    });
  });
}
