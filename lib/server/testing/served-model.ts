import { FACEMASK_CLASSES } from "@/lib/domain/classes";
import { DETECTOR_FAMILY_CATALOGUE, type DetectorFamilyId } from "@/lib/domain/detector-families";
import { modelToFiles } from "@/lib/detection/artifact";
import { DETECTOR_FAMILIES, detectorMetadata } from "@/lib/detection/families";
import { useNodeBackend } from "@/lib/detection/tf/node-backend";
import type { Db } from "../platform/db";
import { registerModelVersion } from "../models/model-registry";
import { loadFaceSsdMobileNetWeights } from "../training/pretrained-weights";
import type { BlobStore } from "../platform/storage";

/**
 * A registered detector for serving, monitoring and latency tests, made in a second instead of
 * trained: the real pretrained face backbone (so embeddings respond to what images show) and
 * untrained heads. Everything downstream (loading, detect, embeddings, logging) is real, and its
 * cost is a trained model's: the same layers at the same input size.
 */
export async function registerServedModel(datasetId: string, deps: { store: BlobStore; db: Db }, inputSize = 96, kind: DetectorFamilyId = "one_stage") {
  await useNodeBackend("wasm");
  const model = DETECTOR_FAMILIES[kind].recipe.buildTrainable({ inputSize, numClasses: FACEMASK_CLASSES.length, width: "n", seed: 1 }, { weights: await loadFaceSsdMobileNetWeights() });
  const metadata = detectorMetadata(kind, { width: "n", backbone: "face-mobilenet-v1", classes: [...FACEMASK_CLASSES], inputSize });
  const files = await modelToFiles(model, metadata);
  const parameterCount = model.countParams();
  model.dispose();
  const name = `monitor-test-${DETECTOR_FAMILY_CATALOGUE[kind].architecture}`;
  return registerModelVersion({ name, kind, datasetId, trainingJobId: null, files: { ...files }, classes: [...FACEMASK_CLASSES], inputSize, parameterCount, trainingMetrics: {} }, deps.store, deps.db);
}
