/** Read one user by id, with its default representation (groups included). */
import { randomUserIndex, userId } from '../directory.js';
import { expectStatus, field, singleCallSource, type Scenario } from './scenario.js';

export const getUserScenario: Scenario = {
  id: 'get-user',
  title: 'GET /Users/{id}',
  operation: 'GET /Users/<random existing id>',
  async prepare({ plan }) {
    return {
      source: singleCallSource(() => ({ method: 'GET', path: `/Users/${userId(randomUserIndex(plan))}` })),
      check([read]) {
        return expectStatus(read, 200) ?? (typeof field(read!.body, 'id') === 'string' ? undefined : 'the response has no id');
      },
    };
  },
};
