import * as tf from "@tensorflow/tfjs";
import type { DetectorMetadata, ModelMetadata } from "@/lib/contracts/artifact";
import { embeddingsOf } from "./common/embedding";
import { toImageSpace, type Letterbox } from "./common/letterbox";
import type { Detection } from "./common/nms";
import type { PostprocessOptions } from "./common/postprocess";
import { modelInputs, type RgbImage } from "./common/preprocess";

/** A detection in image pixels, with its class's name (masklab.json's classes) beside its index. */
export interface NamedDetection extends Detection {
  className: string;
}

/** Detections of a batch with one embedding per image (for drift monitoring). */
export interface DetectionsWithEmbeddings {
  /** exactly what `detect` gives */
  detections: NamedDetection[][];
  /** per image: the backbone's pooled last feature map, L2-normalised, projected to EMBEDDING_DIMENSIONS */
  embeddings: Float32Array[];
}

/**
 * A model version ready to detect, whatever its family: the one inference entry point that
 * validation, `npm run predict`, the server, the monitor and the browser share. `detect` takes
 * decoded pixels and does the rest (letterbox, normalise, forward pass, decode, NMS, back to
 * image pixels, class names); `postprocess` overrides masklab.json's settings for one call (a
 * caller's score threshold, evaluation's multi-label). TF.js models (detectorOver) and ONNX models
 * (lib/detection/onnx/onnx-detector.ts) both implement it.
 */
export interface Detector {
  /** masklab.json: a TF.js model's, or an ONNX model's (format "masklab-onnx/1") */
  metadata: DetectorMetadata;
  /** detections per image, in one batch */
  detect(images: readonly RgbImage[], postprocess?: Partial<PostprocessOptions>): Promise<NamedDetection[][]>;
  /** `detect` plus each image's embedding, in the same forward pass. Whole detectors only: a heads-only model throws. */
  detectWithEmbedding(images: readonly RgbImage[], postprocess?: Partial<PostprocessOptions>): Promise<DetectionsWithEmbeddings>;
  /**
   * `detect` on inputs already prepared: a normalised image batch from modelInput or, for a
   * heads-only model during frozen-backbone training, the backbone's cached feature maps. For
   * training's validation, which times the model without decoding. TF.js models only: an ONNX
   * detector throws.
   */
  detectPrepared(inputs: tf.Tensor | tf.Tensor[], letterboxes: readonly Letterbox[], postprocess?: Partial<PostprocessOptions>): Promise<NamedDetection[][]>;
  /** What runs the model, as latency figures name it: TF.js's backend in use ("wasm", "webgpu") or the ONNX runtime ("onnxruntime-cpu"). */
  runtime(): string;
  /** Frees the model's weights; the detector cannot be used afterwards. */
  dispose(): void;
}

/**
 * What a family contributes to inference: its forward pass and decoding on prepared inputs,
 * detections in model-input pixels, one list per image. Everything around it is detectorOver's.
 */
export interface FamilyInference {
  detect(inputs: tf.Tensor | tf.Tensor[], options: PostprocessOptions): Promise<Detection[][]>;
  /** the same forward pass, plus the backbone's last feature map pooled per image, [batch × channels] row by row */
  detectWithPooledFeatures(inputs: tf.Tensor, options: PostprocessOptions): Promise<{ detections: Detection[][]; pooled: Float32Array }>;
}

/** A Detector around a family's inference: the pre- and post-processing every family shares. */
export function detectorOver(model: tf.LayersModel, metadata: ModelMetadata, inference: FamilyInference): Detector {
  const options = (overrides?: Partial<PostprocessOptions>): PostprocessOptions => ({ ...metadata.postprocessing, ...overrides });
  const inImage = (perImage: Detection[][], letterboxes: readonly Letterbox[]): NamedDetection[][] =>
    perImage.map((detections, n) => detections.map((d) => ({ ...d, box: toImageSpace(d.box, letterboxes[n]!), className: metadata.classes[d.classIndex]! })));
  const withInputs = async <T>(images: readonly RgbImage[], run: (batch: tf.Tensor4D, letterboxes: Letterbox[]) => Promise<T>): Promise<T> => {
    const { batch, letterboxes } = modelInputs(images, metadata.inputSize);
    try {
      return await run(batch, letterboxes);
    } finally {
      batch.dispose();
    }
  };
  return {
    metadata,
    async detect(images, postprocess) {
      if (images.length === 0) return [];
      return withInputs(images, async (batch, letterboxes) => inImage(await inference.detect(batch, options(postprocess)), letterboxes));
    },
    async detectWithEmbedding(images, postprocess) {
      if (images.length === 0) return { detections: [], embeddings: [] };
      return withInputs(images, async (batch, letterboxes) => {
        const { detections, pooled } = await inference.detectWithPooledFeatures(batch, options(postprocess));
        return { detections: inImage(detections, letterboxes), embeddings: embeddingsOf(pooled) };
      });
    },
    async detectPrepared(inputs, letterboxes, postprocess) {
      return inImage(await inference.detect(inputs, options(postprocess)), letterboxes);
    },
    runtime: () => tf.getBackend(),
    dispose() {
      model.dispose();
    },
  };
}
