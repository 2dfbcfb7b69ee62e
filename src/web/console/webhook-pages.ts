/** A tenant's webhooks: add one (its signing secret shown once), its deliveries with their attempts, and replaying a failed delivery. */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { MAX_EVENTS_PER_REQUEST } from '../../webhooks/webhook-service.js';
import { html, type SafeHtml } from '../html.js';
import { notice, postForm, sendPage, shownOnce, when } from '../layout.js';
import type { PageContext } from '../page-context.js';
import { operatorNav, tenantHeader } from './chrome.js';

type WebhookRequest<Body = unknown> = FastifyRequest<{ Params: { tenant: string; webhookId: string; deliveryId?: string }; Body: Body; Querystring: { status?: string; replayed?: string } }>;

interface NewWebhookForm {
  readonly url?: string;
  readonly eventTypes?: string;
  readonly description?: string;
  readonly maxEventsPerRequest?: string;
}

function deliveryBadge(status: string): SafeHtml {
  const kind = status === 'succeeded' ? 'ok' : status === 'failed' ? 'bad' : 'warn';
  return html`<span class="badge ${kind}">${status}</span>`;
}

export function webhookPages(fastify: FastifyInstance, context: PageContext): void {
  const { tenants, webhooks } = context.services;

  const listPage = async (request: FastifyRequest<{ Params: { tenant: string } }>, reply: FastifyReply, shown?: SafeHtml) => {
    const tenantId = request.params.tenant;
    const tenant = await tenants.get(tenantId);
    const list = await webhooks.list(tenantId);
    const rows = list.map(
      (webhook) => html`<tr><td data-label="URL"><a href="${context.paths.tenant(tenantId, `/webhooks/${encodeURIComponent(webhook.id)}`)}">${webhook.url}</a></td>
<td data-label="Events">${webhook.eventTypes.length === 0 ? 'all' : webhook.eventTypes.join(', ')}</td>
<td data-label="State">${webhook.enabled ? 'enabled' : `disabled${webhook.disabledReason !== undefined ? `: ${webhook.disabledReason}` : ''}`}</td>
<td data-label="Per request" class="num">${webhook.maxEventsPerRequest}</td>
<td data-label="Description">${webhook.description}</td></tr>`,
    );
    const form = postForm(
      context,
      request,
      reply,
      context.paths.tenant(tenantId, '/webhooks'),
      html`<label for="webhook-url">Receiver URL</label><input type="url" id="webhook-url" name="url" required placeholder="https://app.example.com/scim-events">
<label for="webhook-events">Event types</label><p class="hint" id="webhook-events-hint">Comma-separated, e.g. user.created, user.deleted; leave empty for every event.</p>
<input type="text" id="webhook-events" name="eventTypes" aria-describedby="webhook-events-hint">
<label for="webhook-description">Description</label><input type="text" id="webhook-description" name="description">
<label for="webhook-batch">Events per request</label><p class="hint" id="webhook-batch-hint">1 sends each event alone. Up to ${MAX_EVENTS_PER_REQUEST} sends that many at most in one request, as a JSON array: only for receivers that accept arrays.</p>
<input type="number" id="webhook-batch" name="maxEventsPerRequest" value="1" min="1" max="${MAX_EVENTS_PER_REQUEST}" required aria-describedby="webhook-batch-hint">
<div class="actions"><button type="submit">Add webhook</button></div>`,
    );
    return sendPage(context, reply, {
      title: `Webhooks · ${tenant.name}`,
      area: 'Operator console',
      nav: operatorNav(context, request, reply),
      body: html`${tenantHeader(context, tenantId, tenant.name, '/webhooks')}
${shown}
<div class="table-wrap"><table class="stack"><thead><tr><th>URL</th><th>Events</th><th>State</th><th class="num">Per request</th><th>Description</th></tr></thead>
<tbody>${rows.length === 0 ? html`<tr><td colspan="5">No webhooks yet.</td></tr>` : rows}</tbody></table></div>
<section class="card" aria-labelledby="add-webhook"><h2 id="add-webhook">Add a webhook</h2>${form}</section>`,
    });
  };

  fastify.get('/tenants/:tenant/webhooks', async (request: FastifyRequest<{ Params: { tenant: string } }>, reply) => listPage(request, reply));

  fastify.post('/tenants/:tenant/webhooks', async (request: FastifyRequest<{ Params: { tenant: string }; Body: NewWebhookForm }>, reply) => {
    const eventTypes = (request.body.eventTypes ?? '')
      .split(',')
      .map((type) => type.trim())
      .filter((type) => type !== '');
    // Absent or empty: the default (1); anything else is the service's to accept or refuse with its range (NaN included).
    const perRequest = (request.body.maxEventsPerRequest ?? '').trim();
    const created = await webhooks.create(request.params.tenant, {
      url: (request.body.url ?? '').trim(),
      eventTypes,
      description: request.body.description ?? '',
      ...(perRequest === '' ? {} : { maxEventsPerRequest: Number(perRequest) }),
    });
    return listPage(request, reply, shownOnce('Signing secret:', created.secret, 'Copy it now: it is shown only this once. The receiver verifies each delivery with it (Standard Webhooks).'));
  });

  const webhookPage = async (request: WebhookRequest, reply: FastifyReply, shown?: SafeHtml) => {
    const { tenant: tenantId, webhookId } = request.params;
    const tenant = await tenants.get(tenantId);
    const webhook = await webhooks.get(tenantId, webhookId);
    const status = request.query.status;
    const page = await webhooks.listDeliveries(tenantId, webhookId, { ...(status !== undefined && status !== '' ? { status } : {}), limit: 100 });
    const base = context.paths.tenant(tenantId, `/webhooks/${encodeURIComponent(webhookId)}`);
    const rows = page.deliveries.map((delivery) => {
      const replay =
        delivery.status === 'failed'
          ? postForm(
              context,
              request,
              reply,
              `${base}/deliveries/${encodeURIComponent(delivery.id)}/replay`,
              html`<button type="submit" class="secondary" aria-label="Replay delivery of ${delivery.eventType} ${delivery.sequence}">Replay</button>`,
              { className: 'inline' },
            )
          : '';
      return html`<tr><td data-label="Event"><code>${delivery.eventType}</code> <span class="muted">#${delivery.sequence}</span></td>
<td data-label="Status">${deliveryBadge(delivery.status)}</td><td data-label="Attempts" class="num">${delivery.attempts}</td>
<td data-label="Last error">${delivery.lastError ?? ''}</td><td data-label="Created">${when(delivery.createdAt)}</td><td data-label="Actions">${replay}</td></tr>`;
    });
    const statusOption = (value: string, label: string) => html`<option value="${value}"${value === (status ?? '') ? html` selected` : ''}>${label}</option>`;
    return sendPage(context, reply, {
      title: `Webhook · ${tenant.name}`,
      area: 'Operator console',
      nav: operatorNav(context, request, reply),
      body: html`${tenantHeader(context, tenantId, tenant.name, '/webhooks')}
<h2>Webhook <code>${webhook.url}</code></h2>
${shown}
<form method="get" class="filters" aria-label="Filter deliveries"><div><label for="delivery-status">Deliveries</label><select id="delivery-status" name="status">
${statusOption('', 'All')}${statusOption('pending', 'Pending')}${statusOption('succeeded', 'Succeeded')}${statusOption('failed', 'Failed')}</select></div><div><button type="submit">Show</button></div></form>
<div class="table-wrap"><table class="stack"><thead><tr><th>Event</th><th>Status</th><th class="num">Attempts</th><th>Last error</th><th>Created</th><th>Actions</th></tr></thead>
<tbody>${rows.length === 0 ? html`<tr><td colspan="6">No deliveries.</td></tr>` : rows}</tbody></table></div>`,
    });
  };

  fastify.get('/tenants/:tenant/webhooks/:webhookId', async (request: WebhookRequest, reply) => {
    const replayed = request.query.replayed;
    return webhookPage(request, reply, replayed !== undefined ? notice('ok', `Delivery #${replayed} queued again; it is sent on the next dispatch.`) : undefined);
  });

  // Redirected after, so reloading the page shows the deliveries again instead of replaying twice.
  fastify.post('/tenants/:tenant/webhooks/:webhookId/deliveries/:deliveryId/replay', async (request: WebhookRequest, reply) => {
    const { tenant, webhookId } = request.params;
    const delivery = await webhooks.replayDelivery(tenant, webhookId, request.params.deliveryId ?? '');
    return reply.redirect(`${context.paths.tenant(tenant, `/webhooks/${encodeURIComponent(webhookId)}`)}?${new URLSearchParams({ replayed: String(delivery.sequence) }).toString()}`, 303);
  });
}
