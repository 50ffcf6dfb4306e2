import * as tf from "@tensorflow/tfjs";
import type { DetectorMetadata, ModelMetadata } from "@/lib/contracts/artifact";
import { embeddingsOf } from "./common/embedding";
import { toImageSpace, type Letterbox } from "./common/letterbox";
import type { Detection } from "./common/nms";
import type { PostprocessOptions } from "./common/postprocess";
import { modelInputs, pixelsTensor, type RgbImage } from "./common/preprocess";
import { judgeFaces, judgeFeatureModel } from "./judge/mask-judge";
import { faceScoreReaching, rescoreFaces } from "./judge/rescore";

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
  /**
   * `detect` post-processed each way asked for (one list per way, then per image) from one forward
   * pass: a val pass that scores the detector's own classes and faces only costs one.
   */
  detectEachWay(images: readonly RgbImage[], ways: ReadonlyArray<Partial<PostprocessOptions>>): Promise<NamedDetection[][][]>;
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
  /** one list per way in `ways`, then per image, from one forward pass */
  detect(inputs: tf.Tensor | tf.Tensor[], ways: readonly PostprocessOptions[]): Promise<Detection[][][]>;
  /** the same forward pass, plus the backbone's last feature map pooled per image, [batch × channels] row by row */
  detectWithPooledFeatures(inputs: tf.Tensor, options: PostprocessOptions): Promise<{ detections: Detection[][]; pooled: Float32Array }>;
}

/**
 * The judge's backbone at crop size, one per detector model: detectors made over the same model
 * (training's val checks, then the registered one) share it, and disposing any of them frees it
 * with the model.
 */
const judgeBackbones = new WeakMap<tf.LayersModel, tf.LayersModel>();
function judgeBackboneOf(model: tf.LayersModel, cropSize: number): tf.LayersModel {
  let backbone = judgeBackbones.get(model);
  if (backbone?.inputs[0]!.shape[1] !== cropSize) {
    backbone?.dispose();
    backbone = judgeFeatureModel(cropSize, model);
    judgeBackbones.set(model, backbone);
  }
  return backbone;
}

/**
 * A Detector around a family's inference: the pre- and post-processing every family shares. A
 * model with a mask judge (masklab.json's `judge`) detects faces, then judges each face's mask on
 * a crop of the full-resolution image (lib/detection/judge); detectPrepared, which has no pixels,
 * gives the detector's own classes.
 */
export function detectorOver(model: tf.LayersModel, metadata: ModelMetadata, inference: FamilyInference): Detector {
  const options = (overrides?: Partial<PostprocessOptions>): PostprocessOptions => ({ ...metadata.postprocessing, ...overrides });
  const named = (detections: Detection[]): NamedDetection[] => detections.map((d) => ({ ...d, className: metadata.classes[d.classIndex]! }));
  const inImage = (perImage: Detection[][], letterboxes: readonly Letterbox[]): NamedDetection[][] => perImage.map((detections, n) => named(detections.map((d) => ({ ...d, box: toImageSpace(d.box, letterboxes[n]!) }))));
  const { judge } = metadata;
  /** What the family is asked for: faces when a judge gives the classes, else the caller's detections. */
  const familyOptions = (overrides?: Partial<PostprocessOptions>): PostprocessOptions => {
    const wanted = options(overrides);
    return judge ? { ...wanted, faces: true, scoreThreshold: Math.max(faceScoreReaching(judge.scoring, wanted.scoreThreshold), judge.minFaceScore), iouThreshold: judge.faceIou ?? wanted.iouThreshold } : wanted;
  };
  /** Faces in image pixels → detections with the judge's classes (or the detections as they are, without a judge). */
  const judged = async (images: readonly RgbImage[], perImage: NamedDetection[][], overrides?: Partial<PostprocessOptions>): Promise<NamedDetection[][]> => {
    if (!judge) return perImage;
    const judgeFeatures = judgeBackboneOf(model, judge.cropSize);
    const out: NamedDetection[][] = [];
    for (const [n, faces] of perImage.entries()) {
      if (faces.length === 0) {
        out.push([]);
        continue;
      }
      const pixels = pixelsTensor(images[n]!);
      const probabilities = await judgeFaces(judgeFeatures, pixels, faces.map((f) => f.box), judge, metadata.classes.length);
      pixels.dispose();
      out.push(named(rescoreFaces(faces, probabilities, metadata.classes.length, options(overrides), judge.scoring)));
    }
    return out;
  };
  const withInputs = async <T>(images: readonly RgbImage[], run: (batch: tf.Tensor4D, letterboxes: Letterbox[]) => Promise<T>): Promise<T> => {
    const { batch, letterboxes } = modelInputs(images, metadata.inputSize);
    try {
      return await run(batch, letterboxes);
    } finally {
      batch.dispose();
    }
  };
  const detectEachWay = async (images: readonly RgbImage[], ways: ReadonlyArray<Partial<PostprocessOptions>>): Promise<NamedDetection[][][]> => {
    if (images.length === 0) return ways.map(() => []);
    const found = await withInputs(images, async (batch, letterboxes) => (await inference.detect(batch, ways.map(familyOptions))).map((perImage) => inImage(perImage, letterboxes)));
    const out: NamedDetection[][][] = [];
    for (const [way, perImage] of found.entries()) out.push(await judged(images, perImage, ways[way]));
    return out;
  };
  return {
    metadata,
    detect: async (images, postprocess) => (await detectEachWay(images, [postprocess ?? {}]))[0]!,
    detectEachWay,
    async detectWithEmbedding(images, postprocess) {
      if (images.length === 0) return { detections: [], embeddings: [] };
      const found = await withInputs(images, async (batch, letterboxes) => {
        const { detections, pooled } = await inference.detectWithPooledFeatures(batch, familyOptions(postprocess));
        return { detections: inImage(detections, letterboxes), embeddings: embeddingsOf(pooled) };
      });
      return { detections: await judged(images, found.detections, postprocess), embeddings: found.embeddings };
    },
    async detectPrepared(inputs, letterboxes, postprocess) {
      return inImage((await inference.detect(inputs, [options(postprocess)]))[0]!, letterboxes);
    },
    runtime: () => tf.getBackend(),
    dispose() {
      judgeBackbones.get(model)?.dispose();
      judgeBackbones.delete(model);
      model.dispose();
    },
  };
}
