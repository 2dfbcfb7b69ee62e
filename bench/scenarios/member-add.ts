/**
 * Adding one member to a group, as IdPs push group membership: a PATCH add
 * of one user who is in no group yet (pre-created by the seed). Run on the
 * groups of 100 and on the big groups: the cost ratio between the two says
 * whether a member add grows with the group. Adds go round-robin over the
 * groups of each size, so that each one grows by a small fraction of its
 * size during the run; the growth is reported.
 */
import { PATCH_OP_URN, userId, type DirectoryPlan, type UserRange } from '../directory.js';
import { expectStatus, UserPool, type Scenario } from './scenario.js';

function memberAddScenario(id: string, title: string, groupsOf: (plan: DirectoryPlan) => { ids: readonly string[]; size: number; pool: UserRange }): Scenario {
  return {
    id,
    title,
    operation: 'PATCH /Groups/<group> {"op":"add","path":"members","value":[{"value":"<user in no group>"}]}',
    async prepare({ plan }) {
      const { ids, size, pool: range } = groupsOf(plan);
      const pool = new UserPool(range);
      let added = 0;
      return {
        source: {
          requestsPerOp: 1,
          remaining: () => pool.remaining(),
          next: () => [
            {
              method: 'PATCH',
              path: `/Groups/${ids[added++ % ids.length]!}`,
              body: { schemas: [PATCH_OP_URN], Operations: [{ op: 'add', path: 'members', value: [{ value: userId(pool.nextIndex()) }] }] },
            },
          ],
        },
        check([response]) {
          return expectStatus(response, 200, 204);
        },
        afterRun: () => `${ids.length} groups of ${size.toLocaleString('en-US')}, each grew by ≤ ${Math.ceil(added / ids.length).toLocaleString('en-US')} members during the run`,
      };
    },
  };
}

export const memberAddSmallScenario = memberAddScenario('member-add-small', 'Member add, group of 100', (plan) => ({
  ids: plan.smallGroupIds,
  size: plan.smallGroupSize,
  pool: plan.smallGroupAddPool,
}));

export const memberAddBigScenario = memberAddScenario('member-add-big', 'Member add, big group', (plan) => ({
  ids: plan.bigGroupIds,
  size: plan.bigGroupSize,
  pool: plan.bigGroupAddPool,
}));
