import { describe, expect, it } from 'vitest';
import { createDefaultRegistry } from '../../core/schema/registry.js';
import type { ResourceService } from '../resources/resource-service.js';
import { BulkService } from './bulk-service.js';

const registry = createDefaultRegistry();

/** A ResourceService whose writes fail the way a broken database would: not with a SCIM error. */
const brokenResources = {
  schemasFor: async (_tenantId: string, type: 'User' | 'Group') => registry.forResourceType(type),
  resourceTypes: registry.types,
  create: async () => {
    throw new Error('connection terminated unexpectedly');
  },
  delete: async () => {
    throw new Error('connection terminated unexpectedly');
  },
} as unknown as ResourceService;

describe('BulkService', () => {
  it('turns an unexpected failure into that operation’s 500, reports it to the hook, and carries on', async () => {
    const reported: number[] = [];
    const service = new BulkService({ resources: brokenResources, maxOperations: 10 });
    const response = await service.execute(
      { tenantId: 'default', baseUrl: 'https://scim.example.com/scim/v2' },
      {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:BulkRequest'],
        Operations: [
          { method: 'POST', path: '/Users', bulkId: 'a', data: { userName: 'a' } },
          { method: 'DELETE', path: '/Users/42' },
        ],
      },
      { onUnexpectedError: (_error, operation) => reported.push(operation.index) },
    );
    expect(reported).toEqual([0, 1]);
    expect(response.Operations.map((result) => result.status)).toEqual(['500', '500']);
    expect(response.Operations[1]?.location).toBe('https://scim.example.com/scim/v2/Users/42');
    expect(JSON.stringify(response)).not.toContain('connection terminated');
  });
});
