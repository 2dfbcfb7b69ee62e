/**
 * GET /Users/{id} while large Bulk requests run: is a read held up behind a
 * 10,000-operation Bulk? The load is the get-user scenario's; meanwhile one
 * more client sends Bulks of 10,000 user creations one after another, for
 * the whole warm-up and measured run. Compare its p99 with get-user's: a
 * Bulk that never let other requests through would put its whole duration
 * (seconds) into the GETs' tail.
 */
import { randomUserIndex, userBody, userId } from '../directory.js';
import { sendCall } from '../http-call.js';
import { expectStatus, field, singleCallSource, type Scenario } from './scenario.js';

const BULK_URN = 'urn:ietf:params:scim:api:messages:2.0:BulkRequest';
export const OPERATIONS_PER_BACKGROUND_BULK = 10_000;

export const getDuringBulkScenario: Scenario = {
  id: 'get-during-bulk',
  title: `GET /Users/{id} during ${OPERATIONS_PER_BACKGROUND_BULK.toLocaleString('en')}-operation Bulks`,
  operation: `GET /Users/<random existing id>, while another client sends POST /Bulk of ${OPERATIONS_PER_BACKGROUND_BULK.toLocaleString('en')} user creations back to back`,
  unsupportedBy: (traits) => (traits.name === 'scimitar' ? undefined : 'measures how Scimitar shares its event loop with a Bulk'),
  async prepare({ plan, target, runTag }) {
    let running = false;
    let loop: Promise<void> | undefined;
    let bulks = 0;
    let failedBulks = 0;
    let created = 0;
    const nextBulk = () => ({
      method: 'POST' as const,
      path: '/Bulk',
      body: {
        schemas: [BULK_URN],
        Operations: Array.from({ length: OPERATIONS_PER_BACKGROUND_BULK }, () => {
          // Past the seeded users, the Okta loop's and bulk-create's.
          const index = 3 * plan.users + created++;
          return { method: 'POST', path: '/Users', bulkId: `s${index}`, data: userBody(index, `stall.${runTag}.${index}@example.com`) };
        }),
      },
    });
    return {
      source: singleCallSource(() => ({ method: 'GET', path: `/Users/${userId(randomUserIndex(plan))}` })),
      check([read]) {
        return expectStatus(read, 200) ?? (typeof field(read!.body, 'id') === 'string' ? undefined : 'the response has no id');
      },
      background: {
        start() {
          running = true;
          loop = (async () => {
            while (running) {
              const response = await sendCall(target, nextBulk());
              bulks += 1;
              if (response.status !== 200) failedBulks += 1;
            }
          })();
        },
        async stop() {
          running = false;
          await loop;
          return `${bulks} Bulk requests of ${OPERATIONS_PER_BACKGROUND_BULK.toLocaleString('en')} operations ran meanwhile${failedBulks > 0 ? ` (${failedBulks} not answered 200)` : ''}`;
        },
      },
    };
  },
};
