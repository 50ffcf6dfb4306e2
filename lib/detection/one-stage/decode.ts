import type { Detection } from "../common/nms";
import { selectDetections, type PostprocessOptions } from "../common/postprocess";
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

/** Raw points of one image → final detections in input pixels: class selection, threshold, NMS. */
export function detectionsFromRaw(raw: Float32Array, grid: PointGrid, numClasses: number, options: PostprocessOptions): Detection[] {
  const { scores, boxes } = decodeRaw(raw, grid, numClasses);
  return selectDetections(grid.count, numClasses, (a, c) => scores[a * numClasses + c]!, (a) => ({ xmin: boxes[a * 4]!, ymin: boxes[a * 4 + 1]!, xmax: boxes[a * 4 + 2]!, ymax: boxes[a * 4 + 3]! }), options);
}
