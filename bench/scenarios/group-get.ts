/** Reading the big group without its members, as IdPs do before a membership push. */
import { expectStatus, field, singleCallSource, type Scenario } from './scenario.js';

export const groupGetScenario: Scenario = {
  id: 'group-get-big',
  title: 'GET big group, excludedAttributes=members',
  operation: 'GET /Groups/<big group>?excludedAttributes=members',
  async prepare({ plan }) {
    return {
      source: singleCallSource(() => ({ method: 'GET', path: `/Groups/${plan.bigGroupIds[0]!}?excludedAttributes=members` })),
      check([read]) {
        const problem = expectStatus(read, 200);
        if (problem !== undefined) return problem;
        if (field(read!.body, 'id') !== plan.bigGroupIds[0]!) return 'the response is not the big group';
        return field(read!.body, 'members') === undefined ? undefined : 'members were returned although excluded';
      },
    };
  },
};
