import { describe, expect, it } from 'vitest';
import { PeriodicTask } from './periodic-task.js';

/** A run the test finishes by hand. */
function gate() {
  let open!: (count: number) => void;
  const promise = new Promise<number>((resolve) => (open = resolve));
  return { promise, open };
}

describe('a periodic housekeeping task', () => {
  it('never starts a run while the previous one is under way', async () => {
    const first = gate();
    const started: number[] = [];
    let calls = 0;
    const task = new PeriodicTask(() => {
      calls += 1;
      started.push(calls);
      return calls === 1 ? first.promise : Promise.resolve(7);
    }, () => {});
    const one = task.runOnce();
    const two = task.runOnce();
    await Promise.resolve();
    expect(started).toEqual([1]);
    first.open(3);
    expect(await one).toBe(3);
    expect(await two).toBe(7);
    expect(started).toEqual([1, 2]);
  });

  it('logs a failed run, counts it as nothing removed, and runs again next time', async () => {
    const failures: unknown[] = [];
    let calls = 0;
    const task = new PeriodicTask(() => (++calls === 1 ? Promise.reject(new Error('disk full')) : Promise.resolve(2)), (error) => failures.push(error));
    expect(await task.runOnce()).toBe(0);
    expect(failures).toEqual([new Error('disk full')]);
    expect(await task.runOnce()).toBe(2);
  });

  it('runs once at start, and stop waits for the run under way', async () => {
    const run = gate();
    let calls = 0;
    let finished = false;
    const task = new PeriodicTask(() => {
      calls += 1;
      return run.promise.then((count) => ((finished = true), count));
    }, () => {});
    task.start();
    task.start();
    await Promise.resolve();
    expect(calls).toBe(1);
    const stopped = task.stop().then(() => finished);
    run.open(1);
    expect(await stopped).toBe(true);
  });
});
