import * as tf from "@tensorflow/tfjs";

/**
 * Both detectors build their targets from the model's current predictions (the one-stage
 * assigner scores them; the two-stage head trains on the RPN's proposals). Where a backend can
 * read a tensor synchronously (wasm, cpu) the step reads them inside the gradient pass: one
 * forward pass. WebGPU in Node cannot (dataSync needs an OffscreenCanvas), so there the step first
 * runs a forward pass without gradients, reads it asynchronously, and then takes the gradient pass
 * with the targets fixed. Both give the same targets: the forward pass is deterministic.
 */
export type PredictionRead = "in-gradient-pass" | "forward-first";

export function predictionRead(): PredictionRead {
  return tf.getBackend() === "webgpu" ? "forward-first" : "in-gradient-pass";
}

/** Scalars a step kept out of its gradient pass, read asynchronously and disposed. */
export async function readScalars<K extends string>(scalars: Record<K, tf.Scalar>): Promise<Record<K, number>> {
  const keys = Object.keys(scalars) as K[];
  const values = await Promise.all(keys.map(async (k) => (await scalars[k].data())[0]!));
  tf.dispose(keys.map((k) => scalars[k]));
  return Object.fromEntries(keys.map((k, i) => [k, values[i]!])) as Record<K, number>;
}
