import { attribute, complex, type SchemaDefinition } from './attribute.js';

export const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';

/** The core Group schema, RFC 7643 §4.2 and §8.7.1. */
export const groupSchema: SchemaDefinition = Object.freeze({
  id: GROUP_SCHEMA,
  name: 'Group',
  description: 'Group',
  attributes: Object.freeze([
    // §4.2 calls displayName REQUIRED; the §8.7.1 listing says otherwise, but
    // every identity provider sends it and a nameless group cannot be shown.
    attribute('displayName', 'string', { description: 'A human-readable name for the Group. REQUIRED.', required: true }),
    complex(
      'members',
      [
        // Ids are compared exactly everywhere (store, PATCH planner, filters), so they are caseExact.
        attribute('value', 'string', { description: 'Identifier of the member of this Group.', mutability: 'immutable', caseExact: true }),
        attribute('$ref', 'reference', {
          description: 'The URI corresponding to a SCIM resource that is a member of this Group.',
          mutability: 'immutable',
          referenceTypes: ['User', 'Group'],
        }),
        // The member's display name is read from the member resource itself,
        // so a rename shows everywhere; a display sent by a client is ignored.
        attribute('display', 'string', { description: 'A human-readable name of the member (its userName/displayName).', mutability: 'readOnly' }),
        attribute('type', 'string', {
          description: 'A label indicating the type of resource, e.g. \'User\' or \'Group\'.',
          mutability: 'immutable',
          canonicalValues: ['User', 'Group'],
          canonicalValuesEnforced: true,
        }),
      ],
      { description: 'A list of members of the Group.', multiValued: true },
    ),
  ]),
});
