/**
 * Deactivation as Okta and Entra ID send it. Each operation targets a user
 * not deactivated before: PATCHing an already inactive user changes nothing
 * and would measure a no-op.
 */
import { PATCH_OP_URN } from '../directory.js';
import { expectStatus, field, type Scenario } from './scenario.js';

export const patchDeactivateScenario: Scenario = {
  id: 'patch-deactivate',
  title: 'PATCH deactivate',
  operation: 'PATCH /Users/<fresh id> {"op":"replace","value":{"active":false}}',
  perTenant: true,
  async prepare({ tenants }) {
    return {
      source: {
        requestsPerOp: 1,
        remaining: () => tenants.freshUsersLeft(),
        next: () => {
          const tenant = tenants.pick();
          return [
            {
              method: 'PATCH',
              path: `/Users/${tenant.userId(tenant.nextFreshUser())}`,
              body: { schemas: [PATCH_OP_URN], Operations: [{ op: 'replace', value: { active: false } }] },
              token: tenant.token,
            },
          ];
        },
      },
      check([patched]) {
        const problem = expectStatus(patched, 200, 204);
        if (problem !== undefined) return problem;
        return patched!.status === 204 || field(patched!.body, 'active') === false ? undefined : 'the user is still active';
      },
    };
  },
};
