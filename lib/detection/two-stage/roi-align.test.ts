import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { useNodeBackend } from "../tf/node-backend";
import { featureTable, levelForRoi, roiAlign, roiAlignPlan, type FeatureLevel } from "./roi-align";

beforeAll(async () => {
  await useNodeBackend("wasm");
});

/** A seeded [1, H, W, C] map with distinct values. */
function map(height: number, width: number, channels: number, offset = 0): tf.Tensor4D {
  return tf.tensor4d(Float32Array.from({ length: height * width * channels }, (_, i) => Math.sin(i * 0.37 + offset) * 3), [1, height, width, channels]);
}

describe("ROI-Align", () => {
  it("with one sample per bin, equals cropAndResize at the bin centres (forward values)", async () => {
    const stride = 8;
    const level: FeatureLevel = { stride, height: 10, width: 12 };
    const features = map(10, 12, 3);
    const box = { xmin: 13, ymin: 21, xmax: 61, ymax: 57 }; // under 128 px: level 0
    const P = 4;
    const plan = roiAlignPlan([{ batchIndex: 0, box }], [level], 1, { outputSize: P, samplingRatio: 1 });
    const pooled = await roiAlign(featureTable([features]), plan).array();
    // Bin centre i along y: y1 + (i + 0.5)·binH in feature coordinates (input / stride − 0.5).
    const binH = (box.ymax - box.ymin) / stride / P;
    const binW = (box.xmax - box.xmin) / stride / P;
    const y0 = box.ymin / stride - 0.5 + 0.5 * binH;
    const x0 = box.xmin / stride - 0.5 + 0.5 * binW;
    // cropAndResize samples y1n·(H−1) + i·(y2n − y1n)·(H−1)/(P−1): choose y1n, y2n to land on the same points.
    const y1n = y0 / (level.height - 1);
    const y2n = (y0 + (P - 1) * binH) / (level.height - 1);
    const x1n = x0 / (level.width - 1);
    const x2n = (x0 + (P - 1) * binW) / (level.width - 1);
    const expected = await tf.image.cropAndResize(features, tf.tensor2d([[y1n, x1n, y2n, x2n]]), [0], [P, P], "bilinear").array();
    const flat = (v: number[][][][]) => v.flat(3);
    const a = flat(pooled);
    const b = flat(expected);
    expect(a.length).toBe(b.length);
    a.forEach((v, i) => expect(v).toBeCloseTo(b[i]!, 5));
  });

  it("averages S×S samples: a constant map pools to that constant; a map linear in x pools to the bin's mean x", async () => {
    const level: FeatureLevel = { stride: 4, height: 16, width: 16 };
    const constant = tf.fill([1, 16, 16, 2], 2.5) as tf.Tensor4D;
    const box = { xmin: 8, ymin: 8, xmax: 40, ymax: 24 };
    const plan = roiAlignPlan([{ batchIndex: 0, box }], [level], 1, { outputSize: 2, samplingRatio: 2 });
    for (const v of (await roiAlign(featureTable([constant]), plan).data()) as Float32Array) expect(v).toBeCloseTo(2.5, 6);
    // f(row, col) = col: the pooled value is the mean feature x of the bin's samples.
    const linear = tf.tensor4d(Float32Array.from({ length: 256 }, (_, i) => i % 16), [1, 16, 16, 1]);
    const pooled = (await roiAlign(featureTable([linear]), plan).data()) as Float32Array;
    // Box x 8..40 px → feature x 1.5..9.5; two bins of width 4, samples at 2.5, 4.5 and 6.5, 8.5.
    expect(pooled[0]).toBeCloseTo(3.5, 5);
    expect(pooled[1]).toBeCloseTo(7.5, 5);
  });

  it("picks the level by ROI size and the image by batch index", async () => {
    expect(levelForRoi({ xmin: 0, ymin: 0, xmax: 20, ymax: 20 }, 3)).toBe(0);
    expect(levelForRoi({ xmin: 0, ymin: 0, xmax: 130, ymax: 130 }, 3)).toBe(1);
    expect(levelForRoi({ xmin: 0, ymin: 0, xmax: 300, ymax: 300 }, 3)).toBe(2);
    expect(levelForRoi({ xmin: 0, ymin: 0, xmax: 900, ymax: 900 }, 3)).toBe(2);
    const levels: FeatureLevel[] = [
      { stride: 8, height: 4, width: 4 },
      { stride: 16, height: 10, width: 10 },
    ];
    // Image 0 all zeros, image 1 all ones on level 0; level 1 all sevens.
    const l0 = tf.concat([tf.zeros([1, 4, 4, 1]), tf.ones([1, 4, 4, 1])]) as tf.Tensor4D;
    const l1 = tf.fill([2, 10, 10, 1], 7) as tf.Tensor4D;
    const plan = roiAlignPlan(
      [
        { batchIndex: 1, box: { xmin: 0, ymin: 0, xmax: 16, ymax: 16 } },
        { batchIndex: 0, box: { xmin: 0, ymin: 0, xmax: 16, ymax: 16 } },
        { batchIndex: 0, box: { xmin: 0, ymin: 0, xmax: 140, ymax: 140 } },
      ],
      levels,
      2,
      { outputSize: 1, samplingRatio: 1 },
    );
    expect(Array.from((await roiAlign(featureTable([l0, l1]), plan).data()) as Float32Array)).toEqual([1, 0, 7]);
    expect(() => roiAlignPlan([{ batchIndex: 2, box: { xmin: 0, ymin: 0, xmax: 8, ymax: 8 } }], levels, 2)).toThrow(/batch of 2/);
  });

  it("its gradient with respect to the features matches a numerical gradient", async () => {
    const levels: FeatureLevel[] = [{ stride: 8, height: 6, width: 7 }];
    const features = map(6, 7, 2, 1);
    const rois = [
      { batchIndex: 0, box: { xmin: 3.3, ymin: 5.1, xmax: 40.7, ymax: 30.2 } },
      { batchIndex: 0, box: { xmin: -6, ymin: 20, xmax: 30, ymax: 60 } }, // partly outside the map
    ];
    const plan = roiAlignPlan(rois, levels, 1, { outputSize: 3, samplingRatio: 2 });
    const projection = tf.tensor4d(Float32Array.from({ length: 2 * 3 * 3 * 2 }, (_, i) => Math.cos(i)), [2, 3, 3, 2]);
    const objective = (f: tf.Tensor) => tf.sum(tf.mul(roiAlign(featureTable([f as tf.Tensor4D]), plan), projection)) as tf.Scalar;
    const analytic = (await tf.grad(objective)(features).data()) as Float32Array;
    const base = (await features.data()) as Float32Array;
    const h = 1e-2;
    let compared = 0;
    for (let i = 0; i < base.length; i++) {
      const plus = Float32Array.from(base);
      const minus = Float32Array.from(base);
      plus[i]! += h;
      minus[i]! -= h;
      const numeric = ((await objective(tf.tensor4d(plus, features.shape)).data())[0]! - (await objective(tf.tensor4d(minus, features.shape)).data())[0]!) / (2 * h);
      expect(analytic[i]).toBeCloseTo(numeric, 3);
      if (Math.abs(numeric) > 1e-3) compared++;
    }
    expect(compared).toBeGreaterThan(20); // the ROIs really read many cells
  });
});
