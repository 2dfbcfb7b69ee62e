import { attribute, complex, type AttributeDefinition } from './attribute.js';

/**
 * The common attributes of every resource (RFC 7643 §3.1). They belong to no
 * schema (so /Schemas does not list them) but can be filtered, sorted and
 * projected like any other attribute.
 */
export const commonAttributes: readonly AttributeDefinition[] = Object.freeze([
  attribute('id', 'string', {
    description: 'A unique identifier for a SCIM resource as defined by the service provider.',
    caseExact: true,
    mutability: 'readOnly',
    returned: 'always',
    uniqueness: 'server',
  }),
  attribute('externalId', 'string', {
    description: 'A String that is an identifier for the resource as defined by the provisioning client.',
    caseExact: true,
  }),
  complex(
    'meta',
    [
      attribute('resourceType', 'string', { description: 'The name of the resource type of the resource.', caseExact: true, mutability: 'readOnly' }),
      attribute('created', 'dateTime', { description: 'The DateTime that the resource was added to the service provider.', mutability: 'readOnly' }),
      attribute('lastModified', 'dateTime', { description: 'The most recent DateTime that the details of this resource were updated.', mutability: 'readOnly' }),
      attribute('location', 'reference', { description: 'The URI of the resource being returned.', caseExact: true, mutability: 'readOnly', referenceTypes: ['uri'] }),
      attribute('version', 'string', { description: 'The version of the resource being returned (a weak entity tag).', caseExact: true, mutability: 'readOnly' }),
    ],
    { description: 'A complex attribute containing resource metadata.', mutability: 'readOnly' },
  ),
]);

/** `schemas` is always returned and never a filterable attribute; it is handled by name. */
export const SCHEMAS_ATTRIBUTE = 'schemas';
