import type { PixelBox } from "./box";
import type { LabelStatus } from "./states";

/** One labelled box as it is stored and versioned (pixel coordinates, see box.ts). */
export interface AnnotatedBox extends PixelBox {
  className: string;
  difficult: boolean;
  truncated: boolean;
  occluded: boolean;
  pose?: string | null;
  attributes?: Record<string, unknown> | null;
}

/** An image's whole annotation set: what a label revision records before and after. */
export interface AnnotationSet {
  labelStatus: LabelStatus;
  boxes: AnnotatedBox[];
}

/** Order-independent canonical form, so two sets with the same boxes compare equal. */
export function canonicalAnnotationSet(set: AnnotationSet): AnnotationSet {
  const boxes = set.boxes
    .map((b) => ({
      className: b.className,
      xmin: b.xmin,
      ymin: b.ymin,
      xmax: b.xmax,
      ymax: b.ymax,
      difficult: b.difficult,
      truncated: b.truncated,
      occluded: b.occluded,
      pose: b.pose ?? null,
      attributes: b.attributes && Object.keys(b.attributes).length > 0 ? b.attributes : null,
    }))
    .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
  return { labelStatus: set.labelStatus, boxes };
}

export function sameAnnotationSet(a: AnnotationSet, b: AnnotationSet): boolean {
  return JSON.stringify(canonicalAnnotationSet(a)) === JSON.stringify(canonicalAnnotationSet(b));
}
