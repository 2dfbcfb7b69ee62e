/**
 * Routes of one resource type (RFC 7644 §3.2): its endpoint (/Users,
 * /Groups, …), its /.search, and /{id} for GET, PUT, PATCH and DELETE.
 */
import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { conditionMatches, parseEntityTagCondition } from '../../../core/etag/etag.js';
import { alwaysReturnedOnly } from '../../../core/projection/index.js';
import { listResponse, parseListQuery, parseProjectionQuery, parseSearchRequest, type ListRequest } from '../../../core/list/index.js';
import type { ResourceTypeName } from '../../../core/schema/attribute.js';
import type { ResourceResponse } from '../../../services/resources/resource-service.js';
import { SCIM_CONTENT_TYPE } from '../media.js';
import { registerMethodNotAllowed, type ScimRouteContext } from '../plugin.js';

type IdRequest = FastifyRequest<{ Params: { id: string }; Querystring: Record<string, unknown> }>;
type QueryRequest = FastifyRequest<{ Querystring: Record<string, unknown> }>;

function sendResource(reply: FastifyReply, response: ResourceResponse, status: 200 | 201): FastifyReply {
  reply.header('ETag', response.etag);
  if (status === 201) reply.header('Location', response.location);
  return reply.code(status).type(SCIM_CONTENT_TYPE).send(response.resource);
}

function singleHeader(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

/** RFC 7240 `Prefer: return=minimal` / `return=representation`. */
function preferredReturn(request: FastifyRequest): 'minimal' | 'representation' | undefined {
  const prefer = singleHeader(request, 'prefer');
  if (!prefer) return undefined;
  const match = /(?:^|[;,\s])return\s*=\s*"?(minimal|representation)"?/i.exec(prefer);
  return match ? (match[1]!.toLowerCase() as 'minimal' | 'representation') : undefined;
}

function hasProjectionParameters(query: Record<string, unknown>): boolean {
  return Object.keys(query).some((key) => ['attributes', 'excludedattributes'].includes(key.toLowerCase()));
}

export function registerResourceRoutes(fastify: FastifyInstance, context: ScimRouteContext, type: ResourceTypeName): void {
  const { resources, list: listSettings } = context.options;
  // Per request: a tenant's schemas are its own (services resolve them the same way).
  // `knownSchemasOf(request) ?? (await schemasOf(request))`: awaited only when the resolver has to
  // read them; at hand (the usual case) they cost the request no promise.
  const knownSchemasOf = (request: FastifyRequest) => resources.knownSchemasFor(context.tenantId(request), type);
  const schemasOf = (request: FastifyRequest) => resources.schemasFor(context.tenantId(request), type);
  const facts = resources.resourceTypes.get(type);
  const { endpoint } = facts;
  const holdsMembers = facts.members !== undefined;

  const sendList = async (request: FastifyRequest, reply: FastifyReply, listRequest: ListRequest) => {
    const page = await resources.list(context.requestContext(request), type, listRequest);
    return reply.type(SCIM_CONTENT_TYPE).send(listResponse(page.resources, page.totalResults, page.cursors ?? listRequest.startIndex));
  };

  fastify.get(endpoint, async (request: QueryRequest, reply) => sendList(request, reply, parseListQuery(request.query, knownSchemasOf(request) ?? (await schemasOf(request)), listSettings)));

  fastify.post(endpoint, async (request: QueryRequest, reply) => {
    const projection = parseProjectionQuery(request.query, knownSchemasOf(request) ?? (await schemasOf(request)));
    const response = await resources.create(context.requestContext(request), type, request.body, projection);
    return sendResource(reply, response, 201);
  });
  registerMethodNotAllowed(fastify, endpoint, ['GET', 'POST']);

  fastify.post(`${endpoint}/.search`, async (request: QueryRequest, reply) =>
    sendList(request, reply, parseSearchRequest(request.body, knownSchemasOf(request) ?? (await schemasOf(request)), listSettings)),
  );
  registerMethodNotAllowed(fastify, `${endpoint}/.search`, ['POST']);

  const byId = `${endpoint}/:id`;
  fastify.get(byId, async (request: IdRequest, reply) => {
    const projection = parseProjectionQuery(request.query, knownSchemasOf(request) ?? (await schemasOf(request)));
    const response = await resources.get(context.requestContext(request), type, request.params.id, projection, {
      streamLargeGroups: true,
    });
    const ifNoneMatch = singleHeader(request, 'if-none-match');
    // RFC 7644 §3.14: a GET whose If-None-Match names the current version is answered 304 without a body.
    if (ifNoneMatch !== undefined && conditionMatches(parseEntityTagCondition(ifNoneMatch, 'If-None-Match'), response.version)) {
      return reply.code(304).header('ETag', response.etag).send();
    }
    // A group with more members than a page: its JSON is sent as it is read (services/resources/member-stream.ts).
    if (response.streamedJson !== undefined) return reply.code(200).header('ETag', response.etag).type(SCIM_CONTENT_TYPE).send(Readable.from(response.streamedJson));
    return sendResource(reply, response, 200);
  });

  fastify.put(byId, async (request: IdRequest, reply) => {
    const projection = parseProjectionQuery(request.query, knownSchemasOf(request) ?? (await schemasOf(request)));
    const response = await resources.replace(
      context.requestContext(request),
      type,
      request.params.id,
      request.body,
      singleHeader(request, 'if-match'),
      projection,
    );
    return sendResource(reply, response, 200);
  });

  fastify.patch(byId, async (request: IdRequest, reply) => {
    const projection = parseProjectionQuery(request.query, knownSchemasOf(request) ?? (await schemasOf(request)));
    // RFC 7644 §3.5.2: 200 with the resource, or 204 when the client asks for nothing back.
    const prefer = preferredReturn(request);
    const minimal =
      prefer === 'minimal' ||
      (prefer === undefined && holdsMembers && context.options.groupPatchResponse !== 'resource' && !hasProjectionParameters(request.query));
    const response = await resources.patch(
      context.requestContext(request),
      type,
      request.params.id,
      request.body,
      singleHeader(request, 'if-match'),
      // A 204 needs no representation: do not load 100,000 members only to drop them.
      minimal ? alwaysReturnedOnly : projection,
    );
    if (minimal) return reply.code(204).header('ETag', response.etag).send();
    return sendResource(reply, response, 200);
  });

  fastify.delete(byId, async (request: IdRequest, reply) => {
    await resources.delete(context.requestContext(request), type, request.params.id, singleHeader(request, 'if-match'));
    return reply.code(204).send();
  });
  registerMethodNotAllowed(fastify, byId, ['GET', 'PUT', 'PATCH', 'DELETE']);
}
