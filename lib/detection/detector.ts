import * as tf from "@tensorflow/tfjs";
import { EMBEDDING_DIMENSIONS, EMBEDDING_PROJECTION_SEED, projectVector, randomProjection, type RandomProjection } from "../domain/drift/projection";
import type { ModelMetadata } from "./artifact";
import { FACE_MOBILENET_FEATURES } from "./backbones/face-mobilenet-v1";
import { toImageSpace, type Letterbox } from "./letterbox";
import type { Detection } from "./nms";
import { detectionsFromRaw, type PostprocessOptions } from "./one-stage/decode";
import { pointGrid } from "./one-stage/points";
import { twoStageAnchors } from "./two-stage/anchors";
import { detectTwoStage, detectTwoStageWithExtras } from "./two-stage/detect";
import { twoStageParts } from "./two-stage/model";

/** Detections of a batch with one embedding per image (for drift monitoring). */
export interface DetectionsWithEmbeddings {
  /** exactly what `detect` gives */
  detections: Detection[][];
  /** per image: the backbone's pooled last feature map, L2-normalised, projected to EMBEDDING_DIMENSIONS */
  embeddings: Float32Array[];
}

/**
 * A model version ready to detect, whatever its architecture: the one inference entry point that
 * training's validation, `npm run predict`, the server and the browser share. The model may be the
 * whole detector (inputs: a normalised image batch from modelInput) or, during frozen-backbone
 * training, its heads (inputs: the backbone's cached feature maps); the post-processing is the same.
 */
export interface Detector {
  metadata: ModelMetadata;
  /** detections in image pixels, one list per image of the batch */
  detect(inputs: tf.Tensor | tf.Tensor[], letterboxes: readonly Letterbox[], postprocess?: Partial<PostprocessOptions>): Promise<Detection[][]>;
  /**
   * `detect` plus each image's embedding, in the same forward pass. Whole detectors only (inputs:
   * a normalised image batch); a heads-only model throws.
   */
  detectWithEmbedding(inputs: tf.Tensor, letterboxes: readonly Letterbox[], postprocess?: Partial<PostprocessOptions>): Promise<DetectionsWithEmbeddings>;
}

/** The backbone's last feature map (stride 32, 1024 channels): the ReLU6 after block 13's pointwise convolution. */
export const EMBEDDING_SOURCE_LAYER = "backbone_pw_13_relu6";
const BACKBONE_CHANNELS = FACE_MOBILENET_FEATURES.at(-1)!.channels;

export function detectorFor(model: tf.LayersModel, metadata: ModelMetadata): Detector {
  const numClasses = metadata.classes.length;
  const options = (overrides?: Partial<PostprocessOptions>) => ({ ...metadata.postprocessing, ...overrides });
  const toImage = (perImage: Detection[][], letterboxes: readonly Letterbox[]) => perImage.map((detections, n) => detections.map((d) => ({ ...d, box: toImageSpace(d.box, letterboxes[n]!) })));
  if (metadata.architecture === "mld1s") {
    const grid = pointGrid(metadata.inputSize, metadata.strides);
    const perImage = grid.count * (4 + numClasses);
    const decode = (values: Float32Array, letterboxes: readonly Letterbox[], overrides?: Partial<PostprocessOptions>) =>
      letterboxes.map((letterbox, n) => detectionsFromRaw(values.subarray(n * perImage, (n + 1) * perImage), grid, numClasses, letterbox, options(overrides)));
    let withPooled: tf.LayersModel | undefined;
    return {
      metadata,
      async detect(inputs, letterboxes, overrides) {
        const raw = model.predict(inputs) as tf.Tensor;
        const values = (await raw.data()) as Float32Array;
        raw.dispose();
        return decode(values, letterboxes, overrides);
      },
      async detectWithEmbedding(inputs, letterboxes, overrides) {
        withPooled ??= withPooledBackbone(model, model.inputs, model.outputs);
        const [raw, pooled] = withPooled.predict(inputs) as [tf.Tensor, tf.Tensor2D];
        const [values, features] = (await Promise.all([raw.data(), pooled.data()])) as [Float32Array, Float32Array];
        tf.dispose([raw, pooled]);
        return { detections: decode(values, letterboxes, overrides), embeddings: embeddingsOf(features) };
      },
    };
  }
  const parts = twoStageParts(model);
  // Anchors and strides as the model was trained (masklab.json), not today's defaults.
  const anchors = twoStageAnchors(metadata.inputSize, metadata.anchors!);
  let withPooled: typeof parts | undefined;
  return {
    metadata,
    async detect(inputs, letterboxes, overrides) {
      return toImage(await detectTwoStage(parts, inputs, anchors, metadata.strides, metadata.inputSize, numClasses, options(overrides)), letterboxes);
    },
    async detectWithEmbedding(inputs, letterboxes, overrides) {
      withPooled ??= { ...parts, stage1: withPooledBackbone(model, parts.stage1.inputs, parts.stage1.outputs) };
      const { detections, extras } = await detectTwoStageWithExtras(withPooled, inputs, anchors, metadata.strides, metadata.inputSize, numClasses, options(overrides));
      const features = (await extras[0]!.data()) as Float32Array;
      tf.dispose(extras);
      return { detections: toImage(detections, letterboxes), embeddings: embeddingsOf(features) };
    },
  };
}

/**
 * A model over the same graph (weights shared) with one more output: the global average pool of
 * the backbone's last feature map, so detections and embeddings come from one forward pass.
 */
function withPooledBackbone(model: tf.LayersModel, inputs: tf.SymbolicTensor[], outputs: tf.SymbolicTensor[]): tf.LayersModel {
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
function embeddingsOf(pooled: Float32Array): Float32Array[] {
  const projection = (embeddingProjection ??= randomProjection(BACKBONE_CHANNELS, EMBEDDING_DIMENSIONS, EMBEDDING_PROJECTION_SEED));
  return Array.from({ length: pooled.length / BACKBONE_CHANNELS }, (_, n) => projectVector(l2Normalized(pooled.subarray(n * BACKBONE_CHANNELS, (n + 1) * BACKBONE_CHANNELS)), projection));
}

function l2Normalized(vector: Float32Array): Float32Array {
  const norm = Math.sqrt(vector.reduce((sum, v) => sum + v * v, 0));
  return norm > 0 ? vector.map((v) => v / norm) : new Float32Array(vector.length);
}
