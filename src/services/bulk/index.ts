export { BulkService, type BulkExecutionHooks, type BulkServiceDependencies } from './bulk-service.js';
