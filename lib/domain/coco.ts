import type { AnnotatedBox } from "./annotation-set";
import type { ImageSize } from "./box";

/**
 * COCO object-detection JSON, built without I/O. COCO's bbox is [x, y, width, height] in image
 * pixels from a 0-based, continuous origin — Masklab's own convention (box.ts) — so boxes are
 * written as stored, never rounded: x = xmin, y = ymin, width = xmax - xmin, height = ymax - ymin.
 */
export const COCO_SUPERCATEGORY = "face";

export interface CocoInfo {
  description: string;
  contributor: string;
  year: number;
  date_created: string;
}

export interface CocoCategory {
  id: number;
  name: string;
  supercategory: string;
}

export interface CocoImage {
  id: number;
  file_name: string;
  width: number;
  height: number;
}

export interface CocoAnnotationAttributes {
  difficult: boolean;
  truncated: boolean;
  occluded: boolean;
  pose: string | null;
  /** extra VOC object tags kept from the import (e.g. <attributes>), present only when there are any */
  extra?: Record<string, unknown>;
}

export interface CocoAnnotation {
  id: number;
  image_id: number;
  category_id: number;
  bbox: [x: number, y: number, width: number, height: number];
  area: number;
  iscrowd: 0;
  attributes: CocoAnnotationAttributes;
}

export interface CocoDataset {
  info: CocoInfo;
  licenses: [];
  categories: CocoCategory[];
  images: CocoImage[];
  annotations: CocoAnnotation[];
}

/** An image as the exporter sees it: its exported file name, size and boxes. */
export interface ExportedImage extends ImageSize {
  fileName: string;
  boxes: readonly AnnotatedBox[];
}

export class UnknownClassError extends Error {
  constructor(
    readonly className: string,
    readonly classes: readonly string[],
  ) {
    super(`class "${className}" is not one of the dataset's classes (${classes.join(", ")})`);
    this.name = "UnknownClassError";
  }
}

/** The 0-based position of a class in the dataset's class list (YOLO's class index; COCO adds 1). */
export function classIndexOf(classes: readonly string[], className: string): number {
  const index = classes.indexOf(className);
  if (index < 0) throw new UnknownClassError(className, classes);
  return index;
}

export function cocoInfo(datasetName: string, exportedAt: Date): CocoInfo {
  return {
    description: `Masklab export of dataset "${datasetName}"`,
    contributor: "Masklab",
    year: exportedAt.getUTCFullYear(),
    date_created: exportedAt.toISOString(),
  };
}

/** Category ids are 1-based in the dataset's class order (COCO reserves 0 for background). */
export function cocoCategories(classes: readonly string[]): CocoCategory[] {
  return classes.map((name, i) => ({ id: i + 1, name, supercategory: COCO_SUPERCATEGORY }));
}

/**
 * The COCO image id of the image at `index` (0-based) in an export's order: ids are 1-based in
 * that order. The one rule behind every id our COCO files carry, and behind reading results
 * files made against them (lib/server/datasets/dataset-export.ts cocoExportImageIds).
 */
export function cocoImageIdAt(index: number): number {
  return index + 1;
}

export function cocoImage(id: number, image: ExportedImage): CocoImage {
  return { id, file_name: image.fileName, width: image.width, height: image.height };
}

export function cocoAnnotation(id: number, imageId: number, box: AnnotatedBox, classes: readonly string[]): CocoAnnotation {
  const width = box.xmax - box.xmin;
  const height = box.ymax - box.ymin;
  const extra = box.attributes && Object.keys(box.attributes).length > 0 ? { extra: box.attributes } : {};
  return {
    id,
    image_id: imageId,
    category_id: classIndexOf(classes, box.className) + 1,
    bbox: [box.xmin, box.ymin, width, height],
    area: width * height,
    iscrowd: 0,
    attributes: { difficult: box.difficult, truncated: box.truncated, occluded: box.occluded, pose: box.pose ?? null, ...extra },
  };
}

/**
 * The whole COCO document. Image ids are 1-based in the given order; annotation ids are 1-based
 * in image order, then box order. An image without boxes (unlabeled, or labeled as empty) is
 * listed with no annotations: COCO cannot tell the two apart.
 */
export function buildCocoDataset(input: {
  datasetName: string;
  classes: readonly string[];
  images: readonly ExportedImage[];
  exportedAt: Date;
}): CocoDataset {
  const images: CocoImage[] = [];
  const annotations: CocoAnnotation[] = [];
  input.images.forEach((image, i) => {
    const imageId = cocoImageIdAt(i);
    images.push(cocoImage(imageId, image));
    for (const box of image.boxes) annotations.push(cocoAnnotation(annotations.length + 1, imageId, box, input.classes));
  });
  return {
    info: cocoInfo(input.datasetName, input.exportedAt),
    licenses: [],
    categories: cocoCategories(input.classes),
    images,
    annotations,
  };
}
