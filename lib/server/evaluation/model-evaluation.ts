import { evaluationMetricsColumn, evaluationPerClassColumn, evaluationSnapshotBlob, type EvaluationPostprocess, type EvaluationSnapshot } from "@/lib/contracts/stored/evaluation";
import { modelClassesColumn } from "@/lib/contracts/stored/models";
import { parseStored, parseStoredText, toStoredJson } from "@/lib/contracts/stored/parse";
import { DEFAULT_POSTPROCESS } from "@/lib/detection/common/postprocess";
import { evaluateDetections, type EvaluationReport } from "@/lib/domain/evaluation/report";
import type { EvaluationInput } from "@/lib/domain/evaluation/types";
import type { ModelVersion } from "@/generated/prisma/client";
import { db as defaultDb, type Db } from "../platform/db";
import { readModelFiles, requireRunnableModel } from "../models/model-registry";
import { loadModelDetector } from "../models/model-loader";
import type { BlobStore } from "../platform/storage";
import { detectImages, EVALUATION_POSTPROCESS, evaluationInputOf } from "../training/evaluate-split";
import { detectImagesOnThreads } from "../training/detect-threads";
import { loadSplit, type TrainingImage } from "../training/training-data";
import type { Detection as ModelDetection } from "@/lib/detection/common/nms";

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
 * as for any evaluation (multi-label, score ≥ 0.001, 100 per image). `threads`: detection threads
 * for a TF.js model (a training job passes every core).
 */
export async function evaluateOnTestSplit(modelVersionId: string, deps: { store: BlobStore; db?: Db; threads?: number }) {
  const database = deps.db ?? defaultDb();
  const version = await database.modelVersion.findUniqueOrThrow({ where: { id: modelVersionId } });
  requireRunnableModel(version, "run on the test split: upload new results to score it again");
  const classes = parseStored(modelClassesColumn, version.classes, version.id);
  const images = await loadSplit(version.datasetId, "test", classes, database);
  if (images.length === 0) throw new Error("the dataset has no labelled test images: nothing honest to evaluate on");
  const outputs = await detectTestSplit(version, images, deps.store, deps.threads ?? 1);
  const snapshot = evaluationInputOf(classes, images, outputs);
  return await storeEvaluation({ modelVersionId, datasetId: version.datasetId, split: "test", snapshot, postprocess: EVALUATION_POSTPROCESS }, { store: deps.store, db: database });
}

/** A version's detections on the test split: a TF.js model on `threads` detection threads when asked, else (and an ONNX model always) in this thread. */
async function detectTestSplit(version: ModelVersion, images: TrainingImage[], store: BlobStore, threads: number) {
  if (threads > 1 && version.format !== "onnx") return detectImagesOnThreads(await readModelFiles(version.artifactKey, store), threads, store, images, EVALUATION_POSTPROCESS);
  const detector = await loadModelDetector(version, store);
  try {
    return await detectImages(detector, store, images, EVALUATION_POSTPROCESS);
  } finally {
    detector.dispose();
  }
}

/**
 * Scores detections that a remote worker made on the test split, against the test labels stored
 * here (the worker never receives them). An image of the split the worker sent nothing for
 * counts as one without detections; detections of images outside the split are ignored.
 */
export async function scoreTestSplitDetections(
  modelVersionId: string,
  detectionsByImage: ReadonlyMap<string, readonly ModelDetection[]>,
  deps: { store: BlobStore; db?: Db },
) {
  const database = deps.db ?? defaultDb();
  const version = await database.modelVersion.findUniqueOrThrow({ where: { id: modelVersionId } });
  const classes = parseStored(modelClassesColumn, version.classes, version.id);
  const images = await loadSplit(version.datasetId, "test", classes, database);
  if (images.length === 0) throw new Error("the dataset has no labelled test images: nothing honest to evaluate on");
  const outputs = images.map((image) => ({ image, detections: (detectionsByImage.get(image.imageId) ?? []).filter((d) => d.classIndex < classes.length) }));
  const snapshot = evaluationInputOf(classes, images, outputs);
  return storeEvaluation({ modelVersionId, datasetId: version.datasetId, split: "test", snapshot, postprocess: EVALUATION_POSTPROCESS }, { store: deps.store, db: database });
}

/**
 * Scores what a model detected on a split and stores the report with its snapshot. What was
 * scored is kept whole, so later views (slider, error browser, label issues) agree with the
 * stored figures even after the split is relabelled. Returns the row with its figures typed.
 */
export async function storeEvaluation(
  input: { modelVersionId: string | null; trainingJobId?: string; datasetId: string; split: string; snapshot: EvaluationInput; postprocess: EvaluationPostprocess },
  deps: { store: BlobStore; db?: Db },
) {
  const database = deps.db ?? defaultDb();
  const report: EvaluationReport = evaluateDetections(input.snapshot, { confidence: OPERATING_CONFIDENCE });
  const { perClass, ...figures } = report;
  const metrics = { ...figures, postprocess: input.postprocess };
  const snapshotKey = await deps.store.put(new TextEncoder().encode(JSON.stringify(input.snapshot)));
  const evaluation = await database.evaluation.create({
    data: {
      modelVersionId: input.modelVersionId,
      trainingJobId: input.trainingJobId ?? null,
      datasetId: input.datasetId,
      split: input.split,
      metrics: toStoredJson(evaluationMetricsColumn, metrics),
      perClass: toStoredJson(evaluationPerClassColumn, perClass),
      imageCount: input.snapshot.images.length,
      snapshotKey,
    },
  });
  return { ...evaluation, metrics, perClass };
}

/** The labels and detections an evaluation scored (null for evaluations stored before snapshots). */
export async function readEvaluationSnapshot(evaluation: { snapshotKey: string | null }, store: BlobStore): Promise<EvaluationSnapshot | null> {
  if (!evaluation.snapshotKey) return null;
  return parseStoredText(evaluationSnapshotBlob, (await store.get(evaluation.snapshotKey)).toString("utf8"), evaluation.snapshotKey);
}
