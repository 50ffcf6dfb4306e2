import type { PixelBox } from "@/lib/domain/box";
import type { Letterbox } from "../letterbox";
import { toImageSpace } from "../letterbox";
import { nonMaxSuppression, type Detection } from "../nms";
import type { PointGrid } from "./points";

/**
 * The one-stage head's raw output per point is [4 box values, C class logits]. Box values are the
 * distances to the four sides in strides, through softplus (positive, smooth). Shared by training
 * (the assigner needs the current predictions) and inference everywhere.
 */
export const softplus = (v: number) => (v > 20 ? v : Math.log1p(Math.exp(v)));
export const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));

export interface DecodedPoints {
  /** per point × class probabilities */
  scores: Float32Array;
  /** per point xmin, ymin, xmax, ymax in input pixels */
  boxes: Float32Array;
}

export function decodeRaw(raw: Float32Array, grid: PointGrid, numClasses: number): DecodedPoints {
  const width = 4 + numClasses;
  const scores = new Float32Array(grid.count * numClasses);
  const boxes = new Float32Array(grid.count * 4);
  for (let a = 0; a < grid.count; a++) {
    const o = a * width;
    const s = grid.stride[a]!;
    boxes[a * 4] = grid.x[a]! - softplus(raw[o]!) * s;
    boxes[a * 4 + 1] = grid.y[a]! - softplus(raw[o + 1]!) * s;
    boxes[a * 4 + 2] = grid.x[a]! + softplus(raw[o + 2]!) * s;
    boxes[a * 4 + 3] = grid.y[a]! + softplus(raw[o + 3]!) * s;
    for (let c = 0; c < numClasses; c++) scores[a * numClasses + c] = sigmoid(raw[o + 4 + c]!);
  }
  return { scores, boxes };
}

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
}

/** Most candidates NMS looks at per image (best first), bounding its cost at low thresholds. */
export const MAX_NMS_CANDIDATES = 5000;

/**
 * Candidates → final detections: the best class per location (or every class above the
 * threshold when multi-label), then NMS. Shared by both detector families.
 */
export function selectDetections(count: number, numClasses: number, scoreOf: (location: number, classIndex: number) => number, boxOf: (location: number) => PixelBox, options: PostprocessOptions): Detection[] {
  const candidates: Detection[] = [];
  for (let a = 0; a < count; a++) {
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
  return nonMaxSuppression(pool, { ...options, perClass: options.multiLabel === true });
}

/** Decoded points → final detections in image pixels: class selection, threshold, NMS, un-letterbox. */
export function detectionsFromRaw(raw: Float32Array, grid: PointGrid, numClasses: number, letterbox: Letterbox, options: PostprocessOptions): Detection[] {
  const { scores, boxes } = decodeRaw(raw, grid, numClasses);
  const kept = selectDetections(grid.count, numClasses, (a, c) => scores[a * numClasses + c]!, (a) => ({ xmin: boxes[a * 4]!, ymin: boxes[a * 4 + 1]!, xmax: boxes[a * 4 + 2]!, ymax: boxes[a * 4 + 3]! }), options);
  return kept.map((d) => ({ ...d, box: toImageSpace(d.box, letterbox) }));
}
