import * as tf from "@tensorflow/tfjs";
import { EMBEDDING_DIMENSIONS, EMBEDDING_PROJECTION_SEED, projectVector, randomProjection, type RandomProjection } from "@/lib/domain/drift/projection";
import { FACE_MOBILENET_FEATURES } from "../backbones/face-mobilenet-v1";

/** The backbone's last feature map (stride 32, 1024 channels): the ReLU6 after block 13's pointwise convolution. */
export const EMBEDDING_SOURCE_LAYER = "backbone_pw_13_relu6";
const BACKBONE_CHANNELS = FACE_MOBILENET_FEATURES.at(-1)!.channels;

/**
 * A model over the same graph (weights shared, so disposing the original frees them) with one
 * more output: the global average pool of the backbone's last feature map, so detections and
 * embeddings come from one forward pass.
 */
export function withPooledBackbone(model: tf.LayersModel, inputs: tf.SymbolicTensor[], outputs: tf.SymbolicTensor[]): tf.LayersModel {
  const source = model.layers.find((layer) => layer.name === EMBEDDING_SOURCE_LAYER);
  if (!source) {
    throw new Error(`embeddings need a whole detector (image in), but model "${model.name}" has no backbone layer "${EMBEDDING_SOURCE_LAYER}": a heads-only model over cached features?`);
  }
  const pooled = tf.layers.globalAveragePooling2d({}).apply(source.output as tf.SymbolicTensor) as tf.SymbolicTensor;
  return tf.model({ inputs, outputs: [...outputs, pooled] });
}

let embeddingProjection: RandomProjection | undefined;

/**
 * Pooled features [batch × 1024], row by row → L2-normalised (each image weighs the same in a
 * window's mean) → projected to EMBEDDING_DIMENSIONS. An all-zero row stays zero.
 */
export function embeddingsOf(pooled: Float32Array): Float32Array[] {
  const projection = (embeddingProjection ??= randomProjection(BACKBONE_CHANNELS, EMBEDDING_DIMENSIONS, EMBEDDING_PROJECTION_SEED));
  return Array.from({ length: pooled.length / BACKBONE_CHANNELS }, (_, n) => projectVector(l2Normalized(pooled.subarray(n * BACKBONE_CHANNELS, (n + 1) * BACKBONE_CHANNELS)), projection));
}

function l2Normalized(vector: Float32Array): Float32Array {
  const norm = Math.sqrt(vector.reduce((sum, v) => sum + v * v, 0));
  return norm > 0 ? vector.map((v) => v / norm) : new Float32Array(vector.length);
}
