import { boxHeight, boxWidth, clipBox, isInside, type ImageSize } from "./box";
import type { AnnotatedBox } from "./annotation-set";
import { vocToPixelBox, type VocObject } from "./voc";

export type IssueSeverity = "error" | "warning" | "info";

/**
 * Every kind of finding an import can record (stored with the run, filterable in the report and
 * the image browser). docs/import-and-export.md's "Verification rules" table says what each one means.
 */
export const IMPORT_FINDING_CODES = [
  // the folder, the upload, the zip
  "unsafe-path",
  "path-conflict",
  "file-too-large",
  "files-ignored",
  "zip-entry-corrupt",
  "file-unreadable",
  "file-name-encoding",
  // annotation files
  "xml-too-large",
  "xml-encoding",
  "xml-malformed",
  "xml-object-invalid",
  "image-missing",
  "image-rejected",
  "duplicate-annotation",
  "filename-case",
  "size-invalid",
  "size-missing",
  "size-mismatch",
  // boxes
  "unknown-class",
  "class-renamed",
  "box-inverted",
  "box-outside",
  "box-clipped",
  "box-tiny",
  "box-float",
  "box-repeated",
  // images
  "image-empty",
  "image-unreadable",
  "image-truncated",
  "image-too-large",
  "image-too-many-pixels",
  "image-extension-mismatch",
  "image-normalised",
  "image-unlabeled",
  "annotation-rejected",
  "duplicate-file",
  "duplicate-image",
  "duplicate-image-labels-differ",
  "split-unlisted",
  "differs-from-stored",
] as const;
export type ImportFindingCode = (typeof IMPORT_FINDING_CODES)[number];

/** Something an import found in one object or file; `code` is stable, `message` is for people. */
export interface ImportFinding {
  severity: IssueSeverity;
  code: ImportFindingCode;
  message: string;
}

/** Boxes narrower or shorter than this many pixels are kept but flagged: often slips of the mouse. */
export const TINY_BOX_PX = 4;

/** A user's mapping of class names found in files onto the catalogue, e.g. {"mask": "with_mask"}. */
export type ClassMap = Readonly<Record<string, string>>;

/**
 * Maps a class name from a file onto the catalogue: exact match, else the user's mapping, else
 * a case/spacing/hyphen variant ("With Mask", "with-mask"), else null.
 */
export function matchClassName(name: string, classes: readonly string[], classMap: ClassMap = {}): string | null {
  if (classes.includes(name)) return name;
  const mapped = Object.hasOwn(classMap, name) ? classMap[name] : undefined;
  if (mapped !== undefined && classes.includes(mapped)) return mapped;
  const normalise = (s: string) => s.trim().toLowerCase().replace(/[\s-]+/g, "_");
  return classes.find((c) => normalise(c) === normalise(name)) ?? null;
}

/**
 * Turns one VOC object into a stored box, clipping to the image and reporting what it changed.
 * Returns box = null when the object cannot be kept (unknown class, inverted or empty box).
 */
export function vocObjectToBox(
  object: VocObject,
  image: ImageSize,
  classes: readonly string[],
  label: string,
  classMap: ClassMap = {},
): { box: AnnotatedBox | null; findings: ImportFinding[] } {
  const findings: ImportFinding[] = [];
  const className = matchClassName(object.name, classes, classMap);
  if (className === null) {
    findings.push({
      severity: "error",
      code: "unknown-class",
      message: `${label}: class "${object.name}" is not one of ${classes.join(", ")}; box skipped (map it to import it)`,
    });
    return { box: null, findings };
  }
  if (className !== object.name) {
    findings.push({ severity: "warning", code: "class-renamed", message: `${label}: class "${object.name}" read as "${className}"` });
  }
  const { xmin, ymin, xmax, ymax } = object.box;
  if (xmax < xmin || ymax < ymin) {
    findings.push({
      severity: "error",
      code: "box-inverted",
      message: `${label}: box (${xmin}, ${ymin})–(${xmax}, ${ymax}) has max < min; box skipped`,
    });
    return { box: null, findings };
  }
  if (![xmin, ymin, xmax, ymax].every(Number.isInteger)) {
    findings.push({ severity: "info", code: "box-float", message: `${label}: fractional coordinates kept as they are` });
  }
  let box = vocToPixelBox(object.box);
  if (!isInside(box, image)) {
    const clipped = clipBox(box, image);
    if (boxWidth(clipped) <= 0 || boxHeight(clipped) <= 0) {
      findings.push({
        severity: "error",
        code: "box-outside",
        message: `${label}: box (${xmin}, ${ymin})–(${xmax}, ${ymax}) lies entirely outside the ${image.width}x${image.height} image; box skipped`,
      });
      return { box: null, findings };
    }
    const overshoot = Math.max(-box.xmin, -box.ymin, box.xmax - image.width, box.ymax - image.height);
    findings.push({
      severity: overshoot <= 1 ? "info" : "warning",
      code: "box-clipped",
      message: `${label}: box reaches ${overshoot} px beyond the ${image.width}x${image.height} image; clipped to its border`,
    });
    box = clipped;
  }
  if (boxWidth(box) < TINY_BOX_PX || boxHeight(box) < TINY_BOX_PX) {
    findings.push({
      severity: "warning",
      code: "box-tiny",
      message: `${label}: box is only ${boxWidth(box)}x${boxHeight(box)} px`,
    });
  }
  const attributes = Object.keys(object.extra).length > 0 ? object.extra : null;
  return {
    box: {
      className,
      ...box,
      difficult: object.difficult,
      truncated: object.truncated,
      occluded: object.occluded,
      pose: object.pose ?? null,
      attributes,
    },
    findings,
  };
}

/**
 * Converts every object of one file, naming each by its position in the file. A box that
 * repeats an earlier one exactly (same class, same coordinates) is flagged, not dropped: the
 * report says which, and a person deletes the slip.
 */
export function vocObjectsToBoxes(
  objects: readonly VocObject[],
  image: ImageSize,
  classes: readonly string[],
  classMap: ClassMap = {},
): { boxes: AnnotatedBox[]; findings: ImportFinding[]; unknownClasses: Record<string, number> } {
  const boxes: AnnotatedBox[] = [];
  const findings: ImportFinding[] = [];
  const unknownClasses: Record<string, number> = {};
  const seen = new Map<string, number>();
  objects.forEach((object, i) => {
    const position = object.position ?? i + 1;
    const converted = vocObjectToBox(object, image, classes, `object ${position}`, classMap);
    findings.push(...converted.findings);
    if (converted.findings.some((f) => f.code === "unknown-class")) unknownClasses[object.name] = (unknownClasses[object.name] ?? 0) + 1;
    if (!converted.box) return;
    const { xmin, ymin, xmax, ymax } = object.box;
    const key = JSON.stringify([converted.box.className, xmin, ymin, xmax, ymax]);
    const first = seen.get(key);
    if (first === undefined) seen.set(key, position);
    else findings.push({ severity: "warning", code: "box-repeated", message: `object ${position} repeats object ${first} exactly (same class and coordinates); both kept` });
    boxes.push(converted.box);
  });
  return { boxes, findings, unknownClasses };
}
