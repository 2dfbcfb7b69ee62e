export { alwaysReturnedOnly, noProjection, parseProjection, type Projection } from './projection.js';
export { projectionIncludes, projectResource } from './project-resource.js';
