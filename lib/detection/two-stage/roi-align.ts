import * as tf from "@tensorflow/tfjs";
import type { PixelBox } from "@/lib/domain/box";

/**
 * ROI-Align (Mask R-CNN's, in its pixel-aligned form: torchvision's aligned=True) built from ops
 * that have gradients on every backend: tf.gather plus a multiply by bilinear weights.
 * tf.image.cropAndResize has no gradient in TF.js, so it cannot train a detector.
 *
 * The sampling positions and bilinear weights depend only on the ROI boxes, which are constants
 * for the gradient (as in Faster R-CNN), so they are computed here in plain numbers: the "plan".
 * The tensor part is then linear in the features, and its gradient (gather's: a segment sum)
 * spreads each output back to the four cells it was read from.
 */

/** One feature map of the pyramid, as the plan sees it. */
export interface FeatureLevel {
  stride: number;
  height: number;
  width: number;
}

export interface RoiAlignOptions {
  /** output bins per side (7 in Faster R-CNN) */
  outputSize: number;
  /** bilinear samples per bin side, averaged */
  samplingRatio: number;
}

/**
 * One sample per bin (at its centre): on the wasm backend 2×2 samples made ROI-Align 4× slower
 * (512 ROIs: 1.2 s vs 0.3 s forward + backward) for little gain on faces a few bins wide.
 */
export const DEFAULT_ROI_ALIGN: RoiAlignOptions = { outputSize: 7, samplingRatio: 1 };

export interface Roi {
  /** which image of the batch */
  batchIndex: number;
  /** in input pixels */
  box: PixelBox;
}

export interface RoiAlignPlan {
  /** rows of the flattened feature table to read: [R·P·P·S·S·4] */
  indices: Int32Array;
  /** bilinear weight of each read, already divided by the S·S samples of its bin */
  weights: Float32Array;
  rois: number;
  outputSize: number;
  /** reads per output bin (S·S·4) */
  readsPerBin: number;
}

/**
 * FPN's rule for which level pools a ROI, shifted for small faces: boxes under 128 px (side of
 * the equal-area square) read stride 8, under 256 px stride 16, larger ones stride 32.
 */
export function levelForRoi(box: PixelBox, levels: number): number {
  const side = Math.sqrt(Math.max(1e-6, (box.xmax - box.xmin) * (box.ymax - box.ymin)));
  return Math.max(0, Math.min(levels - 1, Math.floor(Math.log2(side / 64))));
}

/**
 * Where each output bin samples. The feature table is every level flattened to rows (image,
 * row, column) and stacked level after level, so one gather reads all levels at once.
 * Coordinates follow aligned ROI-Align: input pixel x lies at feature position x / stride − 0.5.
 * Samples more than one cell outside the map read zeros; others are clamped to the border.
 */
export function roiAlignPlan(rois: readonly Roi[], levels: readonly FeatureLevel[], batchSize: number, options: RoiAlignOptions = DEFAULT_ROI_ALIGN): RoiAlignPlan {
  const { outputSize: P, samplingRatio: S } = options;
  const readsPerBin = S * S * 4;
  const count = rois.length * P * P * readsPerBin;
  const indices = new Int32Array(count);
  const weights = new Float32Array(count);
  const levelStart: number[] = [];
  let rows = 0;
  for (const level of levels) {
    levelStart.push(rows);
    rows += batchSize * level.height * level.width;
  }
  let at = 0;
  rois.forEach((roi, r) => {
    if (roi.batchIndex < 0 || roi.batchIndex >= batchSize) throw new RangeError(`ROI ${r} names image ${roi.batchIndex} of a batch of ${batchSize}`);
    const li = levelForRoi(roi.box, levels.length);
    const { stride, height: H, width: W } = levels[li]!;
    const base = levelStart[li]! + roi.batchIndex * H * W;
    const x1 = roi.box.xmin / stride - 0.5;
    const y1 = roi.box.ymin / stride - 0.5;
    const binW = (roi.box.xmax - roi.box.xmin) / stride / P;
    const binH = (roi.box.ymax - roi.box.ymin) / stride / P;
    const share = 1 / (S * S);
    for (let by = 0; by < P; by++) {
      for (let bx = 0; bx < P; bx++) {
        for (let sy = 0; sy < S; sy++) {
          for (let sx = 0; sx < S; sx++) {
            let y = y1 + (by + (sy + 0.5) / S) * binH;
            let x = x1 + (bx + (sx + 0.5) / S) * binW;
            if (y < -1 || y > H || x < -1 || x > W) {
              // Outside the map: four reads of row `base` with weight 0.
              for (let k = 0; k < 4; k++) indices[at + k] = base;
              at += 4;
              continue;
            }
            y = Math.min(Math.max(y, 0), H - 1);
            x = Math.min(Math.max(x, 0), W - 1);
            const y0 = Math.floor(y);
            const x0 = Math.floor(x);
            const yh = Math.min(y0 + 1, H - 1);
            const xh = Math.min(x0 + 1, W - 1);
            const ly = y - y0;
            const lx = x - x0;
            indices[at] = base + y0 * W + x0;
            weights[at++] = (1 - ly) * (1 - lx) * share;
            indices[at] = base + y0 * W + xh;
            weights[at++] = (1 - ly) * lx * share;
            indices[at] = base + yh * W + x0;
            weights[at++] = ly * (1 - lx) * share;
            indices[at] = base + yh * W + xh;
            weights[at++] = ly * lx * share;
          }
        }
      }
    }
  });
  return { indices, weights, rois: rois.length, outputSize: P, readsPerBin };
}

/** Every level [N, H, W, C] flattened to rows and stacked: the table the plan indexes. */
export function featureTable(levels: readonly tf.Tensor4D[]): tf.Tensor2D {
  return tf.tidy(() => tf.concat(levels.map((level) => tf.reshape(level, [-1, level.shape[3]])), 0) as tf.Tensor2D);
}

/** Pooled ROI features [R, P, P, C] read from the table by the plan; differentiable in the table. */
export function roiAlign(table: tf.Tensor2D, plan: RoiAlignPlan): tf.Tensor4D {
  const channels = table.shape[1];
  const { rois, outputSize: P, readsPerBin } = plan;
  if (rois === 0) return tf.zeros([0, P, P, channels]);
  return tf.tidy(() => {
    const reads = tf.gather(table, tf.tensor1d(plan.indices, "int32"));
    const weighted = tf.mul(reads, tf.tensor2d(plan.weights, [plan.weights.length, 1]));
    return tf.sum(tf.reshape(weighted, [rois, P, P, readsPerBin, channels]), 3) as tf.Tensor4D;
  });
}
