import type { PixelBox } from "@/lib/domain/box";
import type { GroundTruth } from "../common/ground-truth";
import type { PointGrid } from "./points";

/**
 * Task-aligned assignment (TOOD, as in YOLOv8): for each labelled box, the grid points inside it
 * compete on alignment = score^α · IoU^β of their own current prediction, and the top k become
 * positives. A point claimed by several boxes keeps the one its prediction overlaps most. The
 * classification target is the alignment, normalised per box so its best point gets the best IoU
 * reached: classification learns to predict localisation quality.
 *
 * Small faces are the norm here: a box containing no grid point takes the nearest point of the
 * finest level instead, so no label is ever left without a positive.
 */
export interface AssignerOptions {
  topK: number;
  alpha: number;
  beta: number;
}

export const DEFAULT_ASSIGNER: AssignerOptions = { topK: 10, alpha: 1, beta: 6 };

export interface Assignment {
  /** per point: the assigned class, or -1 for background */
  targetClass: Int32Array;
  /** per point: the soft classification target of its class (0 for background) */
  targetScore: Float32Array;
  /** per point: xmin, ymin, xmax, ymax of its box (input pixels; only meaningful for positives) */
  targetBox: Float32Array;
  positives: number;
}

function iouOf(ax1: number, ay1: number, ax2: number, ay2: number, b: PixelBox): number {
  const w = Math.min(ax2, b.xmax) - Math.max(ax1, b.xmin);
  const h = Math.min(ay2, b.ymax) - Math.max(ay1, b.ymin);
  if (w <= 0 || h <= 0) return 0;
  const inter = w * h;
  return inter / ((ax2 - ax1) * (ay2 - ay1) + (b.xmax - b.xmin) * (b.ymax - b.ymin) - inter);
}

/**
 * @param scores per point × class, probabilities (sigmoid of the logits)
 * @param boxes per point, the predicted box in input pixels (xmin, ymin, xmax, ymax)
 */
export function assignTargets(grid: PointGrid, numClasses: number, scores: Float32Array, boxes: Float32Array, truths: readonly GroundTruth[], options: AssignerOptions = DEFAULT_ASSIGNER): Assignment {
  const count = grid.count;
  const targetClass = new Int32Array(count).fill(-1);
  const targetScore = new Float32Array(count);
  const targetBox = new Float32Array(count * 4);
  const owner = new Int32Array(count).fill(-1);
  const ownerIou = new Float32Array(count).fill(-1);
  const ownerAlign = new Float32Array(count);

  for (let g = 0; g < truths.length; g++) {
    const { box, classIndex } = truths[g]!;
    const candidates: Array<{ point: number; align: number; iou: number }> = [];
    for (let a = 0; a < count; a++) {
      const x = grid.x[a]!;
      const y = grid.y[a]!;
      if (x <= box.xmin || x >= box.xmax || y <= box.ymin || y >= box.ymax) continue;
      const iou = iouOf(boxes[a * 4]!, boxes[a * 4 + 1]!, boxes[a * 4 + 2]!, boxes[a * 4 + 3]!, box);
      candidates.push({ point: a, iou, align: Math.pow(scores[a * numClasses + classIndex]!, options.alpha) * Math.pow(iou, options.beta) });
    }
    if (candidates.length === 0) {
      const nearest = nearestFinePoint(grid, (box.xmin + box.xmax) / 2, (box.ymin + box.ymax) / 2);
      const iou = iouOf(boxes[nearest * 4]!, boxes[nearest * 4 + 1]!, boxes[nearest * 4 + 2]!, boxes[nearest * 4 + 3]!, box);
      candidates.push({ point: nearest, iou, align: Math.pow(scores[nearest * numClasses + classIndex]!, options.alpha) * Math.pow(iou, options.beta) });
    }
    // Highest alignment first; equal alignment (e.g. at the start of training) prefers IoU, then order.
    candidates.sort((p, q) => q.align - p.align || q.iou - p.iou || p.point - q.point);
    for (const { point, iou, align } of candidates.slice(0, options.topK)) {
      if (iou <= ownerIou[point]! && owner[point] !== -1) continue;
      owner[point] = g;
      ownerIou[point] = iou;
      ownerAlign[point] = align;
    }
  }

  // Normalise each box's alignments: its best point's target is the best IoU among its points.
  const maxAlign = new Float32Array(truths.length);
  const maxIou = new Float32Array(truths.length);
  for (let a = 0; a < count; a++) {
    const g = owner[a]!;
    if (g < 0) continue;
    maxAlign[g] = Math.max(maxAlign[g]!, ownerAlign[a]!);
    maxIou[g] = Math.max(maxIou[g]!, ownerIou[a]!);
  }
  let positives = 0;
  for (let a = 0; a < count; a++) {
    const g = owner[a]!;
    if (g < 0) continue;
    positives++;
    const truth = truths[g]!;
    targetClass[a] = truth.classIndex;
    targetScore[a] = maxAlign[g]! > 0 ? (ownerAlign[a]! / maxAlign[g]!) * maxIou[g]! : 0;
    targetBox.set([truth.box.xmin, truth.box.ymin, truth.box.xmax, truth.box.ymax], a * 4);
  }
  return { targetClass, targetScore, targetBox, positives };
}

function nearestFinePoint(grid: PointGrid, cx: number, cy: number): number {
  const end = grid.levelStarts[1] ?? grid.count;
  let best = 0;
  let bestDistance = Infinity;
  for (let a = 0; a < end; a++) {
    const d = (grid.x[a]! - cx) ** 2 + (grid.y[a]! - cy) ** 2;
    if (d < bestDistance) {
      bestDistance = d;
      best = a;
    }
  }
  return best;
}
