/** JSON Schemas of /admin/v1/tenants/{tenant}/schemas: declared extension schemas and the policy for undeclared ones. */
import type { JsonSchema } from './schemas.js';

const attributeProperties = {
  name: { type: 'string', description: 'The attribute name (RFC 7643 §2.1); may not reuse a name of the resource type core attributes.' },
  type: { type: 'string', enum: ['string', 'boolean', 'decimal', 'integer', 'dateTime', 'reference', 'binary', 'complex'], description: 'Default "string".' },
  multiValued: { type: 'boolean' },
  description: { type: 'string' },
  required: { type: 'boolean' },
  caseExact: { type: 'boolean' },
  canonicalValues: { type: 'array', items: { type: 'string' } },
} as const;

const subAttributeSchema: JsonSchema = { type: 'object', additionalProperties: false, properties: attributeProperties };

const attributeSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: { ...attributeProperties, subAttributes: { type: 'array', items: subAttributeSchema, description: 'For "complex" attributes: their (simple) sub-attributes.' } },
};

export const declarationBodySchema: JsonSchema = {
  type: 'object',
  description:
    'An extension schema for one resource type of this tenant. Checked by the server, which answers 400 naming the problem (unknown type, a reserved or already defined URN, a name clashing with a core attribute, an unknown field).',
  required: ['id', 'resourceType', 'attributes'],
  properties: {
    id: { type: 'string', description: 'The schema URN, as the identity provider sends it.', examples: ['urn:ietf:params:scim:schemas:extension:CustomExtensionName:2.0:User'] },
    resourceType: { type: 'string', examples: ['User'] },
    name: { type: 'string' },
    description: { type: 'string' },
    attributes: { type: 'array', items: { type: 'object' } },
  },
};

export const declarationSchema: JsonSchema = {
  type: 'object',
  required: ['id', 'resourceType', 'name', 'description', 'attributes', 'updatedAt'],
  additionalProperties: false,
  properties: {
    id: { type: 'string' },
    resourceType: { type: 'string' },
    name: { type: 'string' },
    description: { type: 'string' },
    attributes: { type: 'array', items: attributeSchema },
    updatedAt: { type: 'string', format: 'date-time' },
  },
};

const undeclaredPolicySchema = {
  type: 'string',
  enum: ['keep', 'reject'],
  description:
    '"keep" (default): extension namespaces nobody declared are stored as sent and returned, but not filterable; "reject": they are 400 invalidSyntax.',
} as const;

export const tenantSchemasSchema: JsonSchema = {
  type: 'object',
  required: ['undeclaredExtensions', 'declarations'],
  additionalProperties: false,
  properties: { undeclaredExtensions: undeclaredPolicySchema, declarations: { type: 'array', items: declarationSchema } },
};

export const schemaSettingsBodySchema: JsonSchema = {
  type: 'object',
  required: ['undeclaredExtensions'],
  additionalProperties: false,
  properties: { undeclaredExtensions: undeclaredPolicySchema },
};

export const declarationReportSchema: JsonSchema = {
  type: 'object',
  required: ['declaration', 'checked', 'nonConformingCount', 'nonConforming'],
  additionalProperties: false,
  properties: {
    declaration: declarationSchema,
    checked: { type: 'integer', description: 'Resources that already held values under this URN.' },
    nonConformingCount: { type: 'integer', description: 'Of those, how many the declaration does not fit; their values are kept as stored.' },
    nonConforming: {
      type: 'array',
      description: 'The first 100 of them, with the reason.',
      items: { type: 'object', required: ['id', 'detail'], additionalProperties: false, properties: { id: { type: 'string' }, detail: { type: 'string' } } },
    },
  },
};

export const forceQuerySchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    force: { type: 'boolean', description: 'Change or remove a declaration even though stored values use it (they are kept as they are).' },
  },
};
