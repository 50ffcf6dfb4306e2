import path from "node:path";
import { fileURLToPath } from "node:url";
import type { ArtifactFiles } from "@/lib/contracts/artifact";
import type { PhotoReader, PhotoReading } from "./judge-training";
import type { TrainingImage } from "./training-data";
import { withWorkerThreads } from "./worker-threads";

export type JudgeRequest = { id: number; bytes: Uint8Array; image: Pick<TrainingImage, "boxes">; photoSeed: number; minFaceScore: number };
export type JudgeReply = { type: "ready" } | { type: "read"; id: number; reading: PhotoReading } | { type: "failed"; id: number; message: string };

const ENTRY = path.join(path.dirname(fileURLToPath(import.meta.url)), "judge-thread.mjs");

/**
 * Runs `use` with one photo reader per judge thread: `threads` worker threads, each its own wasm
 * engine on its own core, holding the trained detector (its artifact `files`, without a judge).
 * A reader hands its thread one photo at a time. The threads start before `use` (in parallel)
 * and end with it.
 */
export async function withJudgeThreads<T>(files: ArtifactFiles, threads: number, use: (readers: readonly PhotoReader[]) => Promise<T>): Promise<T> {
  const thread = { workerData: { files }, name: "masklab-judge", what: "a judge thread" };
  return withWorkerThreads<JudgeReply, T>(ENTRY, thread, threads, (running) =>
    use(
      running.map(({ worker, replies }): PhotoReader => {
        let id = 0;
        return async (bytes, image, photoSeed, minFaceScore) => {
          const asked = id++;
          worker.postMessage({ id: asked, bytes, image: { boxes: image.boxes }, photoSeed, minFaceScore } satisfies JudgeRequest, [bytes.buffer as ArrayBuffer]);
          const answer = await replies();
          if (answer.type === "failed") throw new Error(answer.message);
          if (answer.type !== "read" || answer.id !== asked) throw new Error("a judge thread answered out of turn");
          return answer.reading;
        };
      }),
    ),
  );
}
