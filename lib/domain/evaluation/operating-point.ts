import { OUTCOME_IGNORED, OUTCOME_TP, type ClassMatches } from "./types";

/**
 * Precision, recall and F1 of the detections kept at a confidence threshold, from matched
 * detections (normally CocoEvaluation.matches50: IoU ≥ 0.5, COCO's greedy matching, at most 100
 * detections per image and class; ignored ones — matched to crowd/ignore regions — never count).
 *
 * At threshold c the kept detections are those with score ≥ c:
 *   TP = kept true positives, FP = kept false positives, FN = ground truths − TP,
 *   precision = TP / (TP + FP), 0 when nothing is kept;
 *   recall = TP / ground truths, F1 = 2PR / (P + R) (0 when P + R = 0);
 *   recall and F1 are -1 (undefined) for a class without ground truth.
 * Micro-averaged = the same over all classes' detections and ground truths pooled, at one shared
 * threshold. The best-F1 threshold is searched over every distinct detection score (where the
 * kept set changes); on a tie the highest threshold wins (fewest detections).
 */
export interface OperatingPoint {
  threshold: number;
  tp: number;
  fp: number;
  fn: number;
  precision: number;
  recall: number;
  f1: number;
}

/** P, R and F1 sampled at evenly spaced confidences 0, 1/(n-1), …, 1, for charts. */
export interface F1Curve {
  confidence: number[];
  precision: number[];
  recall: number[];
  f1: number[];
}

export interface ClassOperatingPoints {
  className: string;
  numGt: number;
  atThreshold: OperatingPoint;
  /** null when the class has no ground truth or no detection */
  best: OperatingPoint | null;
  f1Curve: F1Curve;
}

export interface OperatingPointReport {
  confidence: number;
  perClass: ClassOperatingPoints[];
  micro: Omit<ClassOperatingPoints, "className">;
}

export function operatingPoint(tp: number, fp: number, numGt: number, threshold: number): OperatingPoint {
  const precision = tp + fp > 0 ? tp / (tp + fp) : 0;
  if (numGt === 0) return { threshold, tp, fp, fn: 0, precision, recall: -1, f1: -1 };
  const recall = tp / numGt;
  const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
  return { threshold, tp, fp, fn: numGt - tp, precision, recall, f1 };
}

/** Operating points of one ranked list (scores descending). */
export function classOperatingPoints(
  scores: Float64Array,
  outcome: Uint8Array,
  numGt: number,
  confidence: number,
  curvePoints = 101,
): Omit<ClassOperatingPoints, "className"> {
  const n = scores.length;
  let tp = 0;
  let fp = 0;
  let atThreshold: OperatingPoint | null = null;
  let best: OperatingPoint | null = null;
  for (let q = 0; q < n; q++) {
    const score = scores[q]!;
    if (atThreshold === null && score < confidence) atThreshold = operatingPoint(tp, fp, numGt, confidence);
    if (outcome[q] !== OUTCOME_IGNORED) {
      if (outcome[q] === OUTCOME_TP) tp++;
      else fp++;
    }
    // the end of a run of equal scores: the kept set at threshold `score`
    if (numGt > 0 && (q === n - 1 || scores[q + 1]! !== score) && tp + fp > 0) {
      const point = operatingPoint(tp, fp, numGt, score);
      if (best === null || point.f1 > best.f1) best = point;
    }
  }
  atThreshold ??= operatingPoint(tp, fp, numGt, confidence);

  const curve: F1Curve = { confidence: [], precision: [], recall: [], f1: [] };
  let q = 0;
  tp = 0;
  fp = 0;
  const points: OperatingPoint[] = [];
  for (let j = curvePoints - 1; j >= 0; j--) {
    const c = j / (curvePoints - 1);
    while (q < n && scores[q]! >= c) {
      if (outcome[q] !== OUTCOME_IGNORED) {
        if (outcome[q] === OUTCOME_TP) tp++;
        else fp++;
      }
      q++;
    }
    points.push(operatingPoint(tp, fp, numGt, c));
  }
  for (const point of points.reverse()) {
    curve.confidence.push(point.threshold);
    curve.precision.push(point.precision);
    curve.recall.push(point.recall);
    curve.f1.push(point.f1);
  }
  return { numGt, atThreshold, best, f1Curve: curve };
}

export function operatingPoints(matches: readonly ClassMatches[], confidence: number, curvePoints = 101): OperatingPointReport {
  const perClass = matches.map((m) => ({ className: m.className, ...classOperatingPoints(m.scores, m.outcome, m.numGt, confidence, curvePoints) }));
  // Micro: every class's detections in one ranking (score descending).
  let total = 0;
  let numGt = 0;
  for (const m of matches) {
    total += m.scores.length;
    numGt += m.numGt;
  }
  const scores = new Float64Array(total);
  const outcome = new Uint8Array(total);
  let at = 0;
  for (const m of matches) {
    scores.set(m.scores, at);
    outcome.set(m.outcome, at);
    at += m.scores.length;
  }
  const order = new Uint32Array(total);
  for (let q = 0; q < total; q++) order[q] = q;
  order.sort((x, y) => scores[y]! - scores[x]! || x - y);
  const rankedScores = new Float64Array(total);
  const rankedOutcome = new Uint8Array(total);
  for (let q = 0; q < total; q++) {
    rankedScores[q] = scores[order[q]!]!;
    rankedOutcome[q] = outcome[order[q]!]!;
  }
  return { confidence, perClass, micro: classOperatingPoints(rankedScores, rankedOutcome, numGt, confidence, curvePoints) };
}
