import * as tf from "@tensorflow/tfjs";
import { FACE_MOBILENET_FEATURES } from "@/lib/detection/backbones/face-mobilenet-v1";
import { augmentImage, mosaic, type AugmentOptions, type AugmentedSample } from "@/lib/detection/augment";
import { normalizeForFaceMobileNet } from "@/lib/detection/backbones/face-mobilenet-v1";
import { letterboxFor, toInputSpace, type Letterbox } from "@/lib/detection/common/letterbox";
import type { GroundTruth } from "@/lib/detection/common/ground-truth";
import { modelInput } from "@/lib/detection/common/preprocess";
import type { BlobStore } from "../platform/storage";
import { decodePixels, type TrainingImage } from "./training-data";

/**
 * Frozen-backbone training computes each image's backbone features once (per augmentation) and
 * trains the head on them. The backbone's outputs are ReLU6 (0..6), so they are kept as bytes
 * (6/255 steps): a quarter of the memory of floats, about 1.2 MB per image at 416 px.
 */
const LEVELS = 255 / 6;

export interface CachedSample {
  image: TrainingImage;
  letterbox: Letterbox;
  truths: GroundTruth[];
  features: Uint8Array[];
}

/** Boxes of an image mirrored left-right (for the flip augmentation). */
export function flipBoxes(image: TrainingImage): TrainingImage["boxes"] {
  return image.boxes.map((b) => ({ ...b, box: { xmin: image.width - b.box.xmax, ymin: b.box.ymin, xmax: image.width - b.box.xmin, ymax: b.box.ymax } }));
}

/**
 * How one training input is made from an image: letterboxed as is (validation, the first cached
 * copy), mirrored, randomly augmented (scale/shift/flip/colour), or a mosaic with three more images.
 */
export type InputVariant = "plain" | "flipped" | { augment: AugmentOptions; random: () => number; mosaicWith?: readonly TrainingImage[] };

const truthsOf = (image: TrainingImage): GroundTruth[] => image.boxes.map((b) => ({ box: b.box, classIndex: b.classIndex }));

/** Normalised model input [1, S, S, 3] of one image in a variant, with its truths in input pixels. */
export async function prepareInput(store: BlobStore, image: TrainingImage, inputSize: number, variant: InputVariant = "plain") {
  if (variant === "plain" || variant === "flipped") {
    const pixels = await decodePixels(store, image.contentHash);
    const { batch, letterbox } = modelInput(pixels, inputSize, { flip: variant === "flipped" });
    pixels.dispose();
    const truths = (variant === "flipped" ? flipBoxes(image) : image.boxes).map((b) => ({ box: toInputSpace(b.box, letterbox), classIndex: b.classIndex }));
    return { batch, letterbox, truths };
  }
  const sources = [image, ...(variant.mosaicWith ?? [])];
  const decoded = await Promise.all(sources.map(async (source) => ({ pixels: await decodePixels(store, source.contentHash), truths: truthsOf(source) })));
  let sample: AugmentedSample;
  try {
    sample = variant.mosaicWith ? mosaic(decoded, inputSize, variant.random, variant.augment) : augmentImage(decoded[0]!.pixels, decoded[0]!.truths, inputSize, variant.random, variant.augment);
  } finally {
    tf.dispose(decoded.map((d) => d.pixels));
  }
  const batch = tf.tidy(() => normalizeForFaceMobileNet(tf.expandDims(sample.input, 0) as tf.Tensor4D));
  sample.input.dispose();
  // An augmented input has no single letterbox; this one only records the image's size.
  return { batch, letterbox: letterboxFor(image, inputSize), truths: sample.truths };
}

/** Several images prepared (each in its variant) into one batch [N, S, S, 3], with letterboxes and truths. */
export async function prepareBatch(store: BlobStore, images: readonly TrainingImage[], inputSize: number, variants: readonly InputVariant[] = []) {
  const prepared = await Promise.all(images.map((image, k) => prepareInput(store, image, inputSize, variants[k] ?? "plain")));
  const batch = tf.concat(prepared.map((p) => p.batch)) as tf.Tensor4D;
  tf.dispose(prepared.map((p) => p.batch));
  return { batch, letterboxes: prepared.map((p) => p.letterbox), truths: prepared.map((p) => p.truths) };
}

export async function cacheFeatures(backbone: tf.LayersModel, store: BlobStore, image: TrainingImage, inputSize: number, variant: InputVariant): Promise<CachedSample> {
  if (variant === "plain" || variant === "flipped") {
    const pixels = await decodePixels(store, image.contentHash);
    try {
      const { letterbox, features } = await quantisedFeatures(backbone, pixels, inputSize, variant === "flipped");
      return { image, letterbox, truths: truthsInInput(image, letterbox, variant === "flipped"), features };
    } finally {
      pixels.dispose();
    }
  }
  const { batch, letterbox, truths } = await prepareInput(store, image, inputSize, variant);
  const features = await quantised(backbone.predict(batch) as tf.Tensor[]);
  batch.dispose();
  return { image, letterbox, truths, features };
}

/**
 * The backbone's features of one decoded image, letterboxed as is or mirrored, as bytes: the one
 * computation that in-process caching and the feature threads (feature-threads.ts) share, so an
 * image's features are the same bytes whichever thread computed them.
 */
export async function quantisedFeatures(backbone: tf.LayersModel, pixels: tf.Tensor3D, inputSize: number, flip: boolean): Promise<{ letterbox: Letterbox; features: Uint8Array[] }> {
  const { batch, letterbox } = modelInput(pixels, inputSize, { flip });
  const features = await quantised(backbone.predict(batch) as tf.Tensor[]);
  batch.dispose();
  return { letterbox, features };
}

async function quantised(outputs: tf.Tensor[]): Promise<Uint8Array[]> {
  const features = await Promise.all(outputs.map(async (t) => Uint8Array.from(await t.data(), (v) => Math.round(v * LEVELS))));
  tf.dispose(outputs);
  return features;
}

/** An image's labels in model-input pixels, as letterboxed (and mirrored). */
export function truthsInInput(image: TrainingImage, letterbox: Letterbox, flip: boolean): GroundTruth[] {
  return (flip ? flipBoxes(image) : image.boxes).map((b) => ({ box: toInputSpace(b.box, letterbox), classIndex: b.classIndex }));
}

/** Cached samples → the head's three float inputs for one batch. */
export function featureBatch(samples: readonly CachedSample[], inputSize: number): tf.Tensor4D[] {
  return FACE_MOBILENET_FEATURES.map((level, index) => {
    const side = Math.ceil(inputSize / level.stride);
    const size = side * side * level.channels;
    const data = new Float32Array(samples.length * size);
    samples.forEach((sample, n) => {
      const bytes = sample.features[index]!;
      for (let i = 0; i < size; i++) data[n * size + i] = bytes[i]! / LEVELS;
    });
    return tf.tensor4d(data, [samples.length, side, side, level.channels]);
  });
}
