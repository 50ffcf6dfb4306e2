import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { batchTargets, gridTensors, oneStageLoss } from "./one-stage/loss";
import { pointGrid } from "./one-stage/points";
import { useNodeBackend } from "./tf/node-backend";
import { twoStageLoss } from "./two-stage/train-step";

beforeAll(async () => {
  await useNodeBackend("wasm");
});

const LOG2 = Math.log(2);
/** softplus⁻¹(1): the raw side value whose distance is exactly one stride. */
const ONE_STRIDE = Math.log(Math.E - 1);

describe("one-stage loss, by hand", () => {
  // A 16 px input at stride 8 has 4 points; point 0 is at (4, 4). One class.
  const grid = pointGrid(16, [8]);
  const raw = (classLogit: number) => tf.tensor3d([[[ONE_STRIDE, ONE_STRIDE, ONE_STRIDE, ONE_STRIDE, classLogit], ...Array.from({ length: 3 }, () => [0, 0, 0, 0, 0])]]);
  const assignment = (target: number[]) => ({
    targetClass: Int32Array.from([0, -1, -1, -1]),
    targetScore: Float32Array.from([1, 0, 0, 0]),
    targetBox: Float32Array.from([...target, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]),
    positives: 1,
  });

  it("BCE over every point and class, GIoU of the positive, divided by the target scores", async () => {
    // Predicted box of point 0: 8 px to each side of (4, 4) = (−4, −4, 12, 12), the target exactly.
    const exact = oneStageLoss(raw(0), batchTargets([assignment([-4, -4, 12, 12])], 1), gridTensors(grid), 1, { classification: 1, box: 2.5 });
    // Four logits of 0: BCE log 2 each; normaliser 1.
    expect((await exact.classification.data())[0]).toBeCloseTo(4 * LOG2, 5);
    expect((await exact.box.data())[0]).toBeCloseTo(0, 5);
    // A target twice as tall (−4, −4, 12, 28): IoU 256 / 512, the hull is the union, GIoU 0.5.
    const taller = oneStageLoss(raw(0), batchTargets([assignment([-4, -4, 12, 28])], 1), gridTensors(grid), 1, { classification: 1, box: 2.5 });
    expect((await taller.box.data())[0]).toBeCloseTo(0.5, 5);
    expect((await taller.total.data())[0]).toBeCloseTo(4 * LOG2 + 2.5 * 0.5, 5);
    // Beside the target (12, −4, 28, 12): IoU 0, hull 32 × 16 = 512, union 512: GIoU 0 → loss 1.
    const beside = oneStageLoss(raw(0), batchTargets([assignment([12, -4, 28, 12])], 1), gridTensors(grid), 1, { classification: 1, box: 2.5 });
    expect((await beside.box.data())[0]).toBeCloseTo(1, 5);
  });

  it("a confident right answer costs little, a confident wrong one a lot", async () => {
    const right = oneStageLoss(raw(9), batchTargets([assignment([-4, -4, 12, 12])], 1), gridTensors(grid), 1);
    const wrong = oneStageLoss(raw(-9), batchTargets([assignment([-4, -4, 12, 12])], 1), gridTensors(grid), 1);
    // 3 background points at logit 0 (log 2 each) + log(1 + e^∓9) for the positive.
    expect((await right.classification.data())[0]).toBeCloseTo(3 * LOG2 + Math.log1p(Math.exp(-9)), 5);
    expect((await wrong.classification.data())[0]).toBeCloseTo(3 * LOG2 + Math.log1p(Math.exp(9)), 4);
  });
});

describe("two-stage loss, by hand", () => {
  it("RPN BCE and smooth L1 (β = 1/9) over the sampled anchors; head cross-entropy and smooth L1 (β = 1) over the ROIs", async () => {
    // Two anchors, both sampled: anchor 0 positive (logit 0, dx off by 0.1), anchor 1 negative (logit 0).
    const rpn = tf.tensor3d([[[0, 0.1, 0, 0, 0], [0, 3, 3, 3, 3]]]);
    const rpnTarget = { objectness: Float32Array.from([1, 0]), sampled: Float32Array.from([1, 1]), positive: Float32Array.from([1, 0]), deltas: new Float32Array(8), positives: 1 };
    // Two ROIs, one class: ROI 0 foreground (label 1, dx off by 2), ROI 1 background (its deltas ignored).
    const logits = tf.tensor2d([[0, 0], [0, 0]]);
    const deltas = tf.tensor2d([[2, 0, 0, 0], [5, 5, 5, 5]]);
    const rois = { boxes: [], labels: [1, 0], deltas: [{ dx: 0, dy: 0, dw: 0, dh: 0 }, { dx: 0, dy: 0, dw: 0, dh: 0 }] };
    const loss = twoStageLoss(rpn, [rpnTarget], logits, deltas, [rois]);
    const read = async (t: tf.Tensor) => (await t.data())[0]!;
    expect(await read(loss.rpnObjectness)).toBeCloseTo((2 * LOG2) / 2, 6);
    // |0.1| < 1/9: 0.5 · 0.01 / (1/9) = 0.045, over 2 sampled anchors.
    expect(await read(loss.rpnBox)).toBeCloseTo(0.045 / 2, 6);
    // Both ROIs at even odds: cross-entropy log 2 each, averaged.
    expect(await read(loss.roiClassification)).toBeCloseTo(LOG2, 6);
    // |2| ≥ 1: 2 − 0.5 = 1.5 for the foreground ROI, over 2 ROIs.
    expect(await read(loss.roiBox)).toBeCloseTo(0.75, 6);
    expect(await read(loss.total)).toBeCloseTo(LOG2 + 0.0225 + LOG2 + 0.75, 5);
  });
});
