/** Read one user by id, with its default representation (groups included). */
import { expectStatus, field, singleCallSource, type Scenario } from './scenario.js';

export const getUserScenario: Scenario = {
  id: 'get-user',
  title: 'GET /Users/{id}',
  operation: 'GET /Users/<random existing id>',
  perTenant: true,
  async prepare({ tenants }) {
    return {
      source: singleCallSource(() => {
        const tenant = tenants.pick();
        return { method: 'GET', path: `/Users/${tenant.userId(tenant.randomUserIndex())}`, token: tenant.token };
      }),
      check([read]) {
        return expectStatus(read, 200) ?? (typeof field(read!.body, 'id') === 'string' ? undefined : 'the response has no id');
      },
    };
  },
};
