import path from "node:path";
import { fileURLToPath } from "node:url";
import type * as tf from "@tensorflow/tfjs";
import type { ArtifactFiles, ModelMetadata } from "@/lib/contracts/artifact";
import { modelToFiles } from "@/lib/detection/artifact";
import type { Detection } from "@/lib/detection/common/nms";
import { DETECTOR_FAMILIES } from "@/lib/detection/families";
import { familyOfArchitecture } from "@/lib/domain/detector-families";
import type { PostprocessOptions } from "@/lib/detection/common/postprocess";
import type { BlobStore } from "../platform/storage";
import { detectImagesEachWay, EVALUATION_POSTPROCESS, type ImageDetections } from "./evaluate-split";
import type { TrainingImage } from "./training-data";
import { handOut } from "./hand-out";
import { withWorkerThreads } from "./worker-threads";

/** One photo to detect, post-processed each of `ways`; the reply has one list per way. */
export type DetectRequest = { id: number; bytes: Uint8Array; ways: ReadonlyArray<Partial<PostprocessOptions>> };
export type DetectReply = { type: "ready" } | { type: "detected"; id: number; detections: Detection[][] } | { type: "failed"; id: number; message: string };

const ENTRY = path.join(path.dirname(fileURLToPath(import.meta.url)), "detect-thread.mjs");

/**
 * The detections of the model in `files` (its judge included) on `images`, as detectImages gives
 * them in process, on `threads` detection threads at once: each its own wasm engine on its own
 * core with the model loaded from its files, handed one photo at a time; results in the images'
 * order. For the passes after training (the size choice, the judge's val check, the test split),
 * which would otherwise leave every core but one idle. The threads end with the call.
 */
export async function detectImagesOnThreads(files: ArtifactFiles, threads: number, store: BlobStore, images: readonly TrainingImage[], postprocess: Partial<PostprocessOptions> = EVALUATION_POSTPROCESS): Promise<ImageDetections> {
  return (await detectImagesOnThreadsEachWay(files, threads, store, images, [postprocess]))[0]!;
}

/** detectImagesOnThreads post-processed each way asked for (one list per way), from one forward pass per photo. */
export async function detectImagesOnThreadsEachWay(files: ArtifactFiles, threads: number, store: BlobStore, images: readonly TrainingImage[], ways: ReadonlyArray<Partial<PostprocessOptions>>): Promise<ImageDetections[]> {
  if (images.length === 0) return ways.map(() => []);
  const outputs: ImageDetections[] = ways.map(() => new Array(images.length));
  const thread = { workerData: { files }, name: "masklab-detect", what: "a detection thread" };
  await withWorkerThreads<DetectReply, unknown>(ENTRY, thread, Math.min(threads, images.length), (running) =>
    handOut(running, images.length, async ({ worker, replies }, id) => {
      const image = images[id]!;
      const bytes = new Uint8Array(await store.get(image.contentHash));
      worker.postMessage({ id, bytes, ways } satisfies DetectRequest, [bytes.buffer as ArrayBuffer]);
      const answer = await replies();
      if (answer.type === "failed") throw new Error(`detecting ${image.fileName}: ${answer.message}`);
      if (answer.type !== "detected" || answer.id !== id || answer.detections.length !== ways.length) throw new Error("a detection thread answered out of turn");
      answer.detections.forEach((detections, way) => (outputs[way]![id] = { image, detections }));
    }),
  );
  return outputs;
}

/**
 * A model in memory's detections on `images` (detectImages' postprocessing): on `threads` detection
 * threads from its files, or in this thread when there is one. In process the detector shares
 * `full`, so it is not disposed here (whoever owns the model frees it).
 */
export async function detectOnThreads(full: tf.LayersModel, metadata: ModelMetadata, threads: number, store: BlobStore, images: readonly TrainingImage[], postprocess: Partial<PostprocessOptions> = EVALUATION_POSTPROCESS): Promise<ImageDetections> {
  return (await detectOnThreadsEachWay(full, metadata, threads, store, images, [postprocess]))[0]!;
}

/** detectOnThreads post-processed each way asked for (one list per way), from one forward pass per photo. */
export async function detectOnThreadsEachWay(full: tf.LayersModel, metadata: ModelMetadata, threads: number, store: BlobStore, images: readonly TrainingImage[], ways: ReadonlyArray<Partial<PostprocessOptions>>): Promise<ImageDetections[]> {
  if (threads <= 1) return detectImagesEachWay(DETECTOR_FAMILIES[familyOfArchitecture(metadata.architecture)].detector(full, metadata), store, images, ways);
  return detectImagesOnThreadsEachWay(await modelToFiles(full, metadata), threads, store, images, ways);
}
