import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { loadFaceSsdMobileNetWeights } from "@/lib/server/training/pretrained-weights";
import { useNodeBackend } from "../tf/node-backend";
import { faceMobileNetV1, foldDepthwiseBatchNorm, normalizeForFaceMobileNet } from "./face-mobilenet-v1";

let weights: Record<string, tf.Tensor>;
beforeAll(async () => {
  await useNodeBackend("wasm");
  weights = await loadFaceSsdMobileNetWeights();
});

/**
 * face-api's own forward pass, transcribed from its source (src/ssdMobilenetv1/mobileNetV1.ts):
 * unfolded batch norms, strides at blocks 2, 4, 6, 12. The reference for our layers.
 */
function faceApiReference(x: tf.Tensor4D): { conv11: tf.Tensor4D; out: tf.Tensor4D } {
  const w = (name: string) => weights[`MobilenetV1/${name}`]!;
  let out = tf.clipByValue(tf.add(tf.conv2d(x, w("Conv2d_0_pointwise/weights") as tf.Tensor4D, 2, "same"), w("Conv2d_0_pointwise/convolution_bn_offset")), 0, 6) as tf.Tensor4D;
  let conv11 = out;
  for (let i = 1; i <= 13; i++) {
    const strides = [2, 4, 6, 12].includes(i) ? 2 : 1;
    const p = `Conv2d_${i}`;
    let d = tf.depthwiseConv2d(out, w(`${p}_depthwise/depthwise_weights`) as tf.Tensor4D, strides, "same");
    const bn = (name: string) => w(`${p}_depthwise/BatchNorm/${name}`) as tf.Tensor1D;
    d = tf.batchNorm(d, bn("moving_mean"), bn("moving_variance"), bn("beta"), bn("gamma"), 0.0010000000474974513) as tf.Tensor4D;
    d = tf.clipByValue(d, 0, 6);
    out = tf.clipByValue(tf.add(tf.conv2d(d, w(`${p}_pointwise/weights`) as tf.Tensor4D, 1, "same"), w(`${p}_pointwise/convolution_bn_offset`)), 0, 6) as tf.Tensor4D;
    if (i === 11) conv11 = out;
  }
  return { conv11, out };
}

async function maxDifference(a: tf.Tensor, b: tf.Tensor): Promise<number> {
  return (await tf.max(tf.abs(tf.sub(a, b))).data())[0]!;
}

describe("the face-trained MobileNetV1 backbone", () => {
  it("folding a batch norm into the depthwise filter changes nothing", async () => {
    const x = tf.randomNormal<tf.Rank.R4>([1, 9, 9, 6], 0, 1, "float32", 1);
    const filter = tf.randomNormal<tf.Rank.R4>([3, 3, 6, 1], 0, 1, "float32", 2);
    const [gamma, beta, mean] = [3, 4, 5].map((seed) => tf.randomNormal<tf.Rank.R1>([6], 0, 1, "float32", seed));
    const variance = tf.abs(tf.randomNormal<tf.Rank.R1>([6], 1, 0.5, "float32", 6));
    const expected = tf.batchNorm(tf.depthwiseConv2d(x, filter, 1, "same"), mean!, variance, beta!, gamma!, 0.0010000000474974513);
    const folded = foldDepthwiseBatchNorm(filter, gamma!, beta!, mean!, variance);
    const actual = tf.add(tf.depthwiseConv2d(x, folded.filter, 1, "same"), folded.bias);
    expect(await maxDifference(actual, expected)).toBeLessThan(1e-4);
  });

  it("loads every pretrained layer and gives face-api's own features at strides 16 and 32, and a stride-8 map", async () => {
    const input = tf.input({ shape: [416, 416, 3] });
    const model = tf.model({ inputs: input, outputs: faceMobileNetV1(input, weights) });
    const pixels = tf.randomUniform<tf.Rank.R4>([1, 416, 416, 3], 0, 255, "float32", 7);
    const x = normalizeForFaceMobileNet(pixels);
    const [s8, s16, s32] = model.predict(x) as tf.Tensor4D[];
    expect(s8!.shape).toEqual([1, 52, 52, 256]);
    expect(s16!.shape).toEqual([1, 26, 26, 512]);
    expect(s32!.shape).toEqual([1, 13, 13, 1024]);
    const reference = faceApiReference(x);
    expect(await maxDifference(s16!, reference.conv11)).toBeLessThan(1e-3);
    expect(await maxDifference(s32!, reference.out)).toBeLessThan(1e-3);
    // Not a dead network: the features vary.
    expect((await tf.moments(s32!).variance.data())[0]).toBeGreaterThan(1e-3);
    expect(model.countParams()).toBeGreaterThan(3_000_000);
  });

  it("from scratch builds the same shapes with random weights", () => {
    const input = tf.input({ shape: [128, 128, 3] });
    const outputs = faceMobileNetV1(input);
    expect(outputs.map((o) => o.shape)).toEqual([
      [null, 16, 16, 256],
      [null, 8, 8, 512],
      [null, 4, 4, 1024],
    ]);
  });
});
