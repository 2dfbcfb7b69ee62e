export { RESOURCE_TYPE_SCHEMA, SCHEMA_SCHEMA, SERVICE_PROVIDER_CONFIG_SCHEMA } from './discovery-urns.js';
export { resourceTypeResource, resourceTypeResources } from './resource-type-resources.js';
export { attributeRepresentation, schemaResource, schemaResources } from './schema-resources.js';
export { serviceProviderConfig, type PaginationSettings, type ServiceProviderSettings } from './service-provider-config.js';
