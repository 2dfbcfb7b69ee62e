/**
 * Index paging (RFC 7644 §3.4.2.4): a page of 100 at the start of the
 * directory and one at its end. The cost ratio between the two says whether
 * a page's cost grows with its offset.
 */
import { SEARCH_REQUEST_URN } from '../directory.js';
import type { HttpCall } from '../load.js';
import { expectStatus, field, singleCallSource, type Scenario, type TargetTraits } from './scenario.js';

const PAGE_SIZE = 100;

function pageCall(traits: TargetTraits, startIndex: number, count: number, token: string | undefined): HttpCall {
  return traits.paging === 'query'
    ? { method: 'GET', path: `/Users?startIndex=${startIndex}&count=${count}`, token }
    : { method: 'POST', path: '/Users/.search', body: { schemas: [SEARCH_REQUEST_URN], startIndex, count }, token };
}

function listPageScenario(id: string, title: string, at: 'start' | 'end'): Scenario {
  return {
    id,
    title,
    operation: at === 'start' ? 'GET /Users?startIndex=1&count=100' : 'GET /Users?startIndex=<N-100>&count=100',
    // The start of a directory is a page of any tenant; the end is the large directory's.
    ...(at === 'start' ? { perTenant: true } : {}),
    async prepare(context) {
      // The seeded size is the directory's size here: list scenarios run before any scenario that
      // creates users (scenarios/index.ts). Asking the server would cost a whole listing on scimmy.
      const startIndex = at === 'start' ? 1 : Math.max(1, context.plan.users - PAGE_SIZE);
      return {
        source: singleCallSource(() => pageCall(context.traits, startIndex, PAGE_SIZE, context.tenants.pick().token)),
        check([page]) {
          const problem = expectStatus(page, 200);
          if (problem !== undefined) return problem;
          const resources = field(page!.body, 'Resources');
          const length = Array.isArray(resources) ? resources.length : 0;
          // A small tenant may hold fewer users than a page.
          const expected = Math.min(PAGE_SIZE, context.tenants.pick().users);
          return length === expected ? undefined : `the page holds ${length} resources, expected ${expected}`;
        },
        ...(context.traits.paging === 'search' ? { note: `POST /Users/.search {"startIndex":${startIndex},"count":100}: scimmy-routers ignores startIndex/count in a GET query` } : {}),
      };
    },
  };
}

export const listStartScenario = listPageScenario('list-start', 'List page at the start', 'start');
export const listEndScenario = listPageScenario('list-end', 'List page at the end', 'end');
