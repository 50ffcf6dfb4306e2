import { FACEMASK_CLASSES } from "@/lib/domain/classes";
import { modelToFiles } from "@/lib/detection/artifact";
import { buildOneStageDetector } from "@/lib/detection/one-stage/model";
import { detectorMetadata, RECIPES } from "@/lib/detection/recipes";
import { useNodeBackend } from "@/lib/detection/tf/node-backend";
import type { Db } from "../db";
import { registerModelVersion } from "../model-registry";
import { loadFaceSsdMobileNetWeights } from "../pretrained-weights";
import type { BlobStore } from "../storage";

/**
 * A registered one-stage model for serving and monitoring tests, made in a second instead of
 * trained: the real pretrained face backbone (so embeddings respond to what images show) and an
 * untrained head at 96 px. Everything downstream (loading, detect, embeddings, logging) is real.
 */
export async function registerServedModel(datasetId: string, deps: { store: BlobStore; db: Db }, inputSize = 96) {
  await useNodeBackend("wasm");
  const model = buildOneStageDetector(inputSize, FACEMASK_CLASSES.length, "n", await loadFaceSsdMobileNetWeights());
  const metadata = detectorMetadata(RECIPES.one_stage, { width: "n", backbone: "face-mobilenet-v1", classes: [...FACEMASK_CLASSES], inputSize });
  const files = await modelToFiles(model, metadata);
  const parameterCount = model.countParams();
  model.dispose();
  return registerModelVersion({ name: "monitor-test", kind: "one_stage", datasetId, trainingJobId: null, files: { ...files }, classes: [...FACEMASK_CLASSES], inputSize, parameterCount, trainingMetrics: {} }, deps.store, deps.db);
}
