/**
 * Hands items 0 … count − 1 to `workers` (threads, or readers in process), each taking the next
 * item as soon as it is free, so a slow item holds up one worker, not the others. Before each item
 * `more()` may say stop (a job out of time). Resolves, once every item taken is done, with how many
 * were taken: always the first ones, in order, so results kept by index stay in order.
 */
export async function handOut<W>(workers: readonly W[], count: number, work: (worker: W, index: number) => Promise<void>, more: () => boolean = () => true): Promise<number> {
  let next = 0;
  await Promise.all(
    workers.map(async (worker) => {
      while (next < count && more()) await work(worker, next++);
    }),
  );
  return next;
}
