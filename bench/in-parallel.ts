/** Runs `work` over the items 0 … count-1 on `workers` concurrent loops, each taking the next item when done with one. */
export async function inParallel(count: number, workers: number, work: (item: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(workers, count) }, async () => {
      for (let item = next++; item < count; item = next++) await work(item);
    }),
  );
}
