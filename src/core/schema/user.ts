import { attribute, complex, multiValuedComplex, type SchemaDefinition } from './attribute.js';

export const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';

/** The core User schema, RFC 7643 §4.1 and its representation in §8.7.1. */
export const userSchema: SchemaDefinition = Object.freeze({
  id: USER_SCHEMA,
  name: 'User',
  description: 'User Account',
  attributes: Object.freeze([
    attribute('userName', 'string', {
      description: 'Unique identifier for the User, typically used by the user to directly authenticate to the service provider. REQUIRED.',
      required: true,
      uniqueness: 'server',
    }),
    complex(
      'name',
      [
        attribute('formatted', 'string', { description: 'The full name, including all middle names, titles, and suffixes as appropriate, formatted for display.' }),
        attribute('familyName', 'string', { description: 'The family name of the User, or last name in most Western languages.' }),
        attribute('givenName', 'string', { description: 'The given name of the User, or first name in most Western languages.' }),
        attribute('middleName', 'string', { description: 'The middle name(s) of the User.' }),
        attribute('honorificPrefix', 'string', { description: 'The honorific prefix(es) of the User, or title in most Western languages.' }),
        attribute('honorificSuffix', 'string', { description: 'The honorific suffix(es) of the User, or suffix in most Western languages.' }),
      ],
      { description: 'The components of the user\'s real name.' },
    ),
    attribute('displayName', 'string', { description: 'The name of the User, suitable for display to end-users.' }),
    attribute('nickName', 'string', { description: 'The casual way to address the user in real life.' }),
    attribute('profileUrl', 'reference', { description: 'A fully qualified URL pointing to a page representing the User\'s online profile.', referenceTypes: ['external'] }),
    attribute('title', 'string', { description: 'The user\'s title, such as "Vice President".' }),
    attribute('userType', 'string', { description: 'Used to identify the relationship between the organization and the user.' }),
    attribute('preferredLanguage', 'string', { description: 'Indicates the User\'s preferred written or spoken language (RFC 7231 §5.3.5), e.g. "en-US".' }),
    attribute('locale', 'string', { description: 'Used to indicate the User\'s default location for purposes of localizing items such as currency, date time format, or numerical representations.' }),
    attribute('timezone', 'string', { description: 'The User\'s time zone in the "Olson" time zone database format, e.g. "America/Los_Angeles".' }),
    attribute('active', 'boolean', { description: 'A Boolean value indicating the User\'s administrative status.' }),
    attribute('password', 'string', {
      description: 'The User\'s cleartext password, used to set or change it. Stored only as a strong hash and never returned.',
      mutability: 'writeOnly',
      returned: 'never',
    }),
    multiValuedComplex('emails', 'Email addresses for the user.', {
      valueDescription: 'Email addresses for the user, canonicalized by the service provider, e.g. "bjensen@example.com".',
      typeValues: ['work', 'home', 'other'],
    }),
    multiValuedComplex('phoneNumbers', 'Phone numbers for the User.', {
      valueDescription: 'Phone number of the User, preferably in RFC 3966 form, e.g. "tel:+1-201-555-0123".',
      typeValues: ['work', 'home', 'mobile', 'fax', 'pager', 'other'],
    }),
    multiValuedComplex('ims', 'Instant messaging addresses for the User.', {
      valueDescription: 'Instant messaging address for the User.',
      typeValues: ['aim', 'gtalk', 'icq', 'xmpp', 'msn', 'skype', 'qq', 'yahoo'],
    }),
    multiValuedComplex('photos', 'URLs of photos of the User.', {
      valueType: 'reference',
      valueDescription: 'URL of a photo of the User.',
      referenceTypes: ['external'],
      typeValues: ['photo', 'thumbnail'],
    }),
    complex(
      'addresses',
      [
        attribute('formatted', 'string', { description: 'The full mailing address, formatted for display or use with a mailing label.' }),
        attribute('streetAddress', 'string', { description: 'The full street address component.' }),
        attribute('locality', 'string', { description: 'The city or locality component.' }),
        attribute('region', 'string', { description: 'The state or region component.' }),
        attribute('postalCode', 'string', { description: 'The zip code or postal code component.' }),
        attribute('country', 'string', { description: 'The country name component (ISO 3166-1 alpha-2, e.g. "US").' }),
        attribute('type', 'string', { description: 'A label indicating the attribute\'s function, e.g. "work" or "home".', canonicalValues: ['work', 'home', 'other'] }),
        attribute('primary', 'boolean', { description: 'A Boolean value indicating the preferred mailing address. \'true\' MUST appear no more than once.' }),
      ],
      { description: 'A physical mailing address for this User.', multiValued: true },
    ),
    complex(
      'groups',
      [
        attribute('value', 'string', { description: 'The identifier of the User\'s group.', mutability: 'readOnly', caseExact: true }),
        attribute('$ref', 'reference', { description: 'The URI of the corresponding \'Group\' resource.', mutability: 'readOnly', referenceTypes: ['User', 'Group'] }),
        attribute('display', 'string', { description: 'A human-readable name, primarily used for display purposes.', mutability: 'readOnly' }),
        attribute('type', 'string', {
          description: 'A label indicating the attribute\'s function, e.g. \'direct\' or \'indirect\'.',
          mutability: 'readOnly',
          canonicalValues: ['direct', 'indirect'],
        }),
      ],
      {
        description: 'A list of groups to which the user belongs, either through direct membership, through nested groups, or dynamically calculated.',
        multiValued: true,
        mutability: 'readOnly',
      },
    ),
    multiValuedComplex('entitlements', 'A list of entitlements for the User that represent a thing the User has.', {
      valueDescription: 'The value of an entitlement.',
    }),
    multiValuedComplex('roles', 'A list of roles for the User that collectively represent who the User is, e.g. \'Student\', \'Faculty\'.', {
      valueDescription: 'The value of a role.',
    }),
    multiValuedComplex('x509Certificates', 'A list of certificates issued to the User.', {
      valueType: 'binary',
      valueDescription: 'The value of an X.509 certificate (base64-encoded DER).',
      valueCaseExact: true,
    }),
  ]),
});
