import { CLASS_NEEDS_ATTENTION, FACEMASK_CLASSES } from "../classes";
import { prepareEvaluation, type PreparedEvaluation } from "./prepared";
import type { EvaluationInput } from "./types";

/**
 * Image-level accuracy for one yes/no question: "does this image contain a face of one of these
 * classes?" — by default a face without a mask or with a mask worn incorrectly.
 * Truth: the image has at least one ground-truth box of those classes (difficult or crowd boxes
 * included: the face is there). Prediction: at least one detection of those classes has
 * score ≥ threshold. Every ground-truth image counts, including images without any box.
 */
export const DEFAULT_ALERT_CLASSES = FACEMASK_CLASSES.filter((c) => CLASS_NEEDS_ATTENTION[c]);

export interface ImageAccuracy {
  positiveClasses: string[];
  threshold: number;
  tp: number;
  fp: number;
  tn: number;
  fn: number;
  images: number;
  /** (TP + TN) / images; -1 without images */
  accuracy: number;
  /** TP / (TP + FP); 0 when nothing is predicted positive */
  precision: number;
  /** TP / (TP + FN); -1 when no image is positive */
  recall: number;
}

export function imageAccuracy(
  input: EvaluationInput | PreparedEvaluation,
  options: { threshold?: number; positiveClasses?: readonly string[] } = {},
): ImageAccuracy {
  const threshold = options.threshold ?? 0.25;
  const p = "gtStart" in input ? input : prepareEvaluation(input);
  const positiveClasses = [...(options.positiveClasses ?? DEFAULT_ALERT_CLASSES)].filter((c) => p.classes.includes(c));
  const ks = positiveClasses.map((c) => p.classes.indexOf(c));
  const I = p.numImages;
  let tp = 0;
  let fp = 0;
  let tn = 0;
  let fn = 0;
  for (let i = 0; i < I; i++) {
    let truth = false;
    let predicted = false;
    for (const k of ks) {
      const group = k * I + i;
      if (p.gtStart[group + 1]! > p.gtStart[group]!) truth = true;
      // groups are sorted by score: the first detection is the highest
      if (p.dtStart[group + 1]! > p.dtStart[group]! && p.dtScore[p.dtStart[group]!]! >= threshold) predicted = true;
    }
    if (truth && predicted) tp++;
    else if (truth) fn++;
    else if (predicted) fp++;
    else tn++;
  }
  return {
    positiveClasses,
    threshold,
    tp,
    fp,
    tn,
    fn,
    images: I,
    accuracy: I === 0 ? -1 : (tp + tn) / I,
    precision: tp + fp > 0 ? tp / (tp + fp) : 0,
    recall: tp + fn > 0 ? tp / (tp + fn) : -1,
  };
}
