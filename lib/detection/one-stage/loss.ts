import * as tf from "@tensorflow/tfjs";
import type { Assignment } from "./assigner";
import type { PointGrid } from "./points";

export interface LossWeights {
  classification: number;
  box: number;
}

export const DEFAULT_LOSS_WEIGHTS: LossWeights = { classification: 1, box: 2.5 };

/** The assignments of a batch as constant tensors (built once per step, outside the gradient). */
export interface BatchTargets {
  /** [N, A, C] soft class targets */
  classes: tf.Tensor3D;
  /** [N, A] weight of each point's box loss (its target score; 0 for background) */
  boxWeight: tf.Tensor2D;
  /** [N, A, 4] target boxes in input pixels */
  boxes: tf.Tensor3D;
  /** sum of target scores, the normaliser (at least 1) */
  normaliser: number;
}

export function batchTargets(assignments: Assignment[], numClasses: number): BatchTargets {
  const count = assignments[0]!.targetClass.length;
  const classes = new Float32Array(assignments.length * count * numClasses);
  const weight = new Float32Array(assignments.length * count);
  const boxes = new Float32Array(assignments.length * count * 4);
  let total = 0;
  assignments.forEach((assignment, n) => {
    for (let a = 0; a < count; a++) {
      const c = assignment.targetClass[a]!;
      if (c < 0) continue;
      const score = assignment.targetScore[a]!;
      classes[(n * count + a) * numClasses + c] = score;
      weight[n * count + a] = score;
      total += score;
    }
    boxes.set(assignment.targetBox, n * count * 4);
  });
  return {
    classes: tf.tensor3d(classes, [assignments.length, count, numClasses]),
    boxWeight: tf.tensor2d(weight, [assignments.length, count]),
    boxes: tf.tensor3d(boxes, [assignments.length, count, 4]),
    normaliser: Math.max(total, 1),
  };
}

export function disposeTargets(targets: BatchTargets): void {
  tf.dispose([targets.classes, targets.boxWeight, targets.boxes]);
}

/** Grid constants as tensors, [1, A, 1] each, made once per input size. */
export function gridTensors(grid: PointGrid) {
  return {
    x: tf.tensor3d(grid.x, [1, grid.count, 1]),
    y: tf.tensor3d(grid.y, [1, grid.count, 1]),
    stride: tf.tensor3d(grid.stride, [1, grid.count, 1]),
  };
}

/**
 * Classification: binary cross-entropy against the soft targets over every point and class.
 * Box: 1 − GIoU between the decoded prediction and the target box, weighted by the target score.
 * Both are divided by the sum of target scores. Returns the total and its parts.
 */
export function oneStageLoss(raw: tf.Tensor3D, targets: BatchTargets, grid: ReturnType<typeof gridTensors>, numClasses: number, weights: LossWeights = DEFAULT_LOSS_WEIGHTS) {
  const [n, count] = raw.shape;
  const distances = tf.mul(tf.softplus(tf.slice(raw, [0, 0, 0], [n, count, 4])), grid.stride);
  const logits = tf.slice(raw, [0, 0, 4], [n, count, numClasses]);
  // Numerically stable BCE with logits: max(x, 0) − x·z + log(1 + e^−|x|).
  const bce = tf.add(tf.sub(tf.relu(logits), tf.mul(logits, targets.classes)), tf.log1p(tf.exp(tf.neg(tf.abs(logits)))));
  const classification = tf.div(tf.sum(bce), targets.normaliser);

  const [l, t, r, b] = tf.split(distances, 4, 2);
  const px1 = tf.sub(grid.x, l!);
  const py1 = tf.sub(grid.y, t!);
  const px2 = tf.add(grid.x, r!);
  const py2 = tf.add(grid.y, b!);
  const [tx1, ty1, tx2, ty2] = tf.split(targets.boxes, 4, 2);
  const giou = generalizedIou(px1, py1, px2, py2, tx1!, ty1!, tx2!, ty2!);
  const box = tf.div(tf.sum(tf.mul(tf.squeeze(tf.sub(1, giou), [2]), targets.boxWeight)), targets.normaliser);
  const total = tf.add(tf.mul(classification, weights.classification), tf.mul(box, weights.box)) as tf.Scalar;
  return { total, classification: classification as tf.Scalar, box: box as tf.Scalar };
}

function generalizedIou(px1: tf.Tensor, py1: tf.Tensor, px2: tf.Tensor, py2: tf.Tensor, tx1: tf.Tensor, ty1: tf.Tensor, tx2: tf.Tensor, ty2: tf.Tensor): tf.Tensor {
  const eps = 1e-7;
  const iw = tf.relu(tf.sub(tf.minimum(px2, tx2), tf.maximum(px1, tx1)));
  const ih = tf.relu(tf.sub(tf.minimum(py2, ty2), tf.maximum(py1, ty1)));
  const intersection = tf.mul(iw, ih);
  const predArea = tf.mul(tf.sub(px2, px1), tf.sub(py2, py1));
  const targetArea = tf.mul(tf.relu(tf.sub(tx2, tx1)), tf.relu(tf.sub(ty2, ty1)));
  const union = tf.add(tf.sub(tf.add(predArea, targetArea), intersection), eps);
  const iou = tf.div(intersection, union);
  const hull = tf.add(tf.mul(tf.sub(tf.maximum(px2, tx2), tf.minimum(px1, tx1)), tf.sub(tf.maximum(py2, ty2), tf.minimum(py1, ty1))), eps);
  return tf.sub(iou, tf.div(tf.sub(hull, union), hull));
}
