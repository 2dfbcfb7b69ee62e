/**
 * POST /.search at the SCIM root (RFC 7644 §3.4.3): one query over every
 * resource type. Results are Users, then Groups, then the registered types
 * in their order; `sortBy` orders within each type. A filter naming an
 * attribute only Users have matches no Groups (and the other way round)
 * instead of failing the whole search.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { isScimError, scimErrors } from '../../../core/errors/scim-error.js';
import { listResponse, parseSearchRequest, type ListRequest } from '../../../core/list/index.js';
import type { ResourceTypeName } from '../../../core/schema/attribute.js';
import { SCIM_CONTENT_TYPE } from '../media.js';
import { registerMethodNotAllowed, type ScimRouteContext } from '../plugin.js';

export function registerRootSearchRoute(fastify: FastifyInstance, context: ScimRouteContext): void {
  const { resources, list: listSettings } = context.options;

  fastify.post('/.search', async (request: FastifyRequest, reply) => {
    const requests = new Map<ResourceTypeName, ListRequest>();
    const tenantId = context.tenantId(request);
    let firstError: unknown;
    for (const { name: type } of resources.resourceTypes.all) {
      const schemas = await resources.schemasFor(tenantId, type);
      try {
        requests.set(type, parseSearchRequest(request.body, schemas, listSettings));
      } catch (error) {
        if (!isScimError(error)) throw error;
        firstError ??= error;
      }
    }
    if (requests.size === 0) throw firstError;
    // A cursor holds a position in one resource type's order; this window spans two.
    if ([...requests.values()].some((typeRequest) => typeRequest.cursor !== undefined)) {
      throw scimErrors.invalidValue('cursor paging is available on each resource type\'s /.search (e.g. /Users/.search), not on the root /.search, which spans every resource type');
    }
    const requestContext = context.requestContext(request);
    const first = [...requests.values()][0]!;
    // The page is a window [offset, offset + count) over the types' results, one type after the other.
    let offset = first.startIndex - 1;
    let remaining = first.count;
    let totalResults = 0;
    const page: Record<string, unknown>[] = [];
    for (const [type, typeRequest] of requests) {
      const counted = await resources.list(requestContext, type, { ...typeRequest, startIndex: 1, count: 0 });
      totalResults += counted.totalResults;
      if (remaining > 0 && offset < counted.totalResults) {
        const slice = await resources.list(requestContext, type, { ...typeRequest, startIndex: offset + 1, count: remaining });
        page.push(...slice.resources);
        remaining -= slice.resources.length;
      }
      offset = Math.max(0, offset - counted.totalResults);
    }
    return reply.type(SCIM_CONTENT_TYPE).send(listResponse(page, totalResults, first.startIndex));
  });
  registerMethodNotAllowed(fastify, '/.search', ['POST']);
}
