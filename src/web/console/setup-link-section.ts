/** A tenant's setup links in the console: create one (its URL shown once), see their state, revoke one. */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { html, type SafeHtml } from '../html.js';
import { postForm, shownOnce, when } from '../layout.js';
import type { PageContext } from '../page-context.js';
import type { SetupLinks } from '../setup/portal-services.js';

const DAY_MS = 86_400_000;
const LIFETIMES = [
  [1, '1 day'],
  [3, '3 days'],
  [7, '7 days'],
  [30, '30 days'],
] as const;

/** The portal's address for a link's secret, under the prefix the pages are mounted at. */
export function setupLinkAddress(context: PageContext, request: FastifyRequest, secret: string): string {
  return `${context.origin(request)}${context.paths.setup(`/${encodeURIComponent(secret)}`)}`;
}

export async function setupLinkSection(context: PageContext, links: SetupLinks, request: FastifyRequest, reply: FastifyReply, tenantId: string): Promise<SafeHtml> {
  const list = await links.list(tenantId);
  const rows = list.map(
    (link) => html`<tr><td data-label="Note">${link.note ?? html`<span class="muted">no note</span>`}</td><td data-label="Status">${link.status}</td>
<td data-label="Expires">${when(link.expiresAt)}</td><td data-label="Last used">${when(link.lastUsedAt)}</td>
<td data-label="Actions">${
      link.status === 'active'
        ? postForm(
            context,
            request,
            reply,
            context.paths.tenant(tenantId, `/setup-links/${encodeURIComponent(link.id)}/revoke`),
            html`<button type="submit" class="danger" aria-label="Revoke setup link ${link.note ?? link.id}">Revoke</button>`,
            { className: 'inline', confirm: 'Revoke this setup link? Whoever uses it is refused from their next click.' },
          )
        : ''
    }</td></tr>`,
  );
  const form = postForm(
    context,
    request,
    reply,
    context.paths.tenant(tenantId, '/setup-links'),
    html`<div class="filters"><div><label for="link-note">Note</label><input type="text" id="link-note" name="note" placeholder="sent to it@customer.example"></div>
<div><label for="link-lifetime">Works for</label><select id="link-lifetime" name="days">${LIFETIMES.map(([days, label]) => html`<option value="${days}"${days === 7 ? html` selected` : ''}>${label}</option>`)}</select></div>
<div><button type="submit">Create setup link</button></div></div>`,
  );
  return html`<section class="card" aria-labelledby="setup-links"><h2 id="setup-links">Setup links</h2>
<p class="hint">Send a setup link to the customer's IT admin: it opens the setup portal for this tenant only, where they connect their identity provider.</p>
<div class="table-wrap"><table class="stack"><thead><tr><th>Note</th><th>Status</th><th>Expires</th><th>Last used</th><th>Actions</th></tr></thead>
<tbody>${rows.length === 0 ? html`<tr><td colspan="5">No setup links yet.</td></tr>` : rows}</tbody></table></div>
${form}</section>`;
}

/** The routes behind the section; `overview` renders the tenant's page again with what to show once. */
export function setupLinkRoutes(
  fastify: FastifyInstance,
  context: PageContext,
  links: SetupLinks,
  overview: (request: FastifyRequest<{ Params: { tenant: string } }>, reply: FastifyReply, shown: SafeHtml) => Promise<FastifyReply>,
): void {
  fastify.post('/tenants/:tenant/setup-links', async (request: FastifyRequest<{ Params: { tenant: string }; Body: { note?: string; days?: string } }>, reply) => {
    const days = Number(request.body.days ?? 7);
    const created = await links.create(request.params.tenant, { expiresInMs: (Number.isFinite(days) ? days : 7) * DAY_MS, note: request.body.note });
    return overview(
      request,
      reply,
      shownOnce('Setup link:', setupLinkAddress(context, request, created.secret), `Copy it now and send it to the customer's IT admin: it is shown only this once, and works until ${created.summary.expiresAt.slice(0, 16).replace('T', ' ')} UTC.`),
    );
  });

  fastify.post('/tenants/:tenant/setup-links/:linkId/revoke', async (request: FastifyRequest<{ Params: { tenant: string; linkId: string } }>, reply) => {
    await links.revoke(request.params.tenant, request.params.linkId);
    return reply.redirect(context.paths.tenant(request.params.tenant), 303);
  });
}
