/**
 * The rest of a tenant's console: its event feed, declared extension
 * schemas, group → role mappings, the delete policy (editable) with the
 * safeguard's held deletions, and the access report download.
 */
import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { formatAccessReport } from '../../reports/access-report-format.js';
import { MATCH_KINDS } from '../../roles/role-rules.js';
import { DELETION_LIMITS } from '../../services/deletion/deletion-service.js';
import type { DeletionSettings } from '../../store/deletion-store.js';
import { tenantScimBaseUrl } from '../../tenancy/tenant-urls.js';
import { html, type SafeHtml } from '../html.js';
import { notice, postForm, sendPage, when } from '../layout.js';
import type { PageContext } from '../page-context.js';
import { operatorNav, tenantHeader } from './chrome.js';

type TenantRequest<Body = unknown, Query = unknown> = FastifyRequest<{ Params: { tenant: string; mapping?: string }; Body: Body; Querystring: Query }>;

const EVENT_PAGE = 50;

export function governancePages(fastify: FastifyInstance, context: PageContext): void {
  const { tenants, events, tenantSchemas, roles, resources, accessReports } = context.services;
  const deletions = resources.deletions;
  const changeContext = (request: FastifyRequest, tenantId: string) => ({ tenantId, baseUrl: tenantScimBaseUrl(context.origin(request), tenantId) });

  fastify.get('/tenants/:tenant/events', async (request: TenantRequest<unknown, { after?: string }>, reply) => {
    const tenantId = request.params.tenant;
    const tenant = await tenants.get(tenantId);
    const page = await events.read(tenantId, { after: request.query.after, limit: EVENT_PAGE, waitSeconds: 0 });
    const rows = page.events.map(
      (event) => html`<tr><td data-label="#" class="num">${event.sequence}</td><td data-label="Time">${when(event.timestamp)}</td><td data-label="Event"><code>${event.type}</code></td>
<td data-label="Resource">${event.resourceType} <code>${event.resourceId}</code></td>
<td data-label="Request">${event.requestId !== null && event.requestId !== undefined ? html`<a href="${context.paths.tenant(tenantId, `/requests/${encodeURIComponent(event.requestId)}`)}">${event.requestId}</a>` : ''}</td></tr>`,
    );
    return sendPage(context, reply, {
      title: `Events · ${tenant.name}`,
      area: 'Operator console',
      nav: operatorNav(context, request, reply),
      body: html`${tenantHeader(context, tenantId, tenant.name, '/events')}
<p class="hint">Oldest first, as far back as events are retained.</p>
<div class="table-wrap"><table class="stack"><thead><tr><th class="num">#</th><th>Time</th><th>Event</th><th>Resource</th><th>Request</th></tr></thead>
<tbody>${rows.length === 0 ? html`<tr><td colspan="5">No more events.</td></tr>` : rows}</tbody></table></div>
${page.events.length === EVENT_PAGE ? html`<p><a href="?${new URLSearchParams({ after: page.nextCursor }).toString()}">Later events</a></p>` : ''}`,
    });
  });

  fastify.get('/tenants/:tenant/schemas', async (request: TenantRequest, reply) => {
    const tenantId = request.params.tenant;
    const tenant = await tenants.get(tenantId);
    const declared = await tenantSchemas.list(tenantId);
    const sections = declared.declarations.map(
      (declaration) => html`<section class="card"><h2><code>${declaration.schemaId}</code></h2>
<p>${declaration.name} · extends ${declaration.resourceType} · updated ${when(declaration.updatedAt)}</p>${declaration.description !== '' ? html`<p>${declaration.description}</p>` : ''}
<div class="table-wrap"><table><thead><tr><th>Attribute</th><th>Type</th><th>Multi-valued</th><th>Required</th></tr></thead><tbody>
${declaration.attributes.map((attribute) => html`<tr><td><code>${attribute.name}</code></td><td>${attribute.type}</td><td>${attribute.multiValued ? 'yes' : 'no'}</td><td>${attribute.required ? 'yes' : 'no'}</td></tr>`)}
</tbody></table></div></section>`,
    );
    return sendPage(context, reply, {
      title: `Extension schemas · ${tenant.name}`,
      area: 'Operator console',
      nav: operatorNav(context, request, reply),
      body: html`${tenantHeader(context, tenantId, tenant.name, '/schemas')}
<p>Undeclared extensions: <strong>${declared.undeclaredExtensions}</strong>. Declare schemas with <code>scimitar schemas declare</code> or the admin API.</p>
${sections.length === 0 ? html`<p class="muted">This tenant declares no extension schema.</p>` : sections}`,
    });
  });

  const rolesPage = async (request: TenantRequest, reply: FastifyReply, shown?: SafeHtml) => {
    const tenantId = request.params.tenant;
    const tenant = await tenants.get(tenantId);
    const rules = await roles.rules(tenantId);
    const rows = rules.mappings.map(
      (mapping) => html`<tr><td data-label="Group">${mapping.matchBy} = <code>${mapping.matchValue}</code></td><td data-label="Role"><strong>${mapping.role}</strong></td>
<td data-label="Precedence" class="num">${mapping.precedence}</td><td data-label="Actions">${postForm(
        context,
        request,
        reply,
        context.paths.tenant(tenantId, `/roles/${encodeURIComponent(mapping.id)}/remove`),
        html`<button type="submit" class="danger" aria-label="Remove mapping to ${mapping.role}">Remove</button>`,
        { className: 'inline', confirm: `Remove the mapping to ${mapping.role}? Users' roles are recomputed at once.` },
      )}</td></tr>`,
    );
    const form = postForm(
      context,
      request,
      reply,
      context.paths.tenant(tenantId, '/roles'),
      html`<div class="filters"><div><label for="match-by">Group named by</label><select id="match-by" name="matchBy">${MATCH_KINDS.map((kind) => html`<option value="${kind}">${kind}</option>`)}</select></div>
<div><label for="match-value">Value</label><input type="text" id="match-value" name="matchValue" required></div>
<div><label for="role">Role</label><input type="text" id="role" name="role" required></div>
<div><label for="precedence">Precedence</label><input type="number" id="precedence" name="precedence" value="100" min="0"></div>
<div><button type="submit">Add mapping</button></div></div>`,
    );
    return sendPage(context, reply, {
      title: `Role mappings · ${tenant.name}`,
      area: 'Operator console',
      nav: operatorNav(context, request, reply),
      body: html`${tenantHeader(context, tenantId, tenant.name, '/roles')}
${shown}
<p>Users in no mapped group get: <strong>${rules.defaultRole ?? 'no role'}</strong>.</p>
<div class="table-wrap"><table class="stack"><thead><tr><th>Group</th><th>Role</th><th class="num">Precedence</th><th>Actions</th></tr></thead>
<tbody>${rows.length === 0 ? html`<tr><td colspan="4">No mappings.</td></tr>` : rows}</tbody></table></div>
<section class="card" aria-labelledby="add-mapping"><h2 id="add-mapping">Give a group's members a role</h2>${form}</section>`,
    });
  };

  fastify.get('/tenants/:tenant/roles', async (request: TenantRequest, reply) => rolesPage(request, reply));
  fastify.post('/tenants/:tenant/roles', async (request: TenantRequest<Record<string, string>>, reply) => {
    const { matchBy, matchValue, role, precedence } = request.body;
    const added = await roles.addMapping(changeContext(request, request.params.tenant), {
      matchBy,
      matchValue,
      role,
      ...(precedence !== undefined && precedence !== '' ? { precedence: Number(precedence) } : {}),
    });
    return rolesPage(request, reply, notice('ok', `Mapping added; ${added.usersChanged} user${added.usersChanged === 1 ? '' : 's'} got new roles.`));
  });
  fastify.post('/tenants/:tenant/roles/:mapping/remove', async (request: TenantRequest, reply) => {
    await roles.removeMapping(changeContext(request, request.params.tenant), request.params.mapping ?? '');
    return reply.redirect(context.paths.tenant(request.params.tenant, '/roles'), 303);
  });

  /** Every field filled with the current settings: what is submitted is the whole policy, so nothing changes by omission. */
  const policyForm = (request: TenantRequest, reply: FastifyReply, tenantId: string, settings: DeletionSettings) =>
    postForm(
      context,
      request,
      reply,
      context.paths.tenant(tenantId, '/deletions/policy'),
      html`<div class="filters"><div><label for="delete-policy">When the identity provider deletes a user</label><select id="delete-policy" name="deletePolicy">
<option value="hard"${settings.deletePolicy === 'hard' ? html` selected` : ''}>delete at once (hard)</option>
<option value="soft"${settings.deletePolicy === 'soft' ? html` selected` : ''}>keep, then purge (soft)</option></select></div>
<div><label for="soft-delete-days">Kept for (days, soft)</label><input type="number" id="soft-delete-days" name="softDeleteDays" value="${settings.softDeleteDays}" min="${DELETION_LIMITS.softDeleteDays[0]}" max="${DELETION_LIMITS.softDeleteDays[1]}" required></div></div>
<fieldset><legend>Safeguard against mass deprovisioning</legend><div class="filters">
<div><label><input type="checkbox" name="safeguardEnabled" value="on"${settings.safeguard.enabled ? html` checked` : ''}> Hold deletions beyond the threshold</label></div>
<div><label for="safeguard-percent">Percent of users</label><input type="number" id="safeguard-percent" name="percent" value="${settings.safeguard.percent}" min="${DELETION_LIMITS.percent[0]}" max="${DELETION_LIMITS.percent[1]}" required></div>
<div><label for="safeguard-minimum">and at least (deletions)</label><input type="number" id="safeguard-minimum" name="minimum" value="${settings.safeguard.minimum}" min="${DELETION_LIMITS.minimum[0]}" max="${DELETION_LIMITS.minimum[1]}" required></div>
<div><label for="safeguard-window">within (minutes)</label><input type="number" id="safeguard-window" name="windowMinutes" value="${settings.safeguard.windowMinutes}" min="${DELETION_LIMITS.windowMinutes[0]}" max="${DELETION_LIMITS.windowMinutes[1]}" required></div>
</div></fieldset>
<div class="actions"><button type="submit">Save the policy</button></div>`,
      { confirm: 'Change how deletions from the identity provider are handled for this tenant?' },
    );

  const deletionsPage = async (request: TenantRequest, reply: FastifyReply, shown?: SafeHtml) => {
    const tenantId = request.params.tenant;
    const tenant = await tenants.get(tenantId);
    const view = await deletions.show(tenantId);
    const { settings, safeguard } = view;
    const decide = (action: 'approve' | 'reject', label: string, className: string, question: string) =>
      postForm(context, request, reply, context.paths.tenant(tenantId, `/deletions/${action}`), html`<button type="submit" class="${className}">${label}</button>`, { className: 'inline', confirm: question });
    return sendPage(context, reply, {
      title: `Deletions · ${tenant.name}`,
      area: 'Operator console',
      nav: operatorNav(context, request, reply),
      body: html`${tenantHeader(context, tenantId, tenant.name, '/deletions')}
${shown}
<dl class="facts card"><dt>Delete policy</dt><dd>${settings.deletePolicy}${settings.deletePolicy === 'soft' ? ` (kept ${settings.softDeleteDays} days)` : ''}</dd>
<dt>Safeguard</dt><dd>${settings.safeguard.enabled ? `trips above ${settings.safeguard.percent}% of users and ${settings.safeguard.minimum} deletions within ${settings.safeguard.windowMinutes} minutes` : 'off'}</dd>
<dt>State</dt><dd>${safeguard.tripped ? html`<span class="badge bad">tripped</span> ${when(safeguard.trippedAt)}` : html`<span class="badge ok">not tripped</span>`}</dd>
<dt>Held deletions</dt><dd>${safeguard.heldCount}</dd></dl>
${safeguard.heldCount > 0
  ? html`<div class="table-wrap"><table class="stack"><thead><tr><th>User</th><th>External id</th><th>Deleted</th></tr></thead><tbody>
${safeguard.held.map((user) => html`<tr><td data-label="User">${user.userName ?? user.id}</td><td data-label="External id">${user.externalId ?? ''}</td><td data-label="Deleted">${when(user.deletedAt)}</td></tr>`)}</tbody></table></div>
<div class="actions">${decide('approve', 'Approve held deletions', 'danger', 'Let every held deletion go through? This cannot be undone.')}${decide('reject', 'Reject held deletions', 'secondary', 'Restore the held users (deactivated)?')}</div>`
  : ''}
<section class="card" aria-labelledby="change-policy"><h2 id="change-policy">Change the policy</h2>${policyForm(request, reply, tenantId, settings)}
<p class="hint">Also with <code>scimitar deletion</code> or PATCH /admin/v1/tenants/{tenant}/deletion.</p></section>`,
    });
  };

  fastify.get('/tenants/:tenant/deletions', async (request: TenantRequest, reply) => deletionsPage(request, reply));
  fastify.post('/tenants/:tenant/deletions/policy', async (request: TenantRequest<Record<string, string | undefined>>, reply) => {
    const body = request.body;
    // A form's numbers arrive as text: a blank or a non-number becomes NaN, which the service refuses with the field's range.
    const whole = (value: string | undefined) => (value === undefined || value.trim() === '' ? Number.NaN : Number(value));
    await deletions.configure(request.params.tenant, {
      deletePolicy: body.deletePolicy as DeletionSettings['deletePolicy'],
      softDeleteDays: whole(body.softDeleteDays),
      safeguard: { enabled: body.safeguardEnabled === 'on', percent: whole(body.percent), minimum: whole(body.minimum), windowMinutes: whole(body.windowMinutes) },
    });
    return deletionsPage(request, reply, notice('ok', 'The delete policy was saved.'));
  });
  fastify.post('/tenants/:tenant/deletions/approve', async (request: TenantRequest, reply) => {
    const result = await deletions.approve(request.params.tenant);
    return deletionsPage(request, reply, notice('ok', `${result.users} deletion${result.users === 1 ? '' : 's'} went through.`));
  });
  fastify.post('/tenants/:tenant/deletions/reject', async (request: TenantRequest, reply) => {
    const result = await deletions.reject(request.params.tenant);
    return deletionsPage(request, reply, notice('ok', `${result.users} user${result.users === 1 ? '' : 's'} restored; ${result.remaining} still held.`));
  });

  fastify.get('/tenants/:tenant/access-report', async (request: TenantRequest, reply) => {
    const report = await accessReports.open(request.params.tenant);
    const body = Readable.from(formatAccessReport(report, 'csv'));
    reply.raw.once('close', () => body.destroy());
    return reply
      .type('text/csv; charset=utf-8')
      .header('cache-control', 'no-store')
      .header('content-disposition', `attachment; filename="access-report-${report.tenantId}-${report.eventSequence}.csv"`)
      .send(body);
  });
}
