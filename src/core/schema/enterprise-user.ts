import { attribute, complex, type SchemaDefinition } from './attribute.js';

export const ENTERPRISE_USER_SCHEMA = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

/** The Enterprise User extension, RFC 7643 §4.3 and §8.7.1. */
export const enterpriseUserSchema: SchemaDefinition = Object.freeze({
  id: ENTERPRISE_USER_SCHEMA,
  name: 'EnterpriseUser',
  description: 'Enterprise User',
  attributes: Object.freeze([
    attribute('employeeNumber', 'string', { description: 'Numeric or alphanumeric identifier assigned to a person, typically based on order of hire or association with an organization.' }),
    attribute('costCenter', 'string', { description: 'Identifies the name of a cost center.' }),
    attribute('organization', 'string', { description: 'Identifies the name of an organization.' }),
    attribute('division', 'string', { description: 'Identifies the name of a division.' }),
    attribute('department', 'string', { description: 'Identifies the name of a department.' }),
    complex(
      'manager',
      [
        attribute('value', 'string', { description: 'The id of the SCIM resource representing the User\'s manager. RECOMMENDED.' }),
        attribute('$ref', 'reference', { description: 'The URI of the SCIM resource representing the User\'s manager.', referenceTypes: ['User'] }),
        attribute('displayName', 'string', { description: 'The displayName of the User\'s manager.', mutability: 'readOnly' }),
      ],
      { description: 'The User\'s manager. A complex type that optionally allows service providers to represent organizational hierarchy by referencing the \'id\' attribute of another User.' },
    ),
  ]),
});
