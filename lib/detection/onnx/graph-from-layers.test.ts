import * as tf from "@tensorflow/tfjs";
import * as ort from "onnxruntime-node";
import { describe, expect, it } from "vitest";
import { detectorMetadata } from "../families";
import { decodeRaw } from "../one-stage/decode";
import { buildOneStageDetector } from "../one-stage/model";
import { pointGrid } from "../one-stage/points";
import { layersModelToOnnx, UnsupportedLayerError } from "./graph-from-layers";
import { oneStageToYoloOnnx } from "./one-stage-export";

const run = async (bytes: Uint8Array, feeds: Record<string, ort.Tensor>) => {
  const session = await ort.InferenceSession.create(bytes, { logSeverityLevel: 3 });
  try {
    return await session.run(feeds);
  } finally {
    await session.release();
  }
};

/** Channels-last [1, H, W, C] values as ONNX's channels-first [1, C, H, W]. */
const channelsFirst = (t: tf.Tensor4D) => tf.tidy(() => tf.transpose(t, [0, 3, 1, 2]).dataSync() as Float32Array);

const maxDifference = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  return worst;
};

describe("layersModelToOnnx", () => {
  it("gives the TF.js outputs for a strided convolution with ReLU6 then a depthwise convolution (TF's asymmetric same padding)", async () => {
    const input = tf.input({ name: "image", shape: [9, 8, 3] });
    const conv = tf.layers.conv2d({ filters: 4, kernelSize: 3, strides: 2, padding: "same", kernelInitializer: tf.initializers.randomNormal({ seed: 1 }), biasInitializer: tf.initializers.randomNormal({ seed: 2 }) });
    const capped = tf.layers.reLU({ maxValue: 6 }).apply(conv.apply(input)) as tf.SymbolicTensor;
    const depthwise = tf.layers.depthwiseConv2d({ kernelSize: 3, depthMultiplier: 2, padding: "same", depthwiseInitializer: tf.initializers.randomNormal({ seed: 3 }), biasInitializer: tf.initializers.randomNormal({ seed: 4 }) });
    const model = tf.model({ inputs: input, outputs: depthwise.apply(capped) as tf.SymbolicTensor });
    const image = tf.randomUniform([1, 9, 8, 3], -3, 3, "float32", 5) as tf.Tensor4D;
    const expected = model.predict(image) as tf.Tensor4D;

    const outputs = await run(layersModelToOnnx(model), { image: new ort.Tensor("float32", channelsFirst(image), [1, 3, 9, 8]) });
    const [output] = Object.values(outputs);
    expect(output!.dims).toEqual([1, 8, 5, 4]);
    expect(maxDifference(output!.data as Float32Array, channelsFirst(expected))).toBeLessThan(1e-4);
    tf.dispose([image, expected]);
    model.dispose();
  });

  it("names a layer it cannot convert", () => {
    const input = tf.input({ shape: [4, 4, 3] });
    const model = tf.model({ inputs: input, outputs: tf.layers.batchNormalization({ name: "stray_norm" }).apply(input) as tf.SymbolicTensor });
    expect(() => layersModelToOnnx(model)).toThrow(UnsupportedLayerError);
    expect(() => layersModelToOnnx(model)).toThrow(/stray_norm: BatchNormalization/);
    model.dispose();
  });
});

describe("oneStageToYoloOnnx", () => {
  it("decodes to the boxes and scores of the TF.js detector (backbone, pyramid, heads and decoding)", async () => {
    const size = 64;
    const metadata = detectorMetadata("one_stage", { width: "n", backbone: "face-mobilenet-v1", classes: ["a", "b", "c"], inputSize: size });
    const model = buildOneStageDetector(size, 3, "n");
    const pixels = tf.randomUniform([1, size, size, 3], 0, 255, "float32", 7) as tf.Tensor4D;
    const raw = tf.tidy(() => model.predict(tf.sub(tf.div(pixels, 127.5), 1)) as tf.Tensor);
    const grid = pointGrid(size, metadata.strides);
    const expected = decodeRaw(raw.dataSync() as Float32Array, grid, 3);

    const images = tf.tidy(() => channelsFirst(tf.div(pixels, 255) as tf.Tensor4D));
    const { output0 } = await run(oneStageToYoloOnnx(model, metadata), { images: new ort.Tensor("float32", images, [1, 3, size, size]) });
    expect(output0!.dims).toEqual([1, 7, grid.count]);
    const out = output0!.data as Float32Array;
    const n = grid.count;
    const boxes = new Float32Array(4 * n);
    const scores = new Float32Array(3 * n);
    for (let a = 0; a < n; a++) {
      const [cx, cy, w, h] = [out[a]!, out[n + a]!, out[2 * n + a]!, out[3 * n + a]!];
      boxes.set([cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2], 4 * a);
      for (let c = 0; c < 3; c++) scores[3 * a + c] = out[(4 + c) * n + a]!;
    }
    expect(maxDifference(boxes, expected.boxes)).toBeLessThan(1e-2);
    expect(maxDifference(scores, expected.scores)).toBeLessThan(1e-4);
    tf.dispose([pixels, raw]);
    model.dispose();
  });
});
