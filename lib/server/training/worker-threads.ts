import { Worker } from "node:worker_threads";

/** A started worker thread and its replies, one at a time. */
export interface RunningThread<Reply> {
  worker: Worker;
  replies: () => Promise<Reply>;
}

/**
 * Runs `use` with `count` (at least one) worker threads of `entry`, each started with
 * `workerData` and ready (its first reply is `{ type: "ready" }`); every thread ends with `use`,
 * however it ends. `what` names a thread in errors ("a feature thread").
 */
export async function withWorkerThreads<Reply extends { type: string }, T>(entry: string, thread: { workerData: unknown; name: string; what: string }, count: number, use: (threads: ReadonlyArray<RunningThread<Reply>>) => Promise<T>): Promise<T> {
  const workers: Worker[] = [];
  try {
    const threads = await Promise.all(
      Array.from({ length: Math.max(1, count) }, async () => {
        const worker = new Worker(entry, { workerData: thread.workerData, execArgv: [], name: thread.name });
        workers.push(worker);
        const replies = replyQueue<Reply>(worker, thread.what);
        if ((await replies()).type !== "ready") throw new Error(`${thread.what} did not start`);
        return { worker, replies };
      }),
    );
    return await use(threads);
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

/** A worker thread's replies one at a time; an error or exit (`what` stopped) rejects the one awaited. */
function replyQueue<Reply>(worker: Worker, what: string): () => Promise<Reply> {
  const waiting: Array<{ resolve: (r: Reply) => void; reject: (e: Error) => void }> = [];
  const arrived: Reply[] = [];
  let failure: Error | undefined;
  const fail = (error: Error) => {
    failure = error;
    for (const w of waiting.splice(0)) w.reject(error);
  };
  worker.on("message", (reply: Reply) => (waiting.length > 0 ? waiting.shift()!.resolve(reply) : arrived.push(reply)));
  worker.on("error", (error) => fail(error));
  worker.on("exit", (code) => fail(new Error(`${what} stopped (exit code ${code})`)));
  return () =>
    arrived.length > 0 ? Promise.resolve(arrived.shift()!) : failure ? Promise.reject(failure) : new Promise((resolve, reject) => waiting.push({ resolve, reject }));
}
