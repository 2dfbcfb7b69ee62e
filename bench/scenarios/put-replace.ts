/** A full replace, as Entra ID and OneLogin send on attribute changes; every PUT changes displayName, so each one writes. */
import { randomUserIndex, userBody, userId } from '../directory.js';
import { expectStatus, field, singleCallSource, type Scenario } from './scenario.js';

export const putReplaceScenario: Scenario = {
  id: 'put-replace',
  title: 'PUT replace',
  operation: 'PUT /Users/<random id> with the whole user, displayName changed',
  async prepare({ plan }) {
    let revision = 0;
    return {
      source: singleCallSource(() => {
        const index = randomUserIndex(plan);
        const body = userBody(index);
        return { method: 'PUT', path: `/Users/${userId(index)}`, body: { ...body, displayName: `${String(body['displayName'])} r${++revision}` } };
      }),
      check([replaced]) {
        return expectStatus(replaced, 200) ?? (String(field(replaced!.body, 'displayName')).includes(' r') ? undefined : 'displayName was not replaced');
      },
    };
  },
};
