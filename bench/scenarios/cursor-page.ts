/**
 * Cursor paging (RFC 9865): the first page, and the last page of the
 * directory reached through a cursor. A cursor names a row, not an offset,
 * so the two should cost the same; the cost ratio between them says so.
 *
 * The cursor for the last page is the token a client would hold after
 * walking the whole directory. It is built with the server's own encoder
 * (src/core/list/cursor.ts) from the id of the row before the last 100,
 * rather than by walking 10,000 pages first.
 */
import { cursorBinding, encodeCursor } from '../../src/core/list/index.js';
import { userId } from '../directory.js';
import { expectStatus, field, singleCallSource, type Scenario } from './scenario.js';

export const PAGE_SIZE = 100;

/** The id after which the last PAGE_SIZE users come, in the store's order (by id, byte order). */
export function idBeforeLastPage(users: number): string {
  const ids: string[] = new Array<string>(users);
  for (let index = 0; index < users; index++) ids[index] = userId(index);
  ids.sort();
  return ids[users - PAGE_SIZE - 1]!;
}

function cursorPageScenario(id: string, title: string, at: 'start' | 'end'): Scenario {
  return {
    id,
    title,
    operation: at === 'start' ? 'GET /Users?cursor=&count=100' : 'GET /Users?cursor=<token of the last page>&count=100',
    unsupportedBy: (traits) => (traits.cursorPaging ? undefined : 'no RFC 9865 cursor paging'),
    async prepare({ plan }) {
      // The list scenarios run before any scenario that creates users, so the seed is the whole directory.
      const token = at === 'start' ? '' : encodeCursor(cursorBinding('User', undefined, undefined, 'ascending'), { direction: 'after', sortValue: undefined, id: idBeforeLastPage(plan.users) });
      return {
        source: singleCallSource(() => ({ method: 'GET', path: `/Users?cursor=${token}&count=${PAGE_SIZE}` })),
        check([page]) {
          const problem = expectStatus(page, 200);
          if (problem !== undefined) return problem;
          const resources = field(page!.body, 'Resources');
          const length = Array.isArray(resources) ? resources.length : 0;
          if (length !== PAGE_SIZE) return `the page holds ${length} resources, expected ${PAGE_SIZE}`;
          if (at === 'end' && field(page!.body, 'nextCursor') !== undefined) return 'the last page has a nextCursor';
          return undefined;
        },
      };
    },
  };
}

export const cursorStartScenario = cursorPageScenario('cursor-start', 'Cursor page at the start', 'start');
export const cursorEndScenario = cursorPageScenario('cursor-end', 'Cursor page at the end', 'end');
