import type * as tf from "@tensorflow/tfjs";
import { FACEMASK_CLASSES } from "@/lib/domain/classes";
import type { PixelBox } from "@/lib/domain/box";
import type { Split } from "@/lib/domain/states";
import { db as defaultDb, type Db } from "../platform/db";
import { decodeImagePixels } from "../images/decode";
import type { BlobStore } from "../platform/storage";

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

/** Decoded RGB pixels of a stored original. */
export async function decodePixels(store: BlobStore, contentHash: string): Promise<tf.Tensor3D> {
  return decodeImagePixels(await store.get(contentHash));
}
