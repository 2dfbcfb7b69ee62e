/**
 * Cursor paging (RFC 9865) while the directory changes: each operation
 * creates a user and updates a seeded one, then reads a cursor page, so the
 * pages are read while other connections write. At the start of a walk and
 * at its end a page should cost the same (the cursor names a row, not an
 * offset, whatever was written meanwhile); the cost ratio between the two
 * scenarios says so. The writes are the same in both, so they add the same
 * cost to every operation.
 *
 * The users created get random ids, so some land after the last page's
 * cursor: that page still holds 100 users, and may have a nextCursor.
 * Nothing is deleted: a DELETE needs the id of a created user, which the
 * load generator's prebuilt requests cannot carry, and the seeded users
 * belong to the later write scenarios.
 */
import { cursorBinding, encodeCursor } from '../../src/core/list/index.js';
import { PATCH_OP_URN, userBody, userId } from '../directory.js';
import type { HttpCall } from '../load.js';
import { idBeforeLastPage, PAGE_SIZE } from './cursor-page.js';
import { expectStatus, field, type Scenario } from './scenario.js';

function cursorPageDuringWritesScenario(id: string, title: string, at: 'start' | 'end'): Scenario {
  return {
    id,
    title,
    operation: `POST /Users, PATCH /Users/<seeded> (title), then GET /Users?cursor=${at === 'start' ? '' : '<token of the last page>'}&count=100`,
    unsupportedBy: (traits) => (traits.cursorPaging ? undefined : 'no RFC 9865 cursor paging'),
    async prepare({ plan, runTag }) {
      const token = at === 'start' ? '' : encodeCursor(cursorBinding('User', undefined, undefined, 'ascending'), { direction: 'after', sortValue: undefined, id: idBeforeLastPage(plan.users) });
      let operations = 0;
      return {
        source: {
          requestsPerOp: 3,
          remaining: () => Number.POSITIVE_INFINITY,
          next(): readonly HttpCall[] {
            const index = plan.users + operations;
            // The members of the big group: no later scenario reads or writes their title.
            // The title names the scenario and the run: a PATCH setting what is already set writes nothing.
            const seeded = userId(operations % plan.bigGroupSize);
            operations++;
            return [
              { method: 'POST', path: '/Users', body: userBody(index, `cursor-${at}.${runTag}.${index}@example.com`) },
              { method: 'PATCH', path: `/Users/${seeded}`, body: { schemas: [PATCH_OP_URN], Operations: [{ op: 'replace', path: 'title', value: `Walker ${at} ${runTag} ${operations}` }] } },
              { method: 'GET', path: `/Users?cursor=${token}&count=${PAGE_SIZE}&attributes=userName` },
            ];
          },
        },
        check([create, update, page]) {
          const problem = expectStatus(create, 201) ?? expectStatus(update, 200, 204) ?? expectStatus(page, 200);
          if (problem !== undefined) return problem;
          const resources = field(page!.body, 'Resources');
          const length = Array.isArray(resources) ? resources.length : 0;
          if (length !== PAGE_SIZE) return `the page holds ${length} resources, expected ${PAGE_SIZE}`;
          return undefined;
        },
        afterRun: () => `${operations.toLocaleString('en-US')} users created and ${operations.toLocaleString('en-US')} updated during the run (warm-up included)`,
      };
    },
  };
}

export const cursorStartDuringWritesScenario = cursorPageDuringWritesScenario('cursor-start-writes', 'Cursor page at the start, during writes', 'start');
export const cursorEndDuringWritesScenario = cursorPageDuringWritesScenario('cursor-end-writes', 'Cursor page at the end, during writes', 'end');
