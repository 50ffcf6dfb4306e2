import type { ModelVersion } from "@/generated/prisma/client";
import { ONNX_ARTIFACT_FILES, type OnnxArtifactFiles } from "@/lib/contracts/artifact";
import { artifactIndexBlob } from "@/lib/contracts/stored/models";
import { parseStoredText } from "@/lib/contracts/stored/parse";
import type { Detector } from "@/lib/detection/detector";
import { loadDetector } from "@/lib/detection/families";
import type { BlobStore } from "../platform/storage";
import { readModelFiles, requireRunnableModel } from "./model-registry";
import { loadOnnxDetector } from "./onnx-runtime";

/**
 * A registered model version as a Detector, whatever its format: the one place that tells TF.js
 * artifacts (trained here) from ONNX ones (brought in), so serving, the monitor, evaluation and
 * the latency benchmark never do. A results-only version has no model and is refused. The caller
 * disposes the detector.
 */
export async function loadModelDetector(version: Pick<ModelVersion, "name" | "version" | "stage" | "format" | "artifactKey">, store: BlobStore): Promise<Detector> {
  requireRunnableModel(version, "run");
  return version.format === "onnx" ? loadOnnxDetector(await readOnnxModelFiles(version.artifactKey, store)) : loadDetector(await readModelFiles(version.artifactKey, store));
}

/** An ONNX version's files (model.onnx, masklab.json) from the blob store; a missing one throws. */
export async function readOnnxModelFiles(artifactKey: string, store: BlobStore): Promise<OnnxArtifactFiles> {
  const index = parseStoredText(artifactIndexBlob, (await store.get(artifactKey)).toString("utf8"), artifactKey);
  const read = async (file: (typeof ONNX_ARTIFACT_FILES)[number]) => {
    const key = index.files[file];
    if (!key) throw new Error(`the model artifact ${artifactKey} has no ${file}`);
    return store.get(key);
  };
  return { "model.onnx": await read("model.onnx"), "masklab.json": await read("masklab.json") };
}
