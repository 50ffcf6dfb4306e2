import { modelFromFiles, type ArtifactFiles } from "@/lib/detection/artifact";
import { detectorFor } from "@/lib/detection/detector";
import { evaluateDetections, type EvaluationReport } from "@/lib/domain/evaluation/report";
import { db as defaultDb, type Db } from "./db";
import { readModelFiles } from "./model-registry";
import type { BlobStore } from "./storage";
import { detectImages, EVALUATION_POSTPROCESS } from "./training/evaluate-split";
import { loadSplit } from "./training/training-data";

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
    const report: EvaluationReport = evaluateDetections({
      classes,
      images: images.map((image) => ({ imageId: image.imageId, fileName: image.fileName, width: image.width, height: image.height, boxes: image.boxes.map((b) => ({ className: classes[b.classIndex]!, box: b.box, difficult: b.difficult })) })),
      detections: outputs.flatMap(({ image, detections }) => detections.map((d) => ({ imageId: image.imageId, className: classes[d.classIndex]!, box: d.box, score: d.score }))),
    });
    const { perClass, ...metrics } = report;
    return await database.evaluation.create({
      // Through JSON once: the report is plain numbers, strings and arrays (undefined metrics are −1).
      data: { modelVersionId, datasetId: version.datasetId, split: "test", metrics: JSON.parse(JSON.stringify({ ...metrics, postprocess: EVALUATION_POSTPROCESS })), perClass: JSON.parse(JSON.stringify(perClass)), imageCount: images.length },
    });
  } finally {
    model.dispose();
  }
}
