/**
 * Attribute and schema definitions (RFC 7643 §2, §7).
 *
 * These definitions are the single source of truth: validation, PATCH,
 * filtering, projection, sorting and the discovery endpoints (/Schemas,
 * /ResourceTypes) are all driven by them, so behaviour and advertised
 * schema cannot disagree.
 */

export type AttributeType = 'string' | 'boolean' | 'decimal' | 'integer' | 'dateTime' | 'reference' | 'complex' | 'binary';
export type Mutability = 'readOnly' | 'readWrite' | 'immutable' | 'writeOnly';
export type Returned = 'always' | 'never' | 'default' | 'request';
export type Uniqueness = 'none' | 'server' | 'global';

export interface AttributeDefinition {
  readonly name: string;
  readonly type: AttributeType;
  readonly multiValued: boolean;
  readonly description: string;
  readonly required: boolean;
  readonly caseExact: boolean;
  readonly mutability: Mutability;
  readonly returned: Returned;
  readonly uniqueness: Uniqueness;
  /** Suggested values (§2.3.1); advertised in /Schemas. */
  readonly canonicalValues?: readonly string[];
  /**
   * When true, a value outside canonicalValues is `400 invalidValue`.
   * RFC 7643 makes most canonical values suggestions ("MAY be used"), so this
   * is set only where the server cannot interpret any other value
   * (e.g. Group `members.type`, which must be "User" or "Group").
   */
  readonly canonicalValuesEnforced?: boolean;
  readonly referenceTypes?: readonly string[];
  readonly subAttributes?: readonly AttributeDefinition[];
}

export interface SchemaDefinition {
  /** The schema URN, e.g. urn:ietf:params:scim:schemas:core:2.0:User. */
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly attributes: readonly AttributeDefinition[];
}

export interface SchemaExtensionReference {
  readonly schema: string;
  readonly required: boolean;
}

/**
 * A registered resource type's name: "User", "Group", or one an embedding
 * app registers (resource-types.ts). Looking up an unregistered name is a
 * TypeError; an unknown endpoint from a client is a 404.
 */
export type ResourceTypeName = string;

export interface ResourceTypeDefinition {
  readonly id: ResourceTypeName;
  readonly name: ResourceTypeName;
  /** Relative endpoint, e.g. "/Users". */
  readonly endpoint: string;
  readonly description: string;
  /** The core schema URN. */
  readonly schema: string;
  readonly schemaExtensions: readonly SchemaExtensionReference[];
}

type AttributeOptions = Partial<Omit<AttributeDefinition, 'name' | 'type'>>;

/**
 * Builds an attribute with the RFC 7643 §2.2 defaults: not required,
 * singular, caseExact false, readWrite, returned by default, no uniqueness.
 */
export function attribute(name: string, type: AttributeType, options: AttributeOptions = {}): AttributeDefinition {
  const definition: AttributeDefinition = {
    name,
    type,
    multiValued: options.multiValued ?? false,
    description: options.description ?? '',
    required: options.required ?? false,
    caseExact: options.caseExact ?? false,
    mutability: options.mutability ?? 'readWrite',
    returned: options.returned ?? 'default',
    uniqueness: options.uniqueness ?? 'none',
    ...(options.canonicalValues ? { canonicalValues: options.canonicalValues } : {}),
    ...(options.canonicalValuesEnforced ? { canonicalValuesEnforced: true } : {}),
    ...(options.referenceTypes ? { referenceTypes: options.referenceTypes } : {}),
    ...(options.subAttributes ? { subAttributes: options.subAttributes } : {}),
  };
  return Object.freeze(definition);
}

export function complex(name: string, subAttributes: readonly AttributeDefinition[], options: AttributeOptions = {}): AttributeDefinition {
  return attribute(name, 'complex', { ...options, subAttributes });
}

/**
 * The sub-attributes shared by most multi-valued attributes (RFC 7643 §2.4):
 * value, display, type, primary.
 */
export function multiValuedComplex(
  name: string,
  description: string,
  options: {
    readonly valueType?: AttributeType;
    readonly valueDescription?: string;
    readonly typeValues?: readonly string[];
    readonly referenceTypes?: readonly string[];
    readonly mutability?: Mutability;
    readonly extraSubAttributes?: readonly AttributeDefinition[];
    readonly valueCaseExact?: boolean;
  } = {},
): AttributeDefinition {
  const mutability = options.mutability ?? 'readWrite';
  const valueType = options.valueType ?? 'string';
  const subAttributes = [
    attribute('value', valueType, {
      description: options.valueDescription ?? `The value of the ${name} entry.`,
      mutability,
      caseExact: options.valueCaseExact ?? false,
      ...(options.referenceTypes && valueType === 'reference' ? { referenceTypes: options.referenceTypes } : {}),
    }),
    attribute('display', 'string', {
      description: 'A human-readable name, primarily used for display purposes.',
      mutability: mutability === 'readOnly' ? 'readOnly' : 'readWrite',
    }),
    attribute('type', 'string', {
      description: 'A label indicating the attribute\'s function.',
      mutability,
      ...(options.typeValues ? { canonicalValues: options.typeValues } : {}),
    }),
    attribute('primary', 'boolean', {
      description: 'A Boolean value indicating the \'primary\' or preferred attribute value for this attribute. The primary attribute value \'true\' MUST appear no more than once.',
      mutability,
    }),
    ...(options.extraSubAttributes ?? []),
  ];
  return attribute(name, 'complex', { description, multiValued: true, mutability, subAttributes });
}
