import { boxHeight, boxWidth, clipBox, isInside, type ImageSize } from "./box";
import type { AnnotatedBox } from "./annotation-set";
import { vocToPixelBox, type VocObject } from "./voc";

export type IssueSeverity = "error" | "warning" | "info";

/** Something an import found in one object or file; `code` is stable, `message` is for people. */
export interface ImportFinding {
  severity: IssueSeverity;
  code: string;
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
    const overshoot = Math.max(-box.xmin, -box.ymin, box.xmax - image.width, box.ymax - image.height);
    findings.push({
      severity: overshoot <= 1 ? "info" : "warning",
      code: "box-clipped",
      message: `${label}: box reaches ${overshoot} px beyond the ${image.width}x${image.height} image; clipped to its border`,
    });
    box = clipped;
  }
  if (boxWidth(box) <= 0 || boxHeight(box) <= 0) {
    findings.push({ severity: "error", code: "box-empty", message: `${label}: box has no area inside the image; box skipped` });
    return { box: null, findings };
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
