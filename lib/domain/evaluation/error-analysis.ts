import type { PixelBox } from "../box";
import { boxIou, isIgnoredRegion, prepareEvaluation } from "./prepared";
import type { Detection, EvaluationInput, GroundTruthBox } from "./types";

/**
 * Per-box outcomes for the error browser: every kept detection is a true positive, an ignored
 * one, or a false positive with the reason behind it (TIDE, Bolya et al. 2020, simplified), and
 * every ground truth no true positive took is a miss.
 *
 * Rule, per image, with IoU threshold τ (default 0.5), confidence c (default 0.25) and background
 * IoU β (default 0.1):
 * 1. Detections with score ≥ c are taken in score order, highest first (ties: input order).
 * 2. Matching is per class, as COCO's: each detection takes, among the not-yet-taken ground truths
 *    OF ITS OWN CLASS, the one with the highest IoU ≥ τ (ties: the first in the image's box
 *    order) → "tp". IoU = τ matches. Crowd and ignore-flagged boxes are never taken.
 * 3. A detection that took nothing but overlaps a crowd/ignore box of any class with IoU ≥ τ
 *    (crowd IoU: intersection / detection area, as COCO) → "ignored": not an error. Such boxes
 *    absorb any number of detections and never name a false positive's reason.
 * 4. Otherwise "fp", with the first reason that applies:
 *    duplicate              a same-class ground truth with IoU ≥ τ exists, already taken by a
 *                           higher-scoring detection;
 *    wrong_class            a ground truth of another class has IoU ≥ τ;
 *    localization           a same-class ground truth has β ≤ IoU < τ;
 *    class_and_localization a ground truth of another class has β ≤ IoU < τ;
 *    background             every ground truth has IoU < β.
 *    gtIndex / iou / gtClassName name the highest-IoU ground truth of the reason's category
 *    (background: the highest-IoU one overall, null with IoU 0 when none overlaps at all).
 * 5. Ground truths (not crowd/ignore) that no true positive took are missed.
 * Difficult boxes count like any other (VOC would ignore them; COCO does not read the flag).
 *
 * At τ = 0.5 the true positives are the ones COCO's matching at IoU .50 gives the detections with
 * score ≥ c (lower-scoring detections cannot change a greedy match made before them), with two
 * differences: COCO keeps only the top 100 detections per image and class (no cap here), and on an
 * exact IoU tie between two free ground truths COCO takes the later one. COCO also counts a
 * detection inside a crowd box of another class, or a second one on an ignore-flagged box, as a
 * false positive; here both are ignored, as in the confusion matrix.
 */
export type FalsePositiveReason = "duplicate" | "wrong_class" | "localization" | "class_and_localization" | "background";

export const FALSE_POSITIVE_REASONS: readonly FalsePositiveReason[] = [
  "duplicate",
  "wrong_class",
  "localization",
  "class_and_localization",
  "background",
];

export interface DetectionOutcome {
  /** index in input.detections */
  detectionIndex: number;
  imageId: string;
  className: string;
  box: PixelBox;
  score: number;
  kind: "tp" | "fp" | "ignored";
  /** only for "fp" */
  reason?: FalsePositiveReason;
  /**
   * The ground truth behind the outcome, as an index into its image's boxes: the one matched (tp),
   * the crowd/ignore box absorbing it (ignored) or the one the reason names (fp); null when none.
   */
  gtIndex: number | null;
  /** IoU with that ground truth (crowd rule for crowd boxes); 0 when gtIndex is null */
  iou: number;
  gtClassName?: string;
}

export interface MissedBox {
  imageId: string;
  /** index into the image's boxes */
  gtIndex: number;
  className: string;
  box: PixelBox;
  /** best IoU of any kept detection of any class */
  bestIou: number;
  /** that detection's index in input.detections (the highest-scoring on a tie); null if none overlaps */
  nearestDetectionIndex: number | null;
}

export interface ImageErrorSummary {
  imageId: string;
  tp: number;
  fp: number;
  missed: number;
  fpByReason: Record<FalsePositiveReason, number>;
}

export interface ErrorAnalysis {
  confidence: number;
  iouThreshold: number;
  backgroundIou: number;
  /** kept detections only, grouped by image in input image order, then in score order */
  detections: DetectionOutcome[];
  /** in input image order, then box order */
  missed: MissedBox[];
  /** one per input image, in input order */
  images: ImageErrorSummary[];
  totals: { tp: number; fp: number; missed: number; fpByReason: Record<FalsePositiveReason, number> };
}

const noReasons = (): Record<FalsePositiveReason, number> => ({
  duplicate: 0,
  wrong_class: 0,
  localization: 0,
  class_and_localization: 0,
  background: 0,
});

/** The highest-IoU candidate offered so far (ties: the first offered); null until one overlaps (IoU > 0). */
interface Closest {
  index: number | null;
  iou: number;
}

const nothingClose = (): Closest => ({ index: null, iou: 0 });

function offer(closest: Closest, index: number, iou: number): void {
  if (closest.index === null ? iou > 0 : iou > closest.iou) {
    closest.index = index;
    closest.iou = iou;
  }
}

export function analyseErrors(
  input: EvaluationInput,
  options: { confidence?: number; iouThreshold?: number; backgroundIou?: number } = {},
): ErrorAnalysis {
  const confidence = options.confidence ?? 0.25;
  const iouThreshold = options.iouThreshold ?? 0.5;
  const backgroundIou = options.backgroundIou ?? 0.1;
  prepareEvaluation(input); // validation only: same errors as every other metric

  const keptByImage = new Map<string, number[]>();
  input.detections.forEach((d, j) => {
    if (d.score < confidence) return;
    const list = keptByImage.get(d.imageId);
    if (list) list.push(j);
    else keptByImage.set(d.imageId, [j]);
  });
  const byScore = (a: number, b: number) => input.detections[b]!.score - input.detections[a]!.score || a - b;

  const detections: DetectionOutcome[] = [];
  const missed: MissedBox[] = [];
  const images: ImageErrorSummary[] = [];
  const totals = { tp: 0, fp: 0, missed: 0, fpByReason: noReasons() };

  for (const image of input.images) {
    const kept = (keptByImage.get(image.imageId) ?? []).sort(byScore);
    const taken = new Array<boolean>(image.boxes.length).fill(false);
    const summary: ImageErrorSummary = { imageId: image.imageId, tp: 0, fp: 0, missed: 0, fpByReason: noReasons() };

    for (const j of kept) {
      const d = input.detections[j]!;
      const outcome = judgeDetection(d, j, image.boxes, taken, iouThreshold, backgroundIou);
      detections.push(outcome);
      if (outcome.kind === "tp") {
        taken[outcome.gtIndex!] = true;
        summary.tp++;
      } else if (outcome.kind === "fp") {
        summary.fp++;
        summary.fpByReason[outcome.reason!]++;
      }
    }

    image.boxes.forEach((truth, gtIndex) => {
      if (taken[gtIndex] || isIgnoredRegion(truth)) return;
      const nearest = nothingClose(); // over detection indices, in score order
      for (const j of kept) offer(nearest, j, boxIou(input.detections[j]!.box, truth.box, false));
      missed.push({
        imageId: image.imageId,
        gtIndex,
        className: truth.className,
        box: truth.box,
        bestIou: nearest.iou,
        nearestDetectionIndex: nearest.index,
      });
      summary.missed++;
    });

    images.push(summary);
    totals.tp += summary.tp;
    totals.fp += summary.fp;
    totals.missed += summary.missed;
    for (const reason of FALSE_POSITIVE_REASONS) totals.fpByReason[reason] += summary.fpByReason[reason];
  }

  return { confidence, iouThreshold, backgroundIou, detections, missed, images, totals };
}

/** Steps 2–4 of the rule for one detection; `taken` marks the ground truths earlier detections took. */
function judgeDetection(
  d: Detection,
  detectionIndex: number,
  boxes: readonly GroundTruthBox[],
  taken: readonly boolean[],
  iouThreshold: number,
  backgroundIou: number,
): DetectionOutcome {
  const freeMatch = nothingClose();
  const ignoredRegion = nothingClose();
  const sameClass = nothingClose();
  const otherClass = nothingClose();

  boxes.forEach((truth, gtIndex) => {
    if (isIgnoredRegion(truth)) {
      const v = boxIou(d.box, truth.box, truth.iscrowd === true);
      if (v >= iouThreshold) offer(ignoredRegion, gtIndex, v);
      return;
    }
    const v = boxIou(d.box, truth.box, false);
    if (truth.className !== d.className) {
      offer(otherClass, gtIndex, v);
      return;
    }
    offer(sameClass, gtIndex, v);
    if (!taken[gtIndex] && v >= iouThreshold) offer(freeMatch, gtIndex, v);
  });

  const outcome = (kind: DetectionOutcome["kind"], best: Closest, reason?: FalsePositiveReason): DetectionOutcome => ({
    detectionIndex,
    imageId: d.imageId,
    className: d.className,
    box: d.box,
    score: d.score,
    kind,
    ...(reason ? { reason } : {}),
    gtIndex: best.index,
    iou: best.iou,
    ...(best.index !== null ? { gtClassName: boxes[best.index]!.className } : {}),
  });

  if (freeMatch.index !== null) return outcome("tp", freeMatch);
  if (ignoredRegion.index !== null) return outcome("ignored", ignoredRegion);
  // No free same-class match, so a same-class ground truth at IoU ≥ τ must already be taken.
  if (sameClass.iou >= iouThreshold) return outcome("fp", sameClass, "duplicate");
  if (otherClass.iou >= iouThreshold) return outcome("fp", otherClass, "wrong_class");
  if (sameClass.index !== null && sameClass.iou >= backgroundIou) return outcome("fp", sameClass, "localization");
  if (otherClass.index !== null && otherClass.iou >= backgroundIou) {
    return outcome("fp", otherClass, "class_and_localization");
  }
  // Background: name the closest ground truth of either category (ties: the first in box order).
  const otherIsCloser =
    otherClass.index !== null &&
    (sameClass.index === null ||
      otherClass.iou > sameClass.iou ||
      (otherClass.iou === sameClass.iou && otherClass.index < sameClass.index));
  const closest = otherIsCloser ? otherClass : sameClass;
  return outcome("fp", closest, "background");
}
