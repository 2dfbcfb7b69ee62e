/** The console's navigation: the header links and a tenant's tabs. */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { html, type SafeHtml } from '../html.js';
import { postForm } from '../layout.js';
import type { PageContext } from '../page-context.js';

export function operatorNav(context: PageContext, request: FastifyRequest, reply: FastifyReply): SafeHtml {
  const signOut = postForm(context, request, reply, context.paths.console('/sign-out'), html`<button type="submit" class="link">Sign out</button>`, { className: 'inline' });
  return html`<nav class="main" aria-label="Console"><ul><li><a href="${context.paths.console()}">Tenants</a></li><li>${signOut}</li></ul></nav>`;
}

export const TENANT_TABS = [
  ['', 'Overview'],
  ['/requests', 'Request log'],
  ['/webhooks', 'Webhooks'],
  ['/users', 'Users'],
  ['/groups', 'Groups'],
  ['/events', 'Events'],
  ['/schemas', 'Extension schemas'],
  ['/roles', 'Role mappings'],
  ['/deletions', 'Deletions'],
] as const;

export type TenantTab = (typeof TENANT_TABS)[number][0];

export function tenantHeader(context: PageContext, tenantId: string, tenantName: string, current: TenantTab): SafeHtml {
  const tabs = TENANT_TABS.map(
    ([path, label]) => html`<li><a href="${context.paths.tenant(tenantId, path)}"${path === current ? html` aria-current="page"` : ''}>${label}</a></li>`,
  );
  return html`<p class="muted"><a href="${context.paths.console()}">Tenants</a> / ${tenantId}</p>
<h1>${tenantName}</h1>
<nav class="tabs" aria-label="Tenant"><ul>${tabs}</ul></nav>`;
}
