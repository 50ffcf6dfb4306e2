import * as tf from "@tensorflow/tfjs";
import { afterAll, describe, expect, it } from "vitest";
import { describeAdapter } from "./backend-selection";
import { probeWebGpuAdapter, selectNodeBackend } from "./node-backend";

/**
 * The WebGPU path in Node (Dawn via the `webgpu` package) against the wasm backend with its
 * training kernels: gradients of a small net built from the ops the detectors train through, and
 * Adam steps. Runs wherever a WebGPU adapter exists, software ones included (lavapipe from Mesa
 * 25: `apt-get install -t bookworm-backports mesa-vulkan-drivers`); skipped otherwise.
 */
const probe = await probeWebGpuAdapter();
const adapterLine = probe.adapter ? describeAdapter(probe.adapter) : `none (${probe.problem})`;
const noAdapter = probe.adapter === null;
if (noAdapter) console.warn(`webgpu-gradients: skipped, no WebGPU adapter: ${probe.problem}. For a software one: apt-get install -t bookworm-backports mesa-vulkan-drivers (Mesa 25)`);

/** Largest |webgpu - wasm| over the largest |wasm|, per gradient (measured on lavapipe: 3.6e-7). */
const TOLERANCE = 1e-5;
// a software adapter would otherwise be refused (by design: it is slower than wasm)
const env = { ...process.env, MASKLAB_ALLOW_SOFTWARE_WEBGPU: "1" };

function random(shape: number[], seed: number): { shape: number[]; data: Float32Array } {
  let state = seed;
  const data = new Float32Array(shape.reduce((a, b) => a * b, 1)).map(() => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648 - 0.5;
  });
  return { shape, data };
}

// input, conv 3x3/2 weights, depthwise 3x3 weights, conv 1x1 weights, dense weights and bias
const SHAPES = [
  [2, 16, 16, 3],
  [3, 3, 3, 8],
  [3, 3, 8, 1],
  [1, 1, 8, 6],
  [6, 5],
  [5],
];
const VALUES = SHAPES.map((shape, i) => random(shape, 7 + i * 131));
const NAMES = ["input", "conv", "depthwise", "pointwise", "dense", "bias"];
// rows of the upsampled feature map picked by gather, duplicates included (their gradients add up)
const ROWS = [0, 5, 5, 17, 100, 255, 256, 300, 300, 511, 42, 17];

/** conv2d → relu → depthwiseConv2d → conv 1x1 → nearest-neighbour 2x upsampling → gather → dense. */
function net(x: tf.Tensor, conv: tf.Tensor, depthwise: tf.Tensor, pointwise: tf.Tensor, dense: tf.Tensor, bias: tf.Tensor): tf.Scalar {
  let h = tf.relu(tf.conv2d(x as tf.Tensor4D, conv as tf.Tensor4D, 2, "same"));
  h = tf.depthwiseConv2d(h as tf.Tensor4D, depthwise as tf.Tensor4D, 1, "same");
  h = tf.conv2d(h as tf.Tensor4D, pointwise as tf.Tensor4D, 1, "valid");
  h = tf.image.resizeNearestNeighbor(h as tf.Tensor4D, [16, 16]);
  const picked = tf.gather(tf.reshape(h, [-1, 6]), tf.tensor1d(ROWS, "int32"));
  const out = tf.add(tf.matMul(picked as tf.Tensor2D, dense as tf.Tensor2D), bias);
  // a weighted sum, so every output gets a different upstream gradient
  return tf.sum(tf.mul(out, tf.sin(tf.range(0, out.size).reshape(out.shape)))) as tf.Scalar;
}

async function gradientsOn(backend: "wasm" | "webgpu"): Promise<{ loss: number; grads: Float32Array[] }> {
  await selectNodeBackend(backend, env);
  const inputs = VALUES.map((v) => tf.tensor(v.data, v.shape));
  const { value, grads } = tf.valueAndGrads((...ts: tf.Tensor[]) => net(ts[0]!, ts[1]!, ts[2]!, ts[3]!, ts[4]!, ts[5]!))(inputs);
  const arrays = (await Promise.all(grads.map((g) => g.data()))) as Float32Array[];
  const loss = (await value.data())[0]!;
  tf.dispose([inputs, grads, value]);
  return { loss, grads: arrays };
}

/** Adam on the net's weights (input fixed): the losses of `steps` steps, and the weights after. */
async function adamOn(backend: "wasm" | "webgpu", steps: number): Promise<{ losses: number[]; weights: Float32Array[] }> {
  await selectNodeBackend(backend, env);
  const x = tf.tensor(VALUES[0]!.data, VALUES[0]!.shape);
  const weights = VALUES.slice(1).map((v, i) => tf.variable(tf.tensor(v.data, v.shape), true, `adam-${backend}-${i}`));
  const optimizer = tf.train.adam(1e-2);
  const losses: number[] = [];
  for (let step = 0; step < steps; step++) {
    const loss = optimizer.minimize(() => net(x, weights[0]!, weights[1]!, weights[2]!, weights[3]!, weights[4]!), true, weights)!;
    losses.push((await loss.data())[0]!);
    loss.dispose();
  }
  const after = (await Promise.all(weights.map((w) => w.data()))) as Float32Array[];
  optimizer.dispose();
  tf.dispose([x, ...weights]);
  return { losses, weights: after };
}

function worstRelative(reference: Float32Array, other: Float32Array): { worst: number; scale: number } {
  let worst = 0;
  let scale = 1e-6;
  for (let i = 0; i < reference.length; i++) {
    worst = Math.max(worst, Math.abs(reference[i]! - other[i]!));
    scale = Math.max(scale, Math.abs(reference[i]!));
  }
  return { worst, scale };
}

afterAll(async () => {
  await tf.setBackend("wasm");
});

describe(`webgpu in Node (adapter: ${adapterLine})`, () => {
  it.skipIf(noAdapter)("gradients of conv2d, depthwise, upsampling, gather and dense match wasm", { timeout: 240_000 }, async () => {
    const wasm = await gradientsOn("wasm");
    const webgpu = await gradientsOn("webgpu");
    expect(tf.getBackend()).toBe("webgpu");
    // the loss is a signed sum of order-1 terms that nearly cancel: compare it in absolute terms
    expect(Math.abs(webgpu.loss - wasm.loss)).toBeLessThan(TOLERANCE);
    const report: string[] = [];
    for (let g = 0; g < wasm.grads.length; g++) {
      const { worst, scale } = worstRelative(wasm.grads[g]!, webgpu.grads[g]!);
      report.push(`${NAMES[g]}: max |webgpu - wasm| ${worst.toExponential(2)} (largest |gradient| ${scale.toExponential(2)}, relative ${(worst / scale).toExponential(2)})`);
      expect(scale, `${NAMES[g]} gradient is all zeros`).toBeGreaterThan(1e-3);
      expect(worst / scale, `${NAMES[g]}: max |webgpu - wasm| = ${worst} (scale ${scale})`).toBeLessThan(TOLERANCE);
    }
    console.log(`webgpu vs wasm gradients on ${adapterLine} (loss ${wasm.loss} vs ${webgpu.loss}):\n  ${report.join("\n  ")}`);
  });

  it.skipIf(noAdapter)("Adam steps run on webgpu, lower the loss and match wasm's steps", { timeout: 240_000 }, async () => {
    const steps = 5;
    const wasm = await adamOn("wasm", steps);
    const webgpu = await adamOn("webgpu", steps);
    expect(webgpu.losses.every(Number.isFinite)).toBe(true);
    expect(webgpu.losses[steps - 1]!).toBeLessThan(webgpu.losses[0]!);
    // the same losses step by step (absolute: see above)
    for (let step = 0; step < steps; step++) expect(Math.abs(webgpu.losses[step]! - wasm.losses[step]!), `step ${step}`).toBeLessThan(10 * TOLERANCE);
    // Adam's early updates are about lr * sign(gradient), so compare the weights after the steps in units of lr
    const drift = webgpu.weights.map((w, i) => {
      let worst = 0;
      for (let j = 0; j < w.length; j++) worst = Math.max(worst, Math.abs(w[j]! - wasm.weights[i]![j]!));
      return worst / 1e-2;
    });
    console.log(`Adam, ${steps} steps: losses webgpu ${webgpu.losses.map((l) => l.toFixed(4)).join(" → ")}, wasm ${wasm.losses.map((l) => l.toFixed(4)).join(" → ")}; max weight difference ${Math.max(...drift).toExponential(2)} × lr`);
    expect(Math.max(...drift)).toBeLessThan(0.05);
  });
});
