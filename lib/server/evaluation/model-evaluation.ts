import { modelFromFiles, type ArtifactFiles } from "@/lib/detection/artifact";
import { detectorFor } from "@/lib/detection/detector";
import { DEFAULT_POSTPROCESS } from "@/lib/detection/recipes";
import { evaluateDetections, type EvaluationReport } from "@/lib/domain/evaluation/report";
import type { EvaluationInput } from "@/lib/domain/evaluation/types";
import { db as defaultDb, type Db } from "../platform/db";
import { readModelFiles } from "../models/model-registry";
import type { BlobStore } from "../platform/storage";
import { detectImages, EVALUATION_POSTPROCESS, evaluationInputOf } from "../training/evaluate-split";
import { loadSplit } from "../training/training-data";

/**
 * The confidence of the stored "at operating threshold" figures, confusion matrix and image
 * accuracy: serving's default score threshold, so the table describes what production would do.
 */
export const OPERATING_CONFIDENCE = DEFAULT_POSTPROCESS.scoreThreshold;

/**
 * Scores a model version on its dataset's **test** split with the evaluation engine (COCO 12,
 * VOC mAP50, per-class table, operating points at 0.25 and at best F1, confusion, image accuracy)
 * and stores the report as an Evaluation. The train split taught the model and the val split
 * picked its epoch, so only the test split gives an honest figure. Detections are post-processed
 * as for any evaluation (multi-label, score ≥ 0.001, 100 per image).
 */
export async function evaluateOnTestSplit(modelVersionId: string, deps: { store: BlobStore; db?: Db }) {
  const database = deps.db ?? defaultDb();
  const version = await database.modelVersion.findUniqueOrThrow({ where: { id: modelVersionId } });
  const classes = version.classes as string[];
  const images = await loadSplit(version.datasetId, "test", classes, database);
  if (images.length === 0) throw new Error("the dataset has no labelled test images: nothing honest to evaluate on");
  const { model, metadata } = await modelFromFiles((await readModelFiles(version.artifactKey, deps.store)) as unknown as ArtifactFiles);
  try {
    const outputs = await detectImages(detectorFor(model, metadata), deps.store, images, EVALUATION_POSTPROCESS);
    const snapshot = evaluationInputOf(classes, images, outputs);
    return await storeEvaluation({ modelVersionId, datasetId: version.datasetId, split: "test", snapshot, postprocess: EVALUATION_POSTPROCESS }, { store: deps.store, db: database });
  } finally {
    model.dispose();
  }
}

/**
 * Scores what a model detected on a split and stores the report with its snapshot. What was
 * scored is kept whole, so later views (slider, error browser, label issues) agree with the
 * stored figures even after the split is relabelled.
 */
export async function storeEvaluation(
  input: { modelVersionId: string | null; trainingJobId?: string; datasetId: string; split: string; snapshot: EvaluationInput; postprocess: object },
  deps: { store: BlobStore; db?: Db },
) {
  const database = deps.db ?? defaultDb();
  const report: EvaluationReport = evaluateDetections(input.snapshot, { confidence: OPERATING_CONFIDENCE });
  const { perClass, ...metrics } = report;
  const snapshotKey = await deps.store.put(new TextEncoder().encode(JSON.stringify(input.snapshot)));
  return database.evaluation.create({
    // Through JSON once: the report is plain numbers, strings and arrays (undefined metrics are −1).
    data: {
      modelVersionId: input.modelVersionId,
      trainingJobId: input.trainingJobId ?? null,
      datasetId: input.datasetId,
      split: input.split,
      metrics: JSON.parse(JSON.stringify({ ...metrics, postprocess: input.postprocess })),
      perClass: JSON.parse(JSON.stringify(perClass)),
      imageCount: input.snapshot.images.length,
      snapshotKey,
    },
  });
}

/** The labels and detections an evaluation scored (null for evaluations stored before snapshots). */
export async function readEvaluationSnapshot(evaluation: { snapshotKey: string | null }, store: BlobStore): Promise<EvaluationInput | null> {
  if (!evaluation.snapshotKey) return null;
  return JSON.parse((await store.get(evaluation.snapshotKey)).toString("utf8")) as EvaluationInput;
}
