import * as tf from "@tensorflow/tfjs";
import { normalizeForFaceMobileNet } from "../backbones/face-mobilenet-v1";
import { letterboxFor, type Letterbox } from "./letterbox";

/** Decoded pixels as every detector takes them: interleaved RGB, row-major (alpha dropped). */
export interface RgbImage {
  data: Uint8Array;
  width: number;
  height: number;
}

export function pixelsTensor(image: RgbImage): tf.Tensor3D {
  return tf.tensor3d(image.data, [image.height, image.width, 3], "int32");
}

/** Grey of the padding, as YOLO-style letterboxing uses (a neutral value after normalisation). */
export const LETTERBOX_FILL = 114;

/**
 * Decoded RGB pixels [H, W, 3] (0..255) → the letterboxed model input [S, S, 3] (still 0..255),
 * with the geometry to map boxes back. The same tensor code runs in Node and in the browser, so
 * both see identical inputs. `fill` is the padding's grey (Masklab's models and Ultralytics
 * exports both use 114).
 */
export function letterboxPixels(pixels: tf.Tensor3D, inputSize: number, fill: number = LETTERBOX_FILL): { input: tf.Tensor3D; letterbox: Letterbox } {
  const [height, width] = pixels.shape;
  const letterbox = letterboxFor({ width, height }, inputSize);
  const input = tf.tidy(() => {
    const resized = resizePixels(pixels, letterbox.scaledWidth, letterbox.scaledHeight);
    const padBottom = inputSize - letterbox.scaledHeight - letterbox.padY;
    const padRight = inputSize - letterbox.scaledWidth - letterbox.padX;
    return tf.pad(resized, [[letterbox.padY, padBottom], [letterbox.padX, padRight], [0, 0]], fill) as tf.Tensor3D;
  });
  return { input, letterbox };
}

/** Pixels [H, W, 3] → float32 [height, width, 3], bilinear with half-pixel centres (as OpenCV and PIL sample). */
export function resizePixels(pixels: tf.Tensor3D, width: number, height: number): tf.Tensor3D {
  return tf.tidy(() => tf.image.resizeBilinear(tf.cast(pixels, "float32"), [height, width], false, true));
}

/**
 * Decoded pixels → the batch of one the detector takes: letterboxed, optionally mirrored, scaled to
 * [-1, 1] (masklab.json's "pixels/127.5-1"): what every Detector's detect() and training read.
 */
export function modelInput(pixels: tf.Tensor3D, inputSize: number, options: { flip?: boolean } = {}): { batch: tf.Tensor4D; letterbox: Letterbox } {
  const { input, letterbox } = letterboxPixels(pixels, inputSize);
  const batch = tf.tidy(() => {
    const one = tf.expandDims(input, 0) as tf.Tensor4D;
    return normalizeForFaceMobileNet(options.flip ? tf.image.flipLeftRight(one) : one);
  });
  input.dispose();
  return { batch, letterbox };
}

/** Decoded images → one batch [N, S, S, 3] of modelInput's, with each image's letterbox. */
export function modelInputs(images: readonly RgbImage[], inputSize: number): { batch: tf.Tensor4D; letterboxes: Letterbox[] } {
  const prepared = images.map((image) => {
    const pixels = pixelsTensor(image);
    const input = modelInput(pixels, inputSize);
    pixels.dispose();
    return input;
  });
  const letterboxes = prepared.map((p) => p.letterbox);
  if (prepared.length === 1) return { batch: prepared[0]!.batch, letterboxes };
  const batch = tf.concat(prepared.map((p) => p.batch)) as tf.Tensor4D;
  tf.dispose(prepared.map((p) => p.batch));
  return { batch, letterboxes };
}
