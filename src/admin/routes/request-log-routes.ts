/**
 * /admin/v1/tenants/{tenant}/requests: the tenant's request log (what its
 * identity provider sent, what it was answered), and a User's history from
 * the events, each change with the request that made it.
 */
import { Readable } from 'node:stream';
import type { FastifyRequest } from 'fastify';
import { entryView } from '../../request-log/entry-view.js';
import type { RequestLogFilters } from '../../request-log/request-log-service.js';
import type { AdminContext } from '../admin-context.js';
import type { AdminRoute } from '../admin-route.js';
import { historyPageSchema, historyQuerySchema, requestLogDetailSchema, requestLogPageSchema, requestLogQuerySchema } from '../request-log-schemas.js';
import { errorSchema, tenantIdSchema } from '../schemas.js';
import { tenantParamsSchema } from './tenant-routes.js';

export const NDJSON = 'application/x-ndjson';

type ListRequest = FastifyRequest<{ Params: { tenant: string }; Querystring: RequestLogFilters & { format?: 'json' | 'ndjson' } }>;
type EntryRequest = FastifyRequest<{ Params: { tenant: string; requestId: string } }>;
type HistoryRequest = FastifyRequest<{ Params: { tenant: string; id: string }; Querystring: { after: number; limit: number } }>;

function wantsNdjson(request: ListRequest): boolean {
  if (request.query.format !== undefined) return request.query.format === 'ndjson';
  return (request.headers.accept ?? '').toLowerCase().includes(NDJSON);
}

export function requestLogRoutes(context: AdminContext): AdminRoute[] {
  return [
    {
      method: 'GET',
      url: '/tenants/:tenant/requests',
      operationId: 'listRequests',
      summary: "Search a tenant's request log (newest first, cursor paging; NDJSON export)",
      description:
        'Every SCIM request of the tenant, with secrets removed. Filters combine. With order=oldest and the nextCursor of the previous page, the log can be tailed. ' +
        'With Accept: application/x-ndjson (or format=ndjson) every matching entry, bodies included, is streamed one JSON object per line.',
      tag: 'Requests',
      authenticated: true,
      schema: { params: tenantParamsSchema, querystring: requestLogQuerySchema, response: { 200: requestLogPageSchema, 400: errorSchema, 404: errorSchema } },
      handler: async (request: ListRequest, reply) => {
        const { tenant } = request.params;
        await context.tenants.get(tenant);
        const { format: _format, ...filters } = request.query;
        if (wantsNdjson(request)) {
          const entries = context.requestLog.export(tenant, filters);
          // Validate before the 200 goes out: a bad filter is still a 400.
          const first = await entries.next();
          async function* lines(): AsyncGenerator<string> {
            if (first.done === true) return;
            yield `${JSON.stringify(entryView(first.value, true))}\n`;
            for await (const entry of entries) yield `${JSON.stringify(entryView(entry, true))}\n`;
          }
          return reply.type(`${NDJSON}; charset=utf-8`).send(Readable.from(lines()));
        }
        const page = await context.requestLog.list(tenant, filters);
        return { entries: page.entries.map((entry) => entryView(entry, false)), nextCursor: page.nextCursor };
      },
    },
    {
      method: 'GET',
      url: '/tenants/:tenant/requests/:requestId',
      operationId: 'getRequest',
      summary: 'One request of the log, with its redacted bodies and the events it wrote',
      tag: 'Requests',
      authenticated: true,
      schema: {
        params: { type: 'object', required: ['tenant', 'requestId'], properties: { tenant: tenantIdSchema, requestId: { type: 'string', minLength: 1, maxLength: 128 } } },
        response: { 200: requestLogDetailSchema, 404: errorSchema },
      },
      handler: async (request: EntryRequest) => {
        await context.tenants.get(request.params.tenant);
        const { entry, events } = await context.requestLog.get(request.params.tenant, request.params.requestId);
        return { ...entryView(entry, true), events };
      },
    },
    {
      method: 'GET',
      url: '/tenants/:tenant/users/:id/history',
      operationId: 'getUserHistory',
      summary: "A User's changes from the events, each with the request and identity provider that made it",
      description: 'Oldest first, as far back as events are retained (SCIMITAR_EVENT_RETENTION_DAYS); a deleted User keeps its history until then.',
      tag: 'Requests',
      authenticated: true,
      schema: {
        params: { type: 'object', required: ['tenant', 'id'], properties: { tenant: tenantIdSchema, id: { type: 'string', minLength: 1 } } },
        querystring: historyQuerySchema,
        response: { 200: historyPageSchema, 400: errorSchema, 404: errorSchema },
      },
      handler: async (request: HistoryRequest) => {
        await context.tenants.get(request.params.tenant);
        return context.requestLog.userHistory(request.params.tenant, request.params.id, request.query.after, request.query.limit);
      },
    },
  ];
}
