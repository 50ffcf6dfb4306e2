import sharp from "sharp";
import * as tf from "@tensorflow/tfjs";

/** Decoded RGB pixels [H, W, 3] of an image file or its bytes (alpha dropped, EXIF orientation not applied: boxes refer to stored pixels). */
export async function decodeImagePixels(source: Buffer | string): Promise<tf.Tensor3D> {
  return pixelsTensor(await decodeImageRgb(source));
}

export interface RgbImage {
  /** interleaved RGB, row-major */
  data: Uint8Array;
  width: number;
  height: number;
}

/** The same decoding without TF.js: bytes the caller turns into a tensor when its backend is ready. */
export async function decodeImageRgb(source: Buffer | string): Promise<RgbImage> {
  const { data, info } = await sharp(source).removeAlpha().toColourspace("srgb").raw().toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), width: info.width, height: info.height };
}

export function pixelsTensor(image: RgbImage): tf.Tensor3D {
  return tf.tensor3d(image.data, [image.height, image.width, 3], "int32");
}
