import { prepareEvaluation, preparedIou, type PreparedEvaluation } from "./prepared";
import type { EvaluationInput } from "./types";

/**
 * The detection confusion matrix (YOLO-style: classes plus a "background" row and column).
 *
 * Rule, per image, with IoU threshold τ (default 0.5) and confidence c (default 0.25):
 * 1. Detections with score ≥ c are taken in score order, highest first (ties: input order).
 * 2. Each takes, among the image's ground truths of ANY class not taken yet, the one with the
 *    highest IoU ≥ τ (ties: the first in the image's box order). Crowd and ignore-flagged boxes
 *    are never taken.
 * 3. A detection of class p that took a ground truth of class t counts in cell [t][p]: the
 *    diagonal when p = t, a class confusion otherwise.
 * 4. A detection that took nothing counts in [background][p] (a false positive), unless it
 *    overlaps a crowd/ignore box with IoU ≥ τ (crowd IoU: intersection / detection area, as
 *    COCO), in which case it is not counted at all.
 * 5. A ground truth of class t that nobody took counts in [t][background] (a miss).
 * Rows are the truth, columns the prediction (scikit-learn's layout; Ultralytics prints the
 * transpose); [background][background] is always 0. Difficult boxes count like any other.
 * Unlike Ultralytics (greedy by IoU, IoU > τ), the matching here is greedy by score and IoU = τ
 * matches, as COCO's does.
 */
export interface ConfusionMatrix {
  /** the classes then "background": labels of rows and columns */
  labels: string[];
  iouThreshold: number;
  confidence: number;
  /** counts[truth][prediction] */
  counts: number[][];
}

export const BACKGROUND = "background";

export function confusionMatrix(
  input: EvaluationInput | PreparedEvaluation,
  options: { iouThreshold?: number; confidence?: number } = {},
): ConfusionMatrix {
  const iouThreshold = options.iouThreshold ?? 0.5;
  const confidence = options.confidence ?? 0.25;
  const p = "gtStart" in input ? input : prepareEvaluation(input);
  const K = p.numClasses;
  const I = p.numImages;
  const counts = Array.from({ length: K + 1 }, () => new Array<number>(K + 1).fill(0));

  let dets = new Int32Array(64);
  let detClass = new Int32Array(64);
  let gts = new Int32Array(64);
  let gtClass = new Int32Array(64);
  let taken = new Uint8Array(64);

  for (let i = 0; i < I; i++) {
    let nd = 0;
    let ng = 0;
    for (let k = 0; k < K; k++) {
      const group = k * I + i;
      const dCount = p.dtStart[group + 1]! - p.dtStart[group]!;
      const gCount = p.gtStart[group + 1]! - p.gtStart[group]!;
      if (nd + dCount > dets.length) {
        const grown = new Int32Array((nd + dCount) * 2);
        grown.set(dets);
        dets = grown;
        const grownClass = new Int32Array((nd + dCount) * 2);
        grownClass.set(detClass);
        detClass = grownClass;
      }
      if (ng + gCount > gts.length) {
        const grown = new Int32Array((ng + gCount) * 2);
        grown.set(gts);
        gts = grown;
        const grownClass = new Int32Array((ng + gCount) * 2);
        grownClass.set(gtClass);
        gtClass = grownClass;
        taken = new Uint8Array((ng + gCount) * 2);
      }
      for (let d = p.dtStart[group]!; d < p.dtStart[group + 1]!; d++) {
        // each group is sorted by score, so the kept ones come first
        if (p.dtScore[d]! < confidence) break;
        dets[nd] = d;
        detClass[nd++] = k;
      }
      for (let g = p.gtStart[group]!; g < p.gtStart[group + 1]!; g++) {
        gts[ng] = g;
        gtClass[ng++] = k;
      }
    }
    if (nd === 0 && ng === 0) continue;
    sortPairs(dets, detClass, nd, (x, y) => p.dtScore[y]! - p.dtScore[x]! || p.dtInput[x]! - p.dtInput[y]!);
    sortPairs(gts, gtClass, ng, (x, y) => p.gtInput[x]! - p.gtInput[y]!);
    taken.fill(0, 0, ng);

    for (let q = 0; q < nd; q++) {
      const d = dets[q]!;
      let best = -1;
      let bestIou = iouThreshold;
      let overlapsIgnored = false;
      for (let j = 0; j < ng; j++) {
        const g = gts[j]!;
        const v = preparedIou(p, d, g);
        if (p.gtCrowd[g] === 1 || p.gtIgnore[g] === 1) {
          if (v >= iouThreshold) overlapsIgnored = true;
          continue;
        }
        if (taken[j] === 1 || v < iouThreshold) continue;
        if (best === -1 || v > bestIou) {
          best = j;
          bestIou = v;
        }
      }
      if (best >= 0) {
        taken[best] = 1;
        counts[gtClass[best]!]![detClass[q]!]!++;
      } else if (!overlapsIgnored) {
        counts[K]![detClass[q]!]!++;
      }
    }
    for (let j = 0; j < ng; j++) {
      const g = gts[j]!;
      if (taken[j] === 0 && p.gtCrowd[g] === 0 && p.gtIgnore[g] === 0) counts[gtClass[j]!]![K]!++;
    }
  }
  return { labels: [...p.classes, BACKGROUND], iouThreshold, confidence, counts };
}

/** Insertion sort of the first n entries of keys (with their companions): per-image lists are short. */
function sortPairs(keys: Int32Array, companions: Int32Array, n: number, compare: (x: number, y: number) => number): void {
  for (let a = 1; a < n; a++) {
    const key = keys[a]!;
    const companion = companions[a]!;
    let b = a - 1;
    while (b >= 0 && compare(keys[b]!, key) > 0) {
      keys[b + 1] = keys[b]!;
      companions[b + 1] = companions[b]!;
      b--;
    }
    keys[b + 1] = key;
    companions[b + 1] = companion;
  }
}
