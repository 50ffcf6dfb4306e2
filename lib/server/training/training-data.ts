import sharp from "sharp";
import * as tf from "@tensorflow/tfjs";
import { FACEMASK_CLASSES } from "@/lib/domain/classes";
import type { PixelBox } from "@/lib/domain/box";
import type { Split } from "@/lib/domain/states";
import { db as defaultDb, type Db } from "../db";
import type { BlobStore } from "../storage";

/** One labelled image of a split, as training reads it (the labels as stored when it was read). */
export interface TrainingImage {
  imageId: string;
  fileName: string;
  contentHash: string;
  width: number;
  height: number;
  annotationVersion: number;
  boxes: Array<{ box: PixelBox; classIndex: number; difficult: boolean }>;
}

/** The images of a split with their boxes, in a stable order; classes outside the catalogue are an error. */
export async function loadSplit(datasetId: string, split: Split, classes: readonly string[] = FACEMASK_CLASSES, database: Db = defaultDb()): Promise<TrainingImage[]> {
  const images = await database.image.findMany({
    where: { datasetId, split },
    orderBy: { fileName: "asc" },
    select: { id: true, fileName: true, contentHash: true, width: true, height: true, annotationVersion: true, boxes: { select: { className: true, xmin: true, ymin: true, xmax: true, ymax: true, difficult: true } } },
  });
  return images.map((image) => ({
    imageId: image.id,
    fileName: image.fileName,
    contentHash: image.contentHash,
    width: image.width,
    height: image.height,
    annotationVersion: image.annotationVersion,
    boxes: image.boxes.map((b) => {
      const classIndex = classes.indexOf(b.className);
      if (classIndex < 0) throw new Error(`${image.fileName}: class "${b.className}" is not one of ${classes.join(", ")}`);
      return { box: { xmin: b.xmin, ymin: b.ymin, xmax: b.xmax, ymax: b.ymax }, classIndex, difficult: b.difficult };
    }),
  }));
}

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

/** Decoded RGB pixels of a stored original. */
export async function decodePixels(store: BlobStore, contentHash: string): Promise<tf.Tensor3D> {
  return decodeImagePixels(await store.get(contentHash));
}
