/** /admin/v1/tenants/{tenant}/access-report: who has access to what, streamed as CSV or JSON Lines from one snapshot. */
import { Readable } from 'node:stream';
import type { FastifyRequest } from 'fastify';
import { ACCESS_REPORT_MEDIA_TYPES, CSV_COLUMNS, formatAccessReport, type AccessReportFormat } from '../../reports/access-report-format.js';
import type { AdminContext } from '../admin-context.js';
import type { AdminRoute } from '../admin-route.js';
import { errorSchema } from '../schemas.js';
import { tenantParamsSchema } from './tenant-routes.js';

/** Names the tenant's event sequence the report reflects: continue the event feed with after=<this>. */
export const EVENT_SEQUENCE_HEADER = 'Scimitar-Event-Sequence';

const reportQuerySchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    format: { type: 'string', enum: ['csv', 'json'], default: 'json', description: 'csv (RFC 4180, one row per User) or json (JSON Lines: a header line, one line per User, an end line).' },
  },
} as const;

type ReportRequest = FastifyRequest<{ Params: { tenant: string }; Querystring: { format: AccessReportFormat } }>;

export function reportRoutes(context: AdminContext): AdminRoute[] {
  return [
    {
      method: 'GET',
      url: '/tenants/:tenant/access-report',
      operationId: 'getAccessReport',
      summary: "Export every User of a tenant with its state and groups (direct and inherited), at one point in time",
      description:
        `Streamed from one read-only snapshot, so any size exports in bounded memory and no write is half in it. ` +
        `The ${EVENT_SEQUENCE_HEADER} header (and the eventSequence column, or the JSON header and end lines) names the tenant's last event in that snapshot: ` +
        'load the report, then follow GET /tenants/{tenant}/events?after=<sequence> to miss nothing and see nothing twice. ' +
        `CSV columns: ${CSV_COLUMNS.join(', ')}; cells a spreadsheet would run as a formula are prefixed with an apostrophe.`,
      tag: 'Reports',
      authenticated: true,
      schema: { params: tenantParamsSchema, querystring: reportQuerySchema, response: { 200: null, 400: errorSchema, 404: errorSchema } },
      streamed: {
        status: 200,
        content: {
          'text/csv': { schema: { type: 'string' } },
          'application/x-ndjson': { schema: { type: 'string' } },
        },
        headers: { [EVENT_SEQUENCE_HEADER]: { description: "The tenant's last event sequence the report reflects", schema: { type: 'integer' } } },
      },
      handler: async (request: ReportRequest, reply) => {
        const { format } = request.query;
        const report = await context.accessReports.open(request.params.tenant);
        const body = Readable.from(formatAccessReport(report, format));
        // The client went away: stop reading pages and release the snapshot.
        reply.raw.once('close', () => body.destroy());
        reply.header(EVENT_SEQUENCE_HEADER, String(report.eventSequence));
        reply.header('content-type', ACCESS_REPORT_MEDIA_TYPES[format]);
        reply.header('cache-control', 'no-store');
        const extension = format === 'csv' ? 'csv' : 'jsonl';
        reply.header('content-disposition', `attachment; filename="access-report-${report.tenantId}-${report.eventSequence}.${extension}"`);
        return reply.send(body);
      },
    },
  ];
}
