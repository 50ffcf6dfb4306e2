import os from "node:os";
import * as tf from "@tensorflow/tfjs";
import * as ort from "onnxruntime-node";
import type { InferenceSession } from "onnxruntime-common";
import { parseOnnxModelMetadata, type OnnxArtifactFiles, type OnnxModelMetadata } from "@/lib/contracts/artifact";
import type { Detector } from "@/lib/detection/detector";
import { onnxDetector, type ImageEmbedding } from "@/lib/detection/onnx/onnx-detector";
import { referenceEmbedder, type ImageEmbedder } from "@/lib/detection/onnx/reference-embedding";
import { useWorkerBackend } from "@/lib/detection/tf/node-backend";
import { loadFaceSsdMobileNetWeights } from "../training/pretrained-weights";

/** How latency figures name the server's ONNX runtime. */
export const SERVER_ONNX_RUNTIME = "onnxruntime-cpu";

/**
 * An ONNX Runtime session on this machine's CPU (onnxruntime-node; its install script is off, so
 * nothing is downloaded: the CPU runtime ships in the package), one thread per core for each
 * operator unless `threads` says otherwise (the benchmark's single-thread figure). Warnings
 * (unused initializers and the like) stay out of the server log.
 */
export async function createOnnxSession(model: Uint8Array, threads = os.availableParallelism()): Promise<InferenceSession> {
  // The input is letterboxed by TF.js (the pre-processing TF.js models share), so its backend must
  // be up before the first detect: the process's own choice, as the model server makes it. A web
  // server that has served no TF.js model yet (registration's test inference) has none.
  await useWorkerBackend();
  return ort.InferenceSession.create(model, { executionProviders: ["cpu"], intraOpNumThreads: threads, interOpNumThreads: 1, graphOptimizationLevel: "all", logSeverityLevel: 3 });
}

/** An ONNX model on the server: a CPU session and, for monitoring, Masklab's reference embedding. */
export async function loadOnnxDetector(files: OnnxArtifactFiles): Promise<Detector> {
  return onnxDetectorOver(await createOnnxSession(files["model.onnx"]), parseOnnxModelMetadata(files["masklab.json"]), { embed: embedWithReference });
}

/** A session already made (registration's test inference) as a Detector. */
export function onnxDetectorOver(session: InferenceSession, metadata: OnnxModelMetadata, options: { embed?: ImageEmbedding } = {}): Detector {
  return onnxDetector({ session, Tensor: ort.Tensor, name: SERVER_ONNX_RUNTIME }, metadata, options);
}

let embedder: Promise<ImageEmbedder> | undefined;

/** The process's reference embedder, built on first use from the face weights in node_modules (a failed build is retried next time). */
const embedWithReference: ImageEmbedding = async (images) => {
  embedder ??= (async () => {
    const weights = await loadFaceSsdMobileNetWeights();
    try {
      return referenceEmbedder(weights);
    } finally {
      tf.dispose(Object.values(weights));
    }
  })();
  embedder.catch(() => (embedder = undefined));
  return (await embedder).embed(images);
};
