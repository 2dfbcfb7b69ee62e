/**
 * The OpenAPI 3.1 document of the admin API, assembled from the route
 * definitions Fastify registers (their schemas are JSON Schema, which
 * OpenAPI 3.1 embeds as is), so the document always matches the server.
 */
import type { AdminRoute } from './admin-route.js';
import type { JsonSchema } from './schemas.js';

export const ADMIN_API_VERSION = '1.0.0';

const STATUS_DESCRIPTIONS: Readonly<Record<number, string>> = {
  200: 'OK',
  201: 'Created',
  204: 'Done; no content',
  400: 'The request is invalid (the message says what to fix)',
  401: 'Missing, unknown or revoked admin key',
  404: 'No such tenant, token or resource',
  409: 'The tenant id is taken',
  429: 'Too many failed authentication attempts from this address; retry after Retry-After seconds',
  500: 'Unexpected server error (logged)',
};

/** `/tenants/:tenant` → `/tenants/{tenant}`. */
export function openApiPath(fastifyUrl: string): string {
  return fastifyUrl.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

function parameters(schema: JsonSchema | undefined, location: 'path' | 'query'): Record<string, unknown>[] {
  if (schema === undefined) return [];
  const properties = (schema['properties'] ?? {}) as Record<string, JsonSchema>;
  const required = new Set((schema['required'] ?? []) as string[]);
  return Object.entries(properties).map(([name, property]) => {
    const { description, ...propertySchema } = property;
    return {
      name,
      in: location,
      required: location === 'path' || required.has(name),
      ...(description !== undefined ? { description } : {}),
      schema: propertySchema,
    };
  });
}

function responses(route: AdminRoute): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const [status, schema] of Object.entries(route.schema.response)) {
    const description = STATUS_DESCRIPTIONS[Number(status)] ?? 'Response';
    const streamed = route.streamed?.status === Number(status) ? route.streamed : undefined;
    const headers = Number(status) === 429 ? { 'Retry-After': { description: 'Whole seconds to wait', schema: { type: 'integer' } } } : streamed?.headers;
    const content = streamed !== undefined ? streamed.content : schema === null ? undefined : { 'application/json': { schema } };
    result[status] = {
      description,
      ...(headers !== undefined ? { headers } : {}),
      ...(content !== undefined ? { content } : {}),
    };
  }
  return result;
}

export function buildOpenApiDocument(routes: readonly AdminRoute[], prefix: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const operation: Record<string, unknown> = {
      operationId: route.operationId,
      summary: route.summary,
      ...(route.description !== undefined ? { description: route.description } : {}),
      tags: [route.tag],
      ...(route.authenticated ? {} : { security: [] }),
    };
    const parameterList = [...parameters(route.schema.params, 'path'), ...parameters(route.schema.querystring, 'query')];
    if (parameterList.length > 0) operation['parameters'] = parameterList;
    if (route.schema.body !== undefined) {
      operation['requestBody'] = {
        required: ((route.schema.body['required'] ?? []) as string[]).length > 0,
        content: { 'application/json': { schema: route.schema.body } },
      };
    }
    operation['responses'] = responses(route);
    (paths[openApiPath(route.url)] ??= {})[route.method.toLowerCase()] = operation;
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Scimitar admin API',
      version: ADMIN_API_VERSION,
      description:
        'Automates customer onboarding on a Scimitar SCIM server: tenants, their bearer tokens, and read-only views of their users and groups. ' +
        'Authenticate with an admin key (`scimitar admin-keys create`) as `Authorization: Bearer <key>`; SCIM bearer tokens are not accepted here.',
    },
    servers: [{ url: prefix }],
    security: [{ adminKey: [] }],
    tags: [
      { name: 'Tenants', description: 'Customer directories' },
      { name: 'Schemas', description: "A tenant's own extension schemas, and what happens to extensions it has not declared" },
      { name: 'Tokens', description: 'Bearer tokens of identity providers' },
      { name: 'Setup links', description: "Links that open a tenant's setup portal for the customer's IT admin" },
      { name: 'Directory', description: "Read-only views of a tenant's users and groups" },
      { name: 'Events', description: "A tenant's changes in commit order (the event feed)" },
      { name: 'Requests', description: "A tenant's request log (what its identity provider sent and was answered) and users' histories" },
      { name: 'Webhooks', description: "Signed POSTs of a tenant's events to the host app, with deliveries and replay" },
      { name: 'Consumers', description: "The embedding app's durable in-process consumers: cursors, deliveries, parked events and their replay" },
      { name: 'Reports', description: "Exports of a tenant's directory at one point in time (the access report)" },
      { name: 'Roles', description: "Group → role mapping: a tenant's rules, default role, and users' effective roles" },
      { name: 'Deletions', description: "A tenant's delete policy and its mass-deprovisioning safeguard, with the decision on held deletions" },
      { name: 'Documentation', description: 'This document' },
    ],
    components: {
      securitySchemes: {
        adminKey: { type: 'http', scheme: 'bearer', description: 'An admin key created by `scimitar admin-keys create` (prefix scimadm_).' },
      },
    },
    paths,
  };
}
