import { parseClassMap } from "../dataset-name";
import { exportCategoryIds, imageResolver } from "./coco-json";
import type { Detection, GroundTruthImage } from "./types";

/**
 * A COCO results file made elsewhere (any model, any framework) read against a Masklab dataset
 * split, without I/O: each result names its image and class, both are resolved here, and every
 * result that cannot be resolved is a problem to report (never a result silently dropped).
 *
 * Images: a string image_id, or a `file_name`, is a file name (exact, base name or stem, as
 * coco-json.ts imageResolver reads names: Ultralytics writes the stem). A numeric image_id is read
 * by the chosen scheme: a COCO id of the split's COCO export (the default), of the whole dataset's
 * export, or a numeric file stem (Ultralytics writes "0001.jpg" as image_id 1).
 * Classes: a category id of our export's categories (1-based in the dataset's class order, what
 * Ultralytics writes for a custom dataset), a class name, or an explicit mapping "0=with_mask, …".
 */
export const IMAGE_ID_SCHEMES = ["split-export", "dataset-export", "file-name"] as const;
export type ImageIdScheme = (typeof IMAGE_ID_SCHEMES)[number];

export const IMAGE_ID_SCHEME_LABELS: Record<ImageIdScheme, string> = {
  "split-export": "COCO ids of the split's COCO export",
  "dataset-export": "COCO ids of the whole dataset's COCO export",
  "file-name": "file names (numbers are numeric file stems)",
};

/** One result as the results file gives it (validated by lib/contracts/http/coco-results.ts). */
export interface CocoResultEntry {
  image_id: number | string;
  file_name?: string;
  category_id: number | string;
  bbox: [x: number, y: number, width: number, height: number];
  score: number;
}

/** A dataset image as an export names it (lib/server/datasets/dataset-export.ts cocoExportImages). */
export interface ResultsImage {
  id: string;
  cocoId: number;
  exportedName: string;
  fileName: string;
  split: string;
}

/** A result that cannot be scored: its index in the file (null: the file as a whole) and why. */
export interface ResultsProblem {
  index: number | null;
  message: string;
}

/** How category ids become class names: the export's categories, or the user's mapping. */
export interface CategoryMapping {
  /** a class name, or undefined for an id nobody mapped */
  resolve(categoryId: number | string): string | undefined;
  /** the mapping in words, for error messages and the form ("1 with_mask, 2 without_mask, …") */
  description: string;
  explicit: boolean;
}

/**
 * The category mapping of `classMap` ("0=with_mask, 1=without_mask", keys are category ids or
 * labels), or of our COCO export's categories when it is empty. A mapping onto a class the
 * dataset does not have is an error.
 */
export function categoryMapping(classes: readonly string[], classMap?: string): { ok: true; mapping: CategoryMapping } | { ok: false; error: string } {
  const byName = (id: number | string) => (typeof id === "string" && classes.includes(id) ? id : undefined);
  if (!classMap?.trim()) {
    const ids = exportCategoryIds(classes);
    return {
      ok: true,
      mapping: {
        resolve: (id) => (typeof id === "number" ? ids.get(id) : byName(id)),
        description: [...ids.entries()].map(([id, name]) => `${id} ${name}`).join(", "),
        explicit: false,
      },
    };
  }
  const parsed = parseClassMap(classMap);
  if (!parsed.ok) return { ok: false, error: `class mapping: ${parsed.error}` };
  const unknown = Object.values(parsed.map).filter((name) => !classes.includes(name));
  if (unknown.length > 0) return { ok: false, error: `class mapping: ${[...new Set(unknown)].map((n) => `"${n}"`).join(", ")} is not a class of the dataset (${classes.join(", ")})` };
  const map = new Map(Object.entries(parsed.map));
  return {
    ok: true,
    mapping: {
      resolve: (id) => map.get(String(id)) ?? byName(id),
      description: [...map.entries()].map(([id, name]) => `${id} → ${name}`).join(", "),
      explicit: true,
    },
  };
}

/**
 * Resolves every result to a detection on an image of `split`, or reports why it cannot be.
 * `numbering` is the export whose COCO ids numeric image_ids are read by (the split's or the
 * dataset's, per `scheme`); `named` is every image of the dataset under every name an export
 * gives it. A result on an image of another split is a problem naming the image and its split.
 */
export function resolveResults(
  entries: ReadonlyArray<{ index: number; entry: CocoResultEntry }>,
  context: { split: string; scheme: ImageIdScheme; numbering: readonly ResultsImage[]; named: readonly ResultsImage[]; categories: CategoryMapping },
): { detections: Detection[]; problems: ResultsProblem[] } {
  const imagesById = new Map(context.named.map((image) => [image.id, image]));
  const byCocoId = new Map(context.numbering.map((image) => [image.cocoId, image.id]));
  const byName = imageResolver(context.named.flatMap((image): GroundTruthImage[] => [
    { imageId: image.id, fileName: image.fileName, boxes: [] },
    { imageId: image.id, fileName: image.exportedName, boxes: [] },
  ]));
  const byNumericStem = numericStems(context.named);
  const cocoIdRange = context.numbering.length > 0 ? `${context.numbering[0]!.cocoId}–${context.numbering[context.numbering.length - 1]!.cocoId}` : "none";
  const exportName = context.scheme === "dataset-export" ? "the whole dataset's COCO export" : `the ${context.split} split's COCO export`;

  const named = (field: "file_name" | "image_id", name: string): string | { error: string } => {
    const found = byName(name);
    if (typeof found === "string") return found;
    return { error: found.error.includes("ambiguous") ? found.error : `${field} ${JSON.stringify(name)} is not the file name of an image of the dataset` };
  };
  const imageOf = (entry: CocoResultEntry): string | { error: string } => {
    if (entry.file_name !== undefined) return named("file_name", entry.file_name);
    if (typeof entry.image_id === "string") return named("image_id", entry.image_id);
    if (context.scheme === "file-name") {
      const ids = byNumericStem.get(entry.image_id) ?? [];
      if (ids.length === 1) return ids[0]!;
      return { error: ids.length > 1 ? `image_id ${entry.image_id} is ambiguous: ${ids.length} images have that numeric file stem` : `image_id ${entry.image_id} is not the numeric file stem of an image of the dataset` };
    }
    const id = byCocoId.get(entry.image_id);
    return id ?? { error: `image_id ${entry.image_id} is not a COCO image id of ${exportName} (ids ${cocoIdRange})` };
  };

  const detections: Detection[] = [];
  const problems: ResultsProblem[] = [];
  for (const { index, entry } of entries) {
    const imageId = imageOf(entry);
    if (typeof imageId !== "string") {
      problems.push({ index, message: imageId.error });
      continue;
    }
    const image = imagesById.get(imageId)!;
    if (image.split !== context.split) {
      problems.push({ index, message: `image ${JSON.stringify(image.fileName)} (image_id ${JSON.stringify(entry.image_id)}) is in the ${image.split} split, not ${context.split}` });
      continue;
    }
    const className = context.categories.resolve(entry.category_id);
    if (className === undefined) {
      const where = context.categories.explicit ? "the class mapping" : "the export's categories";
      problems.push({ index, message: `category_id ${JSON.stringify(entry.category_id)} is not in ${where} (${context.categories.description})` });
      continue;
    }
    const [x, y, w, h] = entry.bbox;
    detections.push({ imageId, className, box: { xmin: x, ymin: y, xmax: x + w, ymax: y + h }, score: entry.score });
  }
  return { detections, problems };
}

/** File stems that are numbers, as Ultralytics turns them into numeric image ids ("0007" → 7). */
function numericStems(images: readonly ResultsImage[]): Map<number, string[]> {
  const map = new Map<number, string[]>();
  for (const image of images) {
    for (const name of new Set([image.fileName, image.exportedName])) {
      const base = name.slice(Math.max(name.lastIndexOf("/"), name.lastIndexOf("\\")) + 1);
      const stem = base.includes(".") ? base.slice(0, base.lastIndexOf(".")) : base;
      if (!/^\d+$/.test(stem)) continue;
      const ids = map.get(Number(stem)) ?? [];
      if (!ids.includes(image.id)) ids.push(image.id);
      map.set(Number(stem), ids);
    }
  }
  return map;
}

/** How many problems a refusal lists; the rest are counted. */
export const PROBLEMS_SHOWN = 5;

/** Problems as one line a person can act on: the first few, each with its index in the file, and how many more. */
export function describeProblems(problems: readonly ResultsProblem[], total: number): string {
  const shown = problems.slice(0, PROBLEMS_SHOWN).map((p) => (p.index === null ? p.message : `[${p.index}] ${p.message}`));
  const more = problems.length > PROBLEMS_SHOWN ? `; and ${problems.length - PROBLEMS_SHOWN} more` : "";
  return `${problems.length} of ${total} results cannot be scored: ${shown.join("; ")}${more}`;
}
