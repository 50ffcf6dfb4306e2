import { z } from "zod";
import { cocoCategories } from "../coco";
import type { Detection, GroundTruthImage } from "./types";

/**
 * COCO JSON at the evaluation boundary, without I/O: a ground-truth file (images, annotations,
 * categories — what `npm run export --format coco` writes) and a results file (an array of
 * {image_id, category_id, bbox: [x, y, w, h], score}, what detectors hand to pycocotools'
 * loadRes). Both are validated with zod; errors name the offending entry (index and id).
 *
 * Conversion follows pycocotools: classes are the categories sorted by id, images are sorted by
 * id (its tie-break order), a box [x, y, w, h] is {xmin: x, ymin: y, xmax: x + w, ymax: y + h},
 * a ground truth's `area` defaults to w × h, `iscrowd` is read, and an `ignore` key is NOT read
 * (pycocotools overwrites it with iscrowd). `attributes.difficult` (our export) feeds the VOC
 * metric only.
 */

/** Input that is not a valid COCO file; the message is one line naming the entry. */
export class CocoJsonError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CocoJsonError";
  }
}

const bboxSchema = z.tuple([z.number(), z.number(), z.number().min(0), z.number().min(0)], {
  error: "bbox must be [x, y, width, height] with width, height ≥ 0",
});

const cocoGroundTruthSchema = z.object({
  images: z.array(
    z.object({
      id: z.number().int(),
      file_name: z.string().optional(),
      width: z.number().positive().optional(),
      height: z.number().positive().optional(),
    }),
  ),
  annotations: z.array(
    z.object({
      id: z.number().int().optional(),
      image_id: z.number().int(),
      category_id: z.number().int(),
      bbox: bboxSchema,
      area: z.number().min(0).optional(),
      iscrowd: z.union([z.literal(0), z.literal(1), z.boolean()]).optional(),
      attributes: z.object({ difficult: z.boolean().optional() }).optional(),
    }),
  ),
  categories: z.array(z.object({ id: z.number().int(), name: z.string().min(1) })).min(1, "there are no categories"),
});

const idSchema = z.union([z.number(), z.string().min(1)]);

const cocoResultsSchema = z.array(
  z.object({
    image_id: idSchema,
    category_id: idSchema,
    bbox: bboxSchema,
    score: z.number(),
  }),
  { error: "a results file is a JSON array of {image_id, category_id, bbox, score}" },
);

export type CocoResult = z.infer<typeof cocoResultsSchema>[number];

/** What results are resolved against: the ground truth's images, classes and category ids. */
export interface GroundTruth {
  classes: string[];
  images: GroundTruthImage[];
  /** COCO category id → class name */
  categoryIds: Map<number, string>;
}

/** Category ids our COCO export assigns (coco.ts): 1-based in class order. */
export function exportCategoryIds(classes: readonly string[]): Map<number, string> {
  return new Map(cocoCategories(classes).map((c) => [c.id, c.name]));
}

function formatIssues(error: z.ZodError, data: unknown, file: string): string {
  const describe = (issue: z.core.$ZodIssue) => {
    let where = "";
    let node: unknown = data;
    for (const [depth, key] of issue.path.entries()) {
      where += typeof key === "number" ? `[${key}]` : depth === 0 ? String(key) : `.${String(key)}`;
      node = node !== null && typeof node === "object" ? (node as Record<PropertyKey, unknown>)[key] : undefined;
      // name list entries by their id too: annotations[12] (id 345)
      if (typeof key === "number" && depth <= 1 && node !== null && typeof node === "object" && "id" in node) {
        where += ` (id ${JSON.stringify((node as { id: unknown }).id)})`;
      }
    }
    return where ? `${where}: ${issue.message}` : issue.message;
  };
  const shown = error.issues.slice(0, 3).map(describe).join("; ");
  const more = error.issues.length > 3 ? ` (and ${error.issues.length - 3} more problems)` : "";
  return `${file}: ${shown}${more}`;
}

/** A COCO ground-truth document → evaluation ground truth (images sorted by id). */
export function parseCocoGroundTruth(json: unknown, file = "ground truth"): GroundTruth {
  const parsed = cocoGroundTruthSchema.safeParse(json);
  if (!parsed.success) throw new CocoJsonError(formatIssues(parsed.error, json, file));
  const { images, annotations, categories } = parsed.data;

  const categoryIds = new Map<number, string>();
  const names = new Set<string>();
  categories.forEach((c, n) => {
    if (categoryIds.has(c.id)) throw new CocoJsonError(`${file}: categories[${n}]: category id ${c.id} is used twice`);
    if (names.has(c.name)) throw new CocoJsonError(`${file}: categories[${n}] (id ${c.id}): category name "${c.name}" is used twice`);
    categoryIds.set(c.id, c.name);
    names.add(c.name);
  });
  const classes = [...categories].sort((a, b) => a.id - b.id).map((c) => c.name);

  const byId = new Map<number, GroundTruthImage & { boxes: GroundTruthImage["boxes"][number][] }>();
  images.forEach((image, n) => {
    if (byId.has(image.id)) throw new CocoJsonError(`${file}: images[${n}]: image id ${image.id} is used twice`);
    byId.set(image.id, {
      imageId: String(image.id),
      ...(image.file_name !== undefined ? { fileName: image.file_name } : {}),
      ...(image.width !== undefined ? { width: image.width } : {}),
      ...(image.height !== undefined ? { height: image.height } : {}),
      boxes: [],
    });
  });
  annotations.forEach((a, n) => {
    const where = `${file}: annotations[${n}]${a.id !== undefined ? ` (id ${a.id})` : ""}`;
    const image = byId.get(a.image_id);
    if (!image) throw new CocoJsonError(`${where}: image_id ${a.image_id} is not in images`);
    const className = categoryIds.get(a.category_id);
    if (className === undefined) throw new CocoJsonError(`${where}: category_id ${a.category_id} is not in categories`);
    const [x, y, w, h] = a.bbox;
    image.boxes.push({
      className,
      box: { xmin: x, ymin: y, xmax: x + w, ymax: y + h },
      area: a.area ?? w * h,
      iscrowd: a.iscrowd === 1 || a.iscrowd === true,
      difficult: a.attributes?.difficult === true,
    });
  });
  return { classes, images: [...byId.entries()].sort(([a], [b]) => a - b).map(([, image]) => image), categoryIds };
}

function baseName(name: string): string {
  return name.slice(Math.max(name.lastIndexOf("/"), name.lastIndexOf("\\")) + 1);
}

function stemOf(name: string): string {
  const base = baseName(name);
  const dot = base.lastIndexOf(".");
  return dot > 0 ? base.slice(0, dot) : base;
}

/**
 * Finds the ground-truth image a result names: its image id (a COCO image id, or our VOC id:
 * the file name), else its file name, else the file name's base name, else the stem, so
 * "maksssksksss0.png", "maksssksksss0.jpg" and "maksssksksss0" all name maksssksksss0.jpg.
 */
export function imageResolver(images: readonly GroundTruthImage[]): (ref: string | number) => string | { error: string } {
  const exact = new Map<string, string>();
  const loose = new Map<string, string[]>();
  const add = (map: Map<string, string[]>, key: string, id: string) => {
    const list = map.get(key) ?? [];
    if (!list.includes(id)) list.push(id);
    map.set(key, list);
  };
  for (const image of images) exact.set(image.imageId, image.imageId);
  for (const image of images) {
    if (image.fileName !== undefined && !exact.has(image.fileName)) exact.set(image.fileName, image.imageId);
  }
  for (const image of images) {
    const name = image.fileName ?? image.imageId;
    add(loose, baseName(name), image.imageId);
    add(loose, stemOf(name), image.imageId);
  }
  return (ref) => {
    const key = String(ref);
    const hit = exact.get(key);
    if (hit !== undefined) return hit;
    for (const candidate of [baseName(key), stemOf(key)]) {
      const ids = loose.get(candidate);
      if (ids?.length === 1) return ids[0]!;
      if (ids && ids.length > 1) return { error: `image_id ${JSON.stringify(ref)} is ambiguous: it could be any of images ${ids.map((id) => JSON.stringify(id)).join(", ")}` };
    }
    return { error: `image_id ${JSON.stringify(ref)} is not an image of the ground truth` };
  };
}

/**
 * A COCO results array → detections. category_id is a category id of the ground truth (our
 * export's: 1-based in class order) or a class name; image_id as imageResolver reads it.
 */
export function parseCocoResults(json: unknown, gt: GroundTruth, file = "results"): Detection[] {
  const parsed = cocoResultsSchema.safeParse(json);
  if (!parsed.success) throw new CocoJsonError(formatIssues(parsed.error, json, file));
  const resolveImage = imageResolver(gt.images);
  const classNames = new Set(gt.classes);
  const known = [...gt.categoryIds.entries()].map(([id, name]) => `${id} ${name}`).join(", ");
  return parsed.data.map((r, n) => {
    const where = `${file}: [${n}]`;
    const imageId = resolveImage(r.image_id);
    if (typeof imageId !== "string") throw new CocoJsonError(`${where}: ${imageId.error}`);
    const className = typeof r.category_id === "number" ? gt.categoryIds.get(r.category_id) : classNames.has(r.category_id) ? r.category_id : undefined;
    if (className === undefined) {
      throw new CocoJsonError(`${where} (image_id ${JSON.stringify(r.image_id)}): category_id ${JSON.stringify(r.category_id)} is not a category of the ground truth (${known})`);
    }
    const [x, y, w, h] = r.bbox;
    return { imageId, className, box: { xmin: x, ymin: y, xmax: x + w, ymax: y + h }, score: r.score };
  });
}
