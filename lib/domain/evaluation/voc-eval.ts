import { prepareEvaluation, preparedIou, type PreparedEvaluation } from "./prepared";
import { OUTCOME_FP, OUTCOME_IGNORED, OUTCOME_TP, type ClassMatches, type EvaluationInput } from "./types";

/**
 * Pascal VOC detection AP at IoU 0.5, VOC2010+ style (the devkit's VOCevaldet + VOCap):
 *
 * - Per class, all detections (no per-image limit) are ranked by score descending; ties keep
 *   input order (Matlab's sort is stable, the devkit reads detections in file order).
 * - Each detection finds, among all ground truths of its class in its image, the one with the
 *   highest IoU (first one on a tie), whether or not it is already taken.
 *   If that IoU ≥ 0.5 (the devkit's `ovmax >= minoverlap`; py-faster-rcnn's port uses >):
 *   a difficult ground truth makes the detection neither TP nor FP (it is dropped);
 *   a free one makes it a TP and takes it; a taken one makes it a FP (duplicate).
 *   Otherwise the detection is a FP.
 * - Crowd and ignore-flagged boxes count as difficult here (VOC has no crowd regions); a crowd
 *   box's IoU is COCO's (intersection / detection area), so detections inside a crowd are dropped.
 * - AP = area under the precision/recall curve with precision made monotone from the right,
 *   summed at every recall change ("all-point" interpolation, not VOC2007's 11 points).
 * - A class without a non-difficult ground truth has AP -1 and is left out of the mAP.
 *
 * No +1 in widths, heights or areas: the devkit adds 1 because VOC files hold 1-based inclusive
 * integer coordinates; voc.ts already turned them into Masklab's max-exclusive pixels
 * (width = xmax - xmin), so the numbers equal the devkit's on the same file. Adding 1 again would
 * inflate small boxes: a 10 × 10 face against a copy shifted by 2 px has IoU 80 / 120 = 0.667 (the
 * devkit's value on the file), but 99 / 143 = 0.692 with a second +1.
 */
export const VOC_IOU_THRESHOLD = 0.5;

export interface VocClassResult {
  className: string;
  /** non-difficult ground truths */
  numGt: number;
  numDifficult: number;
  numDetections: number;
  /** TP and FP over all detections (difficult matches dropped) */
  tp: number;
  fp: number;
  /** all-point AP at IoU 0.5; -1 without a non-difficult ground truth */
  ap: number;
}

export interface VocEvaluation {
  /** mean AP over classes with at least one non-difficult ground truth; -1 when none has */
  mAP50: number;
  perClass: VocClassResult[];
  /** per class, in VOC ranking order, for operating points */
  matches: ClassMatches[];
}

export function evaluateVoc(input: EvaluationInput | PreparedEvaluation, iouThreshold = VOC_IOU_THRESHOLD): VocEvaluation {
  const p = "gtStart" in input ? input : prepareEvaluation(input);
  const K = p.numClasses;
  const I = p.numImages;
  const taken = new Uint8Array(p.gtX.length);
  const perClass: VocClassResult[] = [];
  const matches: ClassMatches[] = [];
  const hard = (g: number) => p.gtDifficult[g] === 1 || p.gtCrowd[g] === 1 || p.gtIgnore[g] === 1;

  for (let k = 0; k < K; k++) {
    const first = p.dtStart[k * I]!;
    const last = p.dtStart[(k + 1) * I]!;
    const count = last - first;
    // Prepared detections of class k, ranked by score then input index (ties: file order).
    const order = new Uint32Array(count);
    const image = new Int32Array(count);
    for (let i = 0; i < I; i++) {
      for (let d = p.dtStart[k * I + i]!; d < p.dtStart[k * I + i + 1]!; d++) image[d - first] = i;
    }
    for (let q = 0; q < count; q++) order[q] = first + q;
    order.sort((x, y) => p.dtScore[y]! - p.dtScore[x]! || p.dtInput[x]! - p.dtInput[y]!);

    let numGt = 0;
    let numDifficult = 0;
    for (let g = p.gtStart[k * I]!; g < p.gtStart[(k + 1) * I]!; g++) {
      if (hard(g)) numDifficult++;
      else numGt++;
    }
    const scores = new Float64Array(count);
    const outcome = new Uint8Array(count);
    let tp = 0;
    let fp = 0;
    for (let q = 0; q < count; q++) {
      const d = order[q]!;
      const group = k * I + image[d - first]!;
      let best = -Infinity;
      let jmax = -1;
      for (let g = p.gtStart[group]!; g < p.gtStart[group + 1]!; g++) {
        const v = preparedIou(p, d, g);
        if (v > best) {
          best = v;
          jmax = g;
        }
      }
      scores[q] = p.dtScore[d]!;
      if (jmax >= 0 && best >= iouThreshold) {
        if (hard(jmax)) outcome[q] = OUTCOME_IGNORED;
        else if (taken[jmax] === 0) {
          taken[jmax] = 1;
          outcome[q] = OUTCOME_TP;
          tp++;
        } else {
          outcome[q] = OUTCOME_FP;
          fp++;
        }
      } else {
        outcome[q] = OUTCOME_FP;
        fp++;
      }
    }
    const classMatches: ClassMatches = { className: p.classes[k]!, numGt, scores, outcome };
    matches.push(classMatches);
    perClass.push({
      className: p.classes[k]!,
      numGt,
      numDifficult,
      numDetections: count,
      tp,
      fp,
      ap: numGt === 0 ? -1 : allPointAp(classMatches),
    });
  }
  const defined = perClass.filter((c) => c.ap >= 0);
  const mAP50 = defined.length === 0 ? -1 : defined.reduce((sum, c) => sum + c.ap, 0) / defined.length;
  return { mAP50, perClass, matches };
}

/**
 * VOCap on ranked outcomes: mrec = [0, rec, 1], mpre = [0, prec, 0], precision made monotone from
 * the right, AP = Σ (mrec[i] - mrec[i-1]) · mpre[i] over the indices where recall changes.
 * Dropped (ignored) detections are skipped: they change neither recall nor precision.
 */
export function allPointAp(matches: ClassMatches): number {
  const { numGt, outcome } = matches;
  if (numGt === 0) return -1;
  const n = outcome.length;
  const rec = new Float64Array(n + 2);
  const prec = new Float64Array(n + 2);
  let len = 1;
  let tp = 0;
  let fp = 0;
  for (let q = 0; q < n; q++) {
    if (outcome[q] === OUTCOME_IGNORED) continue;
    if (outcome[q] === OUTCOME_TP) tp++;
    else fp++;
    rec[len] = tp / numGt;
    prec[len] = tp / (tp + fp);
    len++;
  }
  rec[len] = 1;
  prec[len] = 0;
  len++;
  for (let i = len - 2; i >= 0; i--) if (prec[i + 1]! > prec[i]!) prec[i] = prec[i + 1]!;
  let ap = 0;
  for (let i = 1; i < len; i++) if (rec[i] !== rec[i - 1]) ap += (rec[i]! - rec[i - 1]!) * prec[i]!;
  return ap;
}
