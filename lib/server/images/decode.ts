import sharp from "sharp";
import type * as tf from "@tensorflow/tfjs";
import { pixelsTensor, type RgbImage } from "@/lib/detection/common/preprocess";

/** Decoded RGB pixels [H, W, 3] of an image file or its bytes (alpha dropped, EXIF orientation not applied: boxes refer to stored pixels). */
export async function decodeImagePixels(source: Buffer | string): Promise<tf.Tensor3D> {
  return pixelsTensor(await decodeImageRgb(source));
}

/** The same decoding without TF.js: the pixels a Detector's detect() takes (a tensor only once its backend is ready). */
export async function decodeImageRgb(source: Buffer | string): Promise<RgbImage> {
  const { data, info } = await sharp(source).removeAlpha().toColourspace("srgb").raw().toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), width: info.width, height: info.height };
}
