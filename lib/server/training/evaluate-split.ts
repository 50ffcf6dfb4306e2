import { detectionsFromRaw } from "@/lib/detection/one-stage/decode";
import type { PointGrid } from "@/lib/detection/one-stage/points";
import type { Letterbox } from "@/lib/detection/letterbox";
import { evaluateCoco } from "@/lib/domain/evaluation/coco-eval";
import type { Detection } from "@/lib/domain/evaluation/types";
import type { TrainingImage } from "./training-data";

/** Post-processing used while evaluating: low score floor and 100 detections, as COCO evaluation expects. */
export const EVALUATION_POSTPROCESS = { scoreThreshold: 0.001, iouThreshold: 0.6, maxDetections: 100 };

export interface SplitMetrics {
  mAP50: number;
  mAP50to95: number;
  perClassAP50: Record<string, number>;
}

/** One-stage raw outputs of a split's images → COCO metrics against their labels (difficult boxes count, as in COCO). */
export function metricsFromRaw(outputs: Array<{ image: TrainingImage; letterbox: Letterbox; raw: Float32Array }>, grid: PointGrid, classes: readonly string[]): SplitMetrics {
  const detections: Detection[] = [];
  for (const { image, letterbox, raw } of outputs) {
    for (const d of detectionsFromRaw(raw, grid, classes.length, letterbox, EVALUATION_POSTPROCESS)) {
      detections.push({ imageId: image.imageId, className: classes[d.classIndex]!, box: d.box, score: d.score });
    }
  }
  const result = evaluateCoco({
    classes,
    images: outputs.map(({ image }) => ({ imageId: image.imageId, boxes: image.boxes.map((b) => ({ className: classes[b.classIndex]!, box: b.box })) })),
    detections,
  });
  return {
    mAP50: Math.max(0, result.summary.AP50),
    mAP50to95: Math.max(0, result.summary.AP),
    perClassAP50: Object.fromEntries(result.perClass.map((c) => [c.className, c.AP50])),
  };
}
