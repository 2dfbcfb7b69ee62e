/** The ceiling's one operation: GET of a constant JSON object from a bare Fastify route, built like every other request. */
import type { OperationSource } from '../load.js';
import { singleCallSource } from './scenario.js';

export const CEILING_PATH = '/hello';

export function ceilingSource(): OperationSource {
  return singleCallSource(() => ({ method: 'GET', path: CEILING_PATH }));
}
