import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Letterbox } from "@/lib/detection/common/letterbox";
import type { BlobStore } from "../platform/storage";
import { truthsInInput, type CachedSample } from "./feature-cache";
import type { TrainingImage } from "./training-data";
import { handOut } from "./hand-out";
import { withWorkerThreads } from "./worker-threads";

export type FeatureRequest = { id: number; bytes: Uint8Array; flip: boolean };
export type FeatureReply = { type: "ready" } | { type: "cached"; id: number; letterbox: Letterbox; features: Uint8Array[] } | { type: "failed"; id: number; message: string };

/**
 * How many threads compute backbone features: TRAINING_THREADS, else every core the process may
 * use. (TF.js's multi-threaded wasm build does not run its thread pool in Node, so each thread
 * is its own single-core engine.)
 */
export function trainingThreads(env: Record<string, string | undefined> = process.env): number {
  const asked = Number(env.TRAINING_THREADS);
  return Number.isInteger(asked) && asked >= 1 ? asked : os.availableParallelism();
}

const ENTRY = path.join(path.dirname(fileURLToPath(import.meta.url)), "feature-thread.mjs");

/**
 * Backbone features of images (each as is or mirrored) on `threads` worker threads, each its own
 * wasm engine on its own core; the main thread reads the files and hands them out one at a time
 * to whichever thread is free. Results come back in request order and are byte for byte what
 * in-process caching gives (one shared computation, deterministic kernels), so a seed's run does
 * not depend on the thread count. The threads end with the call.
 */
export async function cacheFeaturesInThreads(store: BlobStore, requests: ReadonlyArray<{ image: TrainingImage; flip: boolean }>, inputSize: number, threads: number, progress: (done: number) => Promise<void> = async () => {}): Promise<CachedSample[]> {
  const results: CachedSample[] = new Array(requests.length);
  let done = 0;
  const thread = { workerData: { inputSize }, name: "masklab-features", what: "a feature thread" };
  await withWorkerThreads<FeatureReply, unknown>(ENTRY, thread, Math.min(threads, requests.length), (running) =>
    handOut(running, requests.length, async ({ worker, replies }, id) => {
      const { image, flip } = requests[id]!;
      const bytes = new Uint8Array(await store.get(image.contentHash));
      worker.postMessage({ id, bytes, flip } satisfies FeatureRequest, [bytes.buffer]);
      const answer = await replies();
      if (answer.type === "failed") throw new Error(`features of ${image.fileName}: ${answer.message}`);
      if (answer.type !== "cached" || answer.id !== id) throw new Error("a feature thread answered out of turn");
      results[id] = { image, letterbox: answer.letterbox, truths: truthsInInput(image, answer.letterbox, flip), features: answer.features };
      await progress(++done);
    }),
  );
  return results;
}
