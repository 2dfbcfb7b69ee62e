/**
 * A cursor walk over 10,000 users while other users are created and
 * deleted between page requests: keyset paging returns every user that
 * existed throughout the walk exactly once, whatever changed around the
 * cursor (with OFFSET paging, a delete before the offset skips a row and a
 * create before it repeats one). What a page costs at the start and at the
 * end of a walk during writes is measured by the bench (`cursor-start-writes`
 * and `cursor-end-writes`, docs/benchmarks.md), not asserted here: the
 * tests share the machine, and their timings are no evidence.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build, type TestServer } from '../helpers/build.js';
import { json } from '../http/support.js';
import { getPage, ids, seedUsers, USER_SCHEMA } from './support.js';

const USER_COUNT = 10_000;
const SEEDED = Array.from({ length: USER_COUNT }, (_, index) => `w${String(index).padStart(5, '0')}`);
const SEEDED_SET = new Set(SEEDED);

/** A small deterministic generator (LCG), so a failing interleaving can be replayed. */
function randomSource(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

interface WalkOutcome {
  readonly seen: readonly string[];
  readonly deleted: ReadonlySet<string>;
  readonly created: ReadonlySet<string>;
}

describe('a cursor walk over 10,000 users with concurrent creates and deletes', () => {
  let server: TestServer;
  const alive = new Set(SEEDED);
  /** Every user created over HTTP by any walk of this suite. */
  const createdByWalks = new Set<string>();
  beforeAll(async () => {
    server = await build();
    // userNames in an order unrelated to ids, so the sorted walk crosses the id order.
    await seedUsers(server, SEEDED, (id) => `n${String((Number(id.slice(1)) * 7919) % USER_COUNT).padStart(5, '0')}`);
  }, 180_000);
  afterAll(async () => {
    await server.close();
  });

  /** Walks with `query`; before each page creates three users and deletes three (seeded or created) at random. */
  async function walk(query: string, seed: number): Promise<WalkOutcome> {
    const random = randomSource(seed);
    const seen: string[] = [];
    const deleted = new Set<string>();
    const created = new Set<string>();
    let url = `/scim/v2/Users?${query}&cursor=`;
    for (let pages = 0; ; pages += 1) {
      expect(pages, 'the walk ends').toBeLessThan(1000);
      const page = await getPage(server, url);
      seen.push(...ids(page));
      if (page['nextCursor'] === undefined) break;
      url = `/scim/v2/Users?${query}&cursor=${page['nextCursor']}`;
      for (let change = 0; change < 3; change += 1) {
        const response = await server.request({
          method: 'POST',
          url: '/scim/v2/Users',
          body: { schemas: [USER_SCHEMA], userName: `c${seed}-${pages}-${change}-${random().toString(36).slice(2, 8)}` },
        });
        expect(response.statusCode).toBe(201);
        created.add(json(response)['id'] as string);
        createdByWalks.add(json(response)['id'] as string);
        const candidates = [...alive];
        const victim = candidates[Math.floor(random() * candidates.length)]!;
        expect((await server.request({ method: 'DELETE', url: `/scim/v2/Users/${victim}` })).statusCode).toBe(204);
        alive.delete(victim);
        deleted.add(victim);
      }
    }
    return { seen, deleted, created };
  }

  function expectExactlyOnce(outcome: WalkOutcome, existedThroughout: readonly string[]): void {
    const counts = new Map<string, number>();
    for (const id of outcome.seen) counts.set(id, (counts.get(id) ?? 0) + 1);
    const duplicates = [...counts].filter(([, count]) => count > 1).map(([id]) => id);
    expect(duplicates, 'returned more than once').toEqual([]);
    const skipped = existedThroughout.filter((id) => !counts.has(id));
    expect(skipped, 'existed throughout the walk but never returned').toEqual([]);
    // Nothing else: only users created by the walks may come on top.
    const strangers = [...counts.keys()].filter((id) => !SEEDED_SET.has(id) && !createdByWalks.has(id));
    expect(strangers).toEqual([]);
  }

  it('by id (no sortBy), 250 per page: each user that existed throughout exactly once', async () => {
    const before = new Set(alive);
    const outcome = await walk('count=250', 1);
    expect(outcome.deleted.size).toBeGreaterThan(100);
    expectExactlyOnce(outcome, [...before].filter((id) => !outcome.deleted.has(id)));
  }, 180_000);

  it('sorted by userName descending, 400 per page: each user that existed throughout exactly once', async () => {
    const before = new Set(alive);
    const outcome = await walk('sortBy=userName&sortOrder=descending&count=400', 2);
    expectExactlyOnce(outcome, [...before].filter((id) => !outcome.deleted.has(id)));
    const seenSeeded = outcome.seen.filter((id) => SEEDED_SET.has(id));
    expect(seenSeeded.length).toBeGreaterThan(USER_COUNT - 200);
  }, 180_000);
});
