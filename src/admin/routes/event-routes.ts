/** /admin/v1/tenants/{tenant}/events: the event feed, for apps that pull changes instead of receiving webhooks. */
import type { FastifyRequest } from 'fastify';
import { ExpiredFeedCursorError, MAX_FEED_PAGE, MAX_FEED_WAIT_SECONDS } from '../../events/feed.js';
import type { AdminContext } from '../admin-context.js';
import { sendAdminError } from '../admin-errors.js';
import type { AdminRoute } from '../admin-route.js';
import { errorSchema, eventPageSchema } from '../schemas.js';
import { tenantParamsSchema } from './tenant-routes.js';

const feedQuerySchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    after: {
      type: 'string',
      maxLength: 40,
      description: 'nextCursor of the previous page; "latest" to receive only events from now on; absent: from the oldest event retained.',
    },
    limit: { type: 'integer', minimum: 1, maximum: MAX_FEED_PAGE, default: 100 },
    wait: {
      type: 'integer',
      minimum: 0,
      maximum: MAX_FEED_WAIT_SECONDS,
      default: 0,
      description: 'Long-polling: when no event follows the cursor, wait up to this many seconds for one before answering with an empty page.',
    },
  },
} as const;

type FeedRequest = FastifyRequest<{ Params: { tenant: string }; Querystring: { after?: string; limit: number; wait: number } }>;

export function eventRoutes(context: AdminContext): AdminRoute[] {
  return [
    {
      method: 'GET',
      url: '/tenants/:tenant/events',
      operationId: 'listEvents',
      summary: "Read a tenant's events in order, from a cursor (long-polling with wait)",
      description:
        'Events are in sequence order, which is commit order: continuing from nextCursor never misses one. A cursor older than the retention period answers 410: resynchronise, then continue with after=latest.',
      tag: 'Events',
      authenticated: true,
      schema: { params: tenantParamsSchema, querystring: feedQuerySchema, response: { 200: eventPageSchema, 400: errorSchema, 404: errorSchema, 410: errorSchema } },
      handler: async (request: FeedRequest, reply) => {
        const { tenant } = request.params;
        // A tenant that does not exist is a 404, not an empty feed forever.
        await context.tenants.get(tenant);
        // The wait ends early when the client goes away.
        const gone = new AbortController();
        reply.raw.once('close', () => gone.abort());
        try {
          const page = await context.events.read(tenant, { after: request.query.after, limit: request.query.limit, waitSeconds: request.query.wait }, gone.signal);
          // Answered because the instance is shutting down: the connection closes with the answer,
          // or the idle keep-alive socket would hold the server's close (and the drain) open.
          if (context.events.closed) reply.header('connection', 'close');
          return page;
        } catch (error) {
          if (error instanceof ExpiredFeedCursorError) return sendAdminError(reply, 410, error.message);
          throw error;
        }
      },
    },
  ];
}
