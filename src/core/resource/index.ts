export type { NormalizedResource, ResourceAttributes } from './resource-attributes.js';
export { normalizeResource } from './normalize.js';
export { assertImmutableUnchanged } from './immutable.js';
export { validateResource } from './validate.js';
export { RESOURCE_LIMITS } from './limits.js';
export { canonicalSchemas } from './schemas-list.js';
