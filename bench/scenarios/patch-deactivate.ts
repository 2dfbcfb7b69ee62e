/**
 * Deactivation as Okta and Entra ID send it. Each operation targets a user
 * not deactivated before: PATCHing an already inactive user changes nothing
 * and would measure a no-op.
 */
import { PATCH_OP_URN, userId } from '../directory.js';
import { expectStatus, field, UserPool, type Scenario } from './scenario.js';

export const patchDeactivateScenario: Scenario = {
  id: 'patch-deactivate',
  title: 'PATCH deactivate',
  operation: 'PATCH /Users/<fresh id> {"op":"replace","value":{"active":false}}',
  async prepare({ plan }) {
    const pool = new UserPool(plan.deactivatePool);
    return {
      source: {
        requestsPerOp: 1,
        remaining: () => pool.remaining(),
        next: () => [
          {
            method: 'PATCH',
            path: `/Users/${userId(pool.nextIndex())}`,
            body: { schemas: [PATCH_OP_URN], Operations: [{ op: 'replace', value: { active: false } }] },
          },
        ],
      },
      check([patched]) {
        const problem = expectStatus(patched, 200, 204);
        if (problem !== undefined) return problem;
        return patched!.status === 204 || field(patched!.body, 'active') === false ? undefined : 'the user is still active';
      },
    };
  },
};
