import type { PixelBox } from "../box";

/**
 * What every metric in lib/domain/evaluation reads: ground truth per image and a flat list of
 * detections, both with boxes in Masklab's convention (box.ts: pixels, 0-based, continuous, max
 * exclusive, width = xmax - xmin with no +1). Classes are named; numeric ids (COCO category ids,
 * YOLO indices) are resolved at the boundary (coco-json.ts) against `classes`, whose order is the
 * order of every per-class result.
 */
export interface GroundTruthBox {
  className: string;
  box: PixelBox;
  /** VOC "difficult": ignored by the VOC metric only (COCO, like pycocotools, does not read it). */
  difficult?: boolean;
  /**
   * COCO crowd region: it is ignored (never a miss), a detection matched to it is ignored, it can
   * absorb any number of detections, and its IoU uses the detection's area as the denominator.
   */
  iscrowd?: boolean;
  /**
   * Ignore region that is not a crowd: never a miss, a detection matched to it is ignored, but it
   * absorbs one detection per IoU threshold like a normal box. (pycocotools overwrites an `ignore`
   * key in COCO files with `iscrowd`, so coco-json.ts never sets this: set it from your own code.)
   */
  ignore?: boolean;
  /** COCO's annotation `area`, used only for the small/medium/large ranges; default width × height. */
  area?: number;
}

export interface GroundTruthImage {
  /** Unique within an evaluation; detections name their image by it. */
  imageId: string;
  fileName?: string;
  width?: number;
  height?: number;
  boxes: readonly GroundTruthBox[];
}

export interface Detection {
  imageId: string;
  className: string;
  box: PixelBox;
  score: number;
}

export interface EvaluationInput {
  /** Class order of every per-class result (e.g. FACEMASK_CLASSES or a COCO file's categories by id). */
  classes: readonly string[];
  /**
   * Every image of the evaluated set, with or without boxes, in a fixed order: pycocotools breaks
   * score ties across images by image order (ascending COCO image id), so coco-json.ts sorts by id.
   */
  images: readonly GroundTruthImage[];
  detections: readonly Detection[];
}

/** Input that cannot be evaluated; the message names the offending image, box or detection. */
export class EvaluationInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "EvaluationInputError";
  }
}

/**
 * Detections of one class after matching, in ranking order (score descending, ties in the order
 * the metric defines), with one outcome each: what operating points, F1 curves and PR curves read.
 */
export interface ClassMatches {
  className: string;
  /** ground-truth boxes that count (not crowd / ignored) */
  numGt: number;
  scores: Float64Array;
  /** OUTCOME_FP, OUTCOME_TP or OUTCOME_IGNORED per detection */
  outcome: Uint8Array;
}

export const OUTCOME_FP = 0;
export const OUTCOME_TP = 1;
export const OUTCOME_IGNORED = 2;
