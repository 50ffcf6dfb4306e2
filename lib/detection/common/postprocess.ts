import type { PixelBox } from "@/lib/domain/box";
import { nonMaxSuppression, type Detection } from "./nms";

export interface PostprocessOptions {
  scoreThreshold: number;
  iouThreshold: number;
  maxDetections: number;
  /**
   * false (serving): one detection per location, its best class, NMS across classes: one face,
   * one box. true (evaluation): every class above the threshold, NMS within each class, as
   * Faster R-CNN's and YOLOv8's validation do, so a face's second-best class still counts toward
   * that class's precision-recall curve.
   */
  multiLabel?: boolean;
  /**
   * true (a model with a mask judge): faces, whatever their mask, one per location scored by the
   * sum of its class scores (for a softmax head, one minus the background's), NMS across
   * classes; the judge gives each its class afterwards. Overrides multiLabel.
   */
  faces?: boolean;
}

/** Serving defaults recorded in masklab.json: boxes from 25 % confidence, class-agnostic NMS at IoU 0.6, 100 per image. */
export const DEFAULT_POSTPROCESS = { scoreThreshold: 0.25, iouThreshold: 0.6, maxDetections: 100 };

/** Most candidates NMS looks at per image (best first), bounding its cost at low thresholds. */
export const MAX_NMS_CANDIDATES = 5000;

/**
 * Candidates → final detections: the best class per location (or every class above the
 * threshold when multi-label), then NMS. Shared by every detector family.
 */
export function selectDetections(count: number, numClasses: number, scoreOf: (location: number, classIndex: number) => number, boxOf: (location: number) => PixelBox, options: PostprocessOptions): Detection[] {
  const candidates: Detection[] = [];
  for (let a = 0; a < count; a++) {
    if (options.faces) {
      let face = 0;
      let best = 0;
      for (let c = 0; c < numClasses; c++) {
        face += scoreOf(a, c);
        if (scoreOf(a, c) > scoreOf(a, best)) best = c;
      }
      if (face >= options.scoreThreshold) candidates.push({ box: boxOf(a), score: Math.min(1, face), classIndex: best });
      continue;
    }
    if (options.multiLabel) {
      for (let c = 0; c < numClasses; c++) {
        const score = scoreOf(a, c);
        if (score >= options.scoreThreshold) candidates.push({ box: boxOf(a), score, classIndex: c });
      }
      continue;
    }
    let best = 0;
    for (let c = 1; c < numClasses; c++) if (scoreOf(a, c) > scoreOf(a, best)) best = c;
    const score = scoreOf(a, best);
    if (score >= options.scoreThreshold) candidates.push({ box: boxOf(a), score, classIndex: best });
  }
  const pool = candidates.length > MAX_NMS_CANDIDATES ? candidates.sort((x, y) => y.score - x.score).slice(0, MAX_NMS_CANDIDATES) : candidates;
  return nonMaxSuppression(pool, { ...options, perClass: options.multiLabel === true && !options.faces });
}
