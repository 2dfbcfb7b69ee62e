/**
 * Bulk (RFC 7644 §3.7): one request creating 100 users, as an IdP's initial
 * import or a migration script sends them. One operation is the whole Bulk
 * request; users/s is 100 × ops/s.
 */
import { userBody } from '../directory.js';
import { expectStatus, field, singleCallSource, type Scenario } from './scenario.js';

const BULK_URN = 'urn:ietf:params:scim:api:messages:2.0:BulkRequest';
export const USERS_PER_BULK = 100;

export const bulkCreateScenario: Scenario = {
  id: 'bulk-create',
  title: `Bulk create of ${USERS_PER_BULK} users`,
  operation: `POST /Bulk with ${USERS_PER_BULK} POST /Users operations (no password)`,
  async prepare({ plan, runTag }) {
    let created = 0;
    return {
      source: singleCallSource(() => {
        const Operations = Array.from({ length: USERS_PER_BULK }, () => {
          // Past the seeded users and past the Okta loop's (which counts up from plan.users).
          const index = 2 * plan.users + created++;
          return { method: 'POST', path: '/Users', bulkId: `u${index}`, data: userBody(index, `bulk.${runTag}.${index}@example.com`) };
        });
        return { method: 'POST', path: '/Bulk', body: { schemas: [BULK_URN], Operations } };
      }),
      check([bulk]) {
        const problem = expectStatus(bulk, 200);
        if (problem !== undefined) return problem;
        const operations = field(bulk!.body, 'Operations');
        if (!Array.isArray(operations) || operations.length !== USERS_PER_BULK) return `the response lists ${Array.isArray(operations) ? operations.length : 0} operations`;
        const failed = operations.filter((operation) => String(field(operation, 'status')) !== '201');
        return failed.length === 0 ? undefined : `${failed.length} operations did not answer 201 (first: ${JSON.stringify(failed[0])})`;
      },
    };
  },
};
