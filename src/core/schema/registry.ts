import { readAttributePath } from '../filter/parser.js';
import type { AttributeDefinition, ResourceTypeName, SchemaDefinition } from './attribute.js';
import { commonAttributes } from './common.js';
import { enterpriseUserSchema } from './enterprise-user.js';
import { groupSchema } from './group.js';
import { BUILT_IN_RESOURCE_TYPES, ResourceTypes, type CustomResourceType, type ResourceTypeFacts } from './resource-types.js';
import { userSchema } from './user.js';
import type { UndeclaredExtensionPolicy } from '../resource/undeclared-extensions.js';

/**
 * An attribute reference as written by a client: `[urn:…:]name[.subAttribute]`.
 * Text is read into one only by the filter grammar's attribute-path
 * production (src/core/filter/parser.ts), whose AttributePathNode is one.
 */
export interface AttributeReference {
  /** Schema URN prefix, if the client wrote one (any case). */
  readonly schema?: string | undefined;
  readonly name: string;
  readonly subAttribute?: string | undefined;
}

/** An attribute reference resolved against a resource type's schemas. */
export interface ResolvedAttribute {
  /** The owning schema URN; '' for the common attributes (id, externalId, meta). */
  readonly schemaId: string;
  /** True when the attribute lives in an extension schema (stored under its URN key). */
  readonly isExtension: boolean;
  /** The top-level attribute. */
  readonly attribute: AttributeDefinition;
  /** The sub-attribute, when the reference names one. */
  readonly subAttribute: AttributeDefinition | undefined;
  /** The attribute the reference finally designates: subAttribute ?? attribute. */
  readonly leaf: AttributeDefinition;
  /**
   * Keys from the resource root to the leaf, in canonical case:
   * ['name', 'givenName'] or ['urn:…:enterprise:2.0:User', 'manager', 'value'].
   * For a sub-attribute of a multi-valued attribute the path crosses an array.
   */
  readonly jsonPath: readonly string[];
  /** Canonical text form: 'name.givenName', 'urn:…:User:manager.value'. */
  readonly canonicalPath: string;
}

function findByName(attributes: readonly AttributeDefinition[] | undefined, name: string): AttributeDefinition | undefined {
  if (!attributes) return undefined;
  const wanted = name.toLowerCase();
  return attributes.find((candidate) => candidate.name.toLowerCase() === wanted);
}

/** The schemas of one resource type (core schema + extensions), with attribute resolution. */
export class ResourceSchemas {
  readonly resourceType: ResourceTypeFacts;
  readonly coreSchema: SchemaDefinition;
  readonly extensions: readonly SchemaDefinition[];
  readonly requiredExtensions: ReadonlySet<string>;
  /** What a body's extension namespace that no schema here defines becomes (src/core/resource/undeclared-extensions.ts). */
  readonly undeclaredExtensions: UndeclaredExtensionPolicy;
  private readonly schemasByLowerId: ReadonlyMap<string, SchemaDefinition>;

  constructor(
    resourceType: ResourceTypeFacts,
    coreSchema: SchemaDefinition,
    extensions: readonly SchemaDefinition[],
    undeclaredExtensions: UndeclaredExtensionPolicy = 'reject',
  ) {
    this.resourceType = resourceType;
    this.coreSchema = coreSchema;
    this.extensions = extensions;
    this.undeclaredExtensions = undeclaredExtensions;
    this.requiredExtensions = new Set(resourceType.schemaExtensions.filter((ext) => ext.required).map((ext) => ext.schema));
    this.schemasByLowerId = new Map([coreSchema, ...extensions].map((schema) => [schema.id.toLowerCase(), schema]));
  }

  /** The schema (core or extension) with this URN, compared case-insensitively. */
  schema(urn: string): SchemaDefinition | undefined {
    return this.schemasByLowerId.get(urn.toLowerCase());
  }

  /** The extension schema with this URN, compared case-insensitively. */
  extension(urn: string): SchemaDefinition | undefined {
    const schema = this.schema(urn);
    return schema && schema !== this.coreSchema ? schema : undefined;
  }

  /**
   * Resolves a client's attribute reference, case-insensitively.
   * Returns undefined when no such attribute exists; callers turn that into
   * the error their context calls for (invalidFilter, invalidPath, …).
   */
  resolve(reference: AttributeReference): ResolvedAttribute | undefined {
    let schema: SchemaDefinition | undefined;
    let top: AttributeDefinition | undefined;
    if (reference.schema !== undefined) {
      schema = this.schema(reference.schema);
      if (!schema) return undefined;
      top = findByName(schema.attributes, reference.name);
      // `urn:…:core:2.0:User:id` is legal: common attributes may be qualified by the core URN.
      if (!top && schema === this.coreSchema) top = findByName(commonAttributes, reference.name);
    } else {
      top = findByName(commonAttributes, reference.name);
      if (top) schema = undefined;
      else {
        schema = this.coreSchema;
        top = findByName(schema.attributes, reference.name);
      }
    }
    if (!top) return undefined;
    const isCommon = commonAttributes.includes(top);
    const isExtension = schema !== undefined && schema !== this.coreSchema;
    let sub: AttributeDefinition | undefined;
    if (reference.subAttribute !== undefined) {
      sub = findByName(top.subAttributes, reference.subAttribute);
      if (!sub) return undefined;
    }
    const schemaId = isCommon ? '' : (schema?.id ?? '');
    const names = sub ? [top.name, sub.name] : [top.name];
    const jsonPath = isExtension ? [schemaId, ...names] : names;
    const canonicalPath = isExtension ? `${schemaId}:${names.join('.')}` : names.join('.');
    return { schemaId, isExtension, attribute: top, subAttribute: sub, leaf: sub ?? top, jsonPath, canonicalPath };
  }

  /**
   * Resolves a path written as text, such as `name.givenName` or
   * `urn:…:User:manager.value`, read by the filter grammar. Text that is no
   * attribute path (a key of a resource body may be anything) resolves to
   * nothing, as a path naming no attribute does.
   */
  resolvePath(pathText: string): ResolvedAttribute | undefined {
    const path = readAttributePath(pathText);
    return path === undefined ? undefined : this.resolve(path);
  }

  /** Top-level attributes of the core schema followed by the common attributes. */
  coreAttributes(): readonly AttributeDefinition[] {
    return [...commonAttributes, ...this.coreSchema.attributes];
  }
}

/** All schemas and resource types a server serves (app/schema-registry.ts builds it); requests reach theirs through a SchemaResolver. */
export class SchemaRegistry {
  readonly schemas: readonly SchemaDefinition[];
  readonly resourceTypes: readonly ResourceTypeFacts[];
  /** The per-type facts (resource-types.ts) of the types this registry serves. */
  readonly types: ResourceTypes;
  private readonly byResourceType: ReadonlyMap<ResourceTypeName, ResourceSchemas>;
  private readonly schemasByLowerId: ReadonlyMap<string, SchemaDefinition>;

  /**
   * `undeclaredExtensions` is the tenant's choice for extension namespaces
   * none of these schemas defines; an app's own registry rejects them, as
   * before tenants could keep them.
   */
  constructor(schemas: readonly SchemaDefinition[], resourceTypes: readonly ResourceTypeFacts[], undeclaredExtensions: UndeclaredExtensionPolicy = 'reject') {
    this.schemas = schemas;
    this.resourceTypes = resourceTypes;
    this.types = new ResourceTypes(resourceTypes);
    this.schemasByLowerId = new Map(schemas.map((schema) => [schema.id.toLowerCase(), schema]));
    const byResourceType = new Map<ResourceTypeName, ResourceSchemas>();
    for (const resourceType of resourceTypes) {
      const core = this.schemasByLowerId.get(resourceType.schema.toLowerCase());
      if (!core) throw new TypeError(`Resource type ${resourceType.name} names unknown schema ${resourceType.schema}`);
      const extensions = resourceType.schemaExtensions.map((ext) => {
        const schema = this.schemasByLowerId.get(ext.schema.toLowerCase());
        if (!schema) throw new TypeError(`Resource type ${resourceType.name} names unknown extension ${ext.schema}`);
        return schema;
      });
      byResourceType.set(resourceType.name, new ResourceSchemas(resourceType, core, extensions, undeclaredExtensions));
    }
    this.byResourceType = byResourceType;
  }

  forResourceType(name: ResourceTypeName): ResourceSchemas {
    const schemas = this.byResourceType.get(name);
    if (!schemas) throw new TypeError(`Unknown resource type ${name}`);
    return schemas;
  }

  schema(urn: string): SchemaDefinition | undefined {
    return this.schemasByLowerId.get(urn.toLowerCase());
  }

  resourceType(name: string): ResourceTypeFacts | undefined {
    const wanted = name.toLowerCase();
    return this.resourceTypes.find((candidate) => candidate.name.toLowerCase() === wanted);
  }
}

/** An extension schema an embedding app adds to one resource type (RFC 7643 §3.3). */
export interface SchemaExtensionDefinition {
  readonly resourceType: ResourceTypeName;
  readonly schema: SchemaDefinition;
  /** Whether every resource of the type must carry it (default false). */
  readonly required?: boolean;
}

/**
 * The registry with the RFC 7643 schemas: core User (+ Enterprise User
 * extension) and Group, then the further resource types passed in
 * `customResourceTypes` (defineResourceType). Custom extensions are appended
 * by passing their schema definitions; they attach to the resource type
 * they name.
 */
export function createDefaultRegistry(
  customExtensions: readonly SchemaExtensionDefinition[] = [],
  customResourceTypes: readonly CustomResourceType[] = [],
): SchemaRegistry {
  const types = [...BUILT_IN_RESOURCE_TYPES, ...customResourceTypes.map((custom) => custom.facts)];
  const withExtensions = types.map((type) => ({
    ...type,
    schemaExtensions: [
      ...type.schemaExtensions,
      ...customExtensions.filter((ext) => ext.resourceType === type.name).map((ext) => ({ schema: ext.schema.id, required: ext.required ?? false })),
    ],
  }));
  return new SchemaRegistry(
    [userSchema, groupSchema, enterpriseUserSchema, ...customResourceTypes.map((custom) => custom.schema), ...customExtensions.map((ext) => ext.schema)],
    withExtensions,
  );
}
