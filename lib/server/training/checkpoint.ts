import * as tf from "@tensorflow/tfjs";
import { z } from "zod";
import type { SplitMetrics } from "./evaluate-split";

/**
 * What a training job saves after every epoch so another worker can carry on exactly where it
 * stopped: the weights, the optimiser's state (Adam's moments and step count), the best epoch so
 * far (its weights and val metrics, so selection still sees it), and the sampler's random state.
 * One JSON document with base64 tensor data: portable across machines and backends.
 */
export interface TrainingCheckpoint {
  epoch: number;
  weights: tf.Tensor[];
  optimizer: Array<{ name: string; tensor: tf.Tensor }>;
  best: { epoch: number; metrics: SplitMetrics; weights: tf.Tensor[] } | null;
  randomState: number;
}

const tensorSchema = z.object({ name: z.string().optional(), shape: z.array(z.number().int().nonnegative()), dtype: z.enum(["float32", "int32"]), data: z.string() });
const checkpointSchema = z.object({
  format: z.literal("masklab-checkpoint/2"),
  epoch: z.number().int().positive(),
  weights: z.array(tensorSchema),
  optimizer: z.array(tensorSchema),
  best: z.object({ epoch: z.number().int().positive(), metrics: z.object({ mAP50: z.number(), mAP50to95: z.number(), perClassAP50: z.record(z.string(), z.number()) }), weights: z.array(tensorSchema) }).nullable(),
  randomState: z.number().int().nonnegative(),
});

/** Raw little-endian bytes of a float32 or int32 tensor (Adam's step count is int32). */
async function encodeTensor(tensor: tf.Tensor, name?: string) {
  if (tensor.dtype !== "float32" && tensor.dtype !== "int32") throw new Error(`cannot checkpoint a ${tensor.dtype} tensor`);
  const values = (await tensor.data()) as Float32Array | Int32Array;
  return { name, shape: tensor.shape, dtype: tensor.dtype, data: Buffer.from(values.buffer, values.byteOffset, values.byteLength).toString("base64") };
}

function decodeTensor(entry: z.infer<typeof tensorSchema>): tf.Tensor {
  const bytes = Buffer.from(entry.data, "base64");
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  return tf.tensor(entry.dtype === "int32" ? new Int32Array(buffer) : new Float32Array(buffer), entry.shape, entry.dtype);
}

export async function encodeCheckpoint(checkpoint: TrainingCheckpoint): Promise<Uint8Array> {
  const document = {
    format: "masklab-checkpoint/2",
    epoch: checkpoint.epoch,
    weights: await Promise.all(checkpoint.weights.map((w) => encodeTensor(w))),
    optimizer: await Promise.all(checkpoint.optimizer.map((w) => encodeTensor(w.tensor, w.name))),
    best: checkpoint.best && { epoch: checkpoint.best.epoch, metrics: checkpoint.best.metrics, weights: await Promise.all(checkpoint.best.weights.map((w) => encodeTensor(w))) },
    randomState: checkpoint.randomState,
  };
  return new TextEncoder().encode(JSON.stringify(document));
}

/** Reads a checkpoint; one written by another format or a damaged one is an error that says so. */
export function decodeCheckpoint(bytes: Uint8Array): TrainingCheckpoint {
  let parsed;
  try {
    parsed = checkpointSchema.parse(JSON.parse(new TextDecoder().decode(bytes)));
  } catch (error) {
    throw new Error(`the job's checkpoint cannot be read (${error instanceof z.ZodError ? error.issues[0]?.message : (error as Error).message}); cancel and restart the job`);
  }
  return {
    epoch: parsed.epoch,
    weights: parsed.weights.map(decodeTensor),
    optimizer: parsed.optimizer.map((entry) => ({ name: entry.name ?? "", tensor: decodeTensor(entry) })),
    best: parsed.best && { epoch: parsed.best.epoch, metrics: parsed.best.metrics, weights: parsed.best.weights.map(decodeTensor) },
    randomState: parsed.randomState,
  };
}
