/**
 * Discovery endpoints (RFC 7644 §4), generated from the schemas the
 * requesting tenant's other requests are validated with, so what is
 * advertised is what is enforced.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import {
  resourceTypeResource,
  resourceTypeResources,
  schemaResource,
  schemaResources,
  serviceProviderConfig,
} from '../../../core/discovery/index.js';
import { scimErrors } from '../../../core/errors/scim-error.js';
import { listResponse } from '../../../core/list/index.js';
import { SCIM_CONTENT_TYPE } from '../media.js';
import { registerMethodNotAllowed, type ScimRouteContext } from '../plugin.js';

export function registerDiscoveryRoutes(fastify: FastifyInstance, context: ScimRouteContext): void {
  const { resources, serviceProvider } = context.options;
  const registryOf = (request: FastifyRequest) => resources.registryFor(context.tenantId(request));

  fastify.get('/ServiceProviderConfig', async (request, reply) =>
    reply.type(SCIM_CONTENT_TYPE).send(serviceProviderConfig(serviceProvider, context.baseUrl(request))),
  );
  registerMethodNotAllowed(fastify, '/ServiceProviderConfig', ['GET']);

  // RFC 7644 §4: "filter", "sort" and paging are not supported on /Schemas and /ResourceTypes;
  // they answer the whole (small) list.
  fastify.get('/Schemas', async (request, reply) => {
    const schemas = schemaResources(await registryOf(request), context.baseUrl(request));
    return reply.type(SCIM_CONTENT_TYPE).send(listResponse(schemas, schemas.length, 1));
  });
  registerMethodNotAllowed(fastify, '/Schemas', ['GET']);

  fastify.get('/Schemas/:id', async (request: FastifyRequest<{ Params: { id: string } }>, reply) => {
    const schema = schemaResource(await registryOf(request), request.params.id, context.baseUrl(request));
    if (!schema) throw scimErrors.notFound(`No schema "${request.params.id}"; GET /Schemas lists the schemas this server supports`);
    return reply.type(SCIM_CONTENT_TYPE).send(schema);
  });
  registerMethodNotAllowed(fastify, '/Schemas/:id', ['GET']);

  fastify.get('/ResourceTypes', async (request, reply) => {
    const resourceTypes = resourceTypeResources(await registryOf(request), context.baseUrl(request));
    return reply.type(SCIM_CONTENT_TYPE).send(listResponse(resourceTypes, resourceTypes.length, 1));
  });
  registerMethodNotAllowed(fastify, '/ResourceTypes', ['GET']);

  fastify.get('/ResourceTypes/:name', async (request: FastifyRequest<{ Params: { name: string } }>, reply) => {
    const resourceType = resourceTypeResource(await registryOf(request), request.params.name, context.baseUrl(request));
    if (!resourceType) throw scimErrors.notFound(`No resource type "${request.params.name}"; GET /ResourceTypes lists them`);
    return reply.type(SCIM_CONTENT_TYPE).send(resourceType);
  });
  registerMethodNotAllowed(fastify, '/ResourceTypes/:name', ['GET']);
}
