import * as tf from "@tensorflow/tfjs";
import type { OnnxModelMetadata } from "@/lib/contracts/artifact";
import { fitWithin, stretchFor, type Letterbox } from "../common/letterbox";
import { letterboxPixels, pixelsTensor, resizePixels, type RgbImage } from "../common/preprocess";

/** One image as an ONNX model takes it: float32 RGB 0–1, channels first, with the geometry to map boxes back. */
export interface OnnxInput {
  data: Float32Array;
  /** [1, 3, H, W] or [3, H, W], as the graph's input layout says */
  dims: number[];
  letterbox: Letterbox;
}

/**
 * Decoded pixels → an ONNX model's input, resized as masklab.json says (the letterbox and the
 * bilinear resize are Masklab's shared ones, lib/detection/common) and scaled to 0–1 ("pixels/255").
 */
export async function onnxInputOf(image: RgbImage, metadata: Pick<OnnxModelMetadata, "inputSize" | "input" | "preprocessing">): Promise<OnnxInput> {
  const pixels = pixelsTensor(image);
  const size = { width: image.width, height: image.height };
  const { resize, letterboxFill } = metadata.preprocessing;
  let placed: { input: tf.Tensor3D; letterbox: Letterbox };
  if (resize === "letterbox") placed = letterboxPixels(pixels, metadata.inputSize, letterboxFill);
  else {
    const letterbox = resize === "stretch" ? stretchFor(size, metadata.input.width!, metadata.input.height!) : fitWithin(size, metadata.inputSize);
    placed = { input: resizePixels(pixels, letterbox.scaledWidth, letterbox.scaledHeight), letterbox };
  }
  pixels.dispose();
  const chw = tf.tidy(() => tf.transpose(tf.div(placed.input, 255), [2, 0, 1]));
  placed.input.dispose();
  const data = (await chw.data()) as Float32Array;
  const [channels, height, width] = chw.shape as [number, number, number];
  chw.dispose();
  return { data, dims: metadata.input.layout === "nchw" ? [1, channels, height, width] : [channels, height, width], letterbox: placed.letterbox };
}
