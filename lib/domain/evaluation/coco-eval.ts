import { cocoIou, numpyMean, prepareEvaluation, type PreparedEvaluation } from "./prepared";
import { OUTCOME_FP, OUTCOME_IGNORED, OUTCOME_TP, type ClassMatches, type EvaluationInput } from "./types";

/**
 * COCO bounding-box evaluation, the same computation as pycocotools' COCOeval(iouType="bbox")
 * evaluate() + accumulate() + summarize() with default parameters:
 *
 * - Per image and category, detections are sorted by score descending (stable: ties keep input
 *   order, numpy's mergesort) and only the first maxDets[-1] = 100 are evaluated.
 * - Ground truths are ignored when crowd (or flagged ignore) or outside the area range (the
 *   annotation's `area`, inclusive bounds), and sorted non-ignored first (stable).
 * - At each IoU threshold t (0.50:0.05:0.95, numpy.linspace values), each detection in score order
 *   takes, among ground truths not yet taken (crowd ones stay available), the one with the highest
 *   IoU ≥ t (a later one wins an exact IoU tie: pycocotools skips only when iou < best), never
 *   preferring an ignored one once it has a non-ignored one. IoU == t therefore matches.
 * - A detection matched to an ignored ground truth is ignored; an unmatched detection whose own
 *   area (w × h) is outside the range is ignored.
 * - Per category, area range and maxDets ∈ {1, 10, 100}: the per-image top-maxDets detections of
 *   all images are ranked by score (stable: image order, then per-image rank); precision =
 *   tp / (tp + fp + np.spacing(1)), recall = tp / (non-ignored ground truths), precision made
 *   monotone from the right, sampled at the 101 recall thresholds (first rank with recall ≥ r,
 *   0 beyond the last detection); -1 when the category has no non-ignored ground truth there.
 * - AP = mean of those samples over IoU thresholds, recall thresholds and categories, skipping -1
 *   (numpy's pairwise mean, so equal to the last bit); AR = mean of the final recalls likewise.
 */

/** np.linspace(start, stop, num): i * step + start, the last value exactly stop. */
function linspace(start: number, stop: number, num: number): Float64Array {
  const out = new Float64Array(num);
  const step = (stop - start) / (num - 1);
  for (let i = 0; i < num; i++) out[i] = i * step + start;
  out[num - 1] = stop;
  return out;
}

export const COCO_IOU_THRESHOLDS: Float64Array = linspace(0.5, 0.95, 10);
export const COCO_RECALL_THRESHOLDS: Float64Array = linspace(0, 1, 101);
export const COCO_MAX_DETS = [1, 10, 100] as const;
export const COCO_AREA_RANGES = [
  { label: "all", min: 0, max: 1e10 },
  { label: "small", min: 0, max: 32 ** 2 },
  { label: "medium", min: 32 ** 2, max: 96 ** 2 },
  { label: "large", min: 96 ** 2, max: 1e10 },
] as const;

const T = COCO_IOU_THRESHOLDS.length;
const R = COCO_RECALL_THRESHOLDS.length;
const A = COCO_AREA_RANGES.length;
const M = COCO_MAX_DETS.length;
const MAX_DET = COCO_MAX_DETS[2];
/** np.spacing(1): added to tp + fp in pycocotools' precision */
const SPACING_1 = 2.220446049250313e-16;
/** pycocotools starts each match with iou = min(t, 1 - 1e-10) */
const IOU_CAP = 1 - 1e-10;

/** The 12 numbers of COCOeval.summarize(), in its order; -1 where undefined (no ground truth). */
export interface CocoSummary {
  AP: number;
  AP50: number;
  AP75: number;
  APs: number;
  APm: number;
  APl: number;
  AR1: number;
  AR10: number;
  AR100: number;
  ARs: number;
  ARm: number;
  ARl: number;
}

export const COCO_SUMMARY_KEYS = ["AP", "AP50", "AP75", "APs", "APm", "APl", "AR1", "AR10", "AR100", "ARs", "ARm", "ARl"] as const;

export interface CocoClassResult {
  className: string;
  /** non-ignored ground truths (area all) */
  numGt: number;
  /** detections evaluated (at most 100 per image) */
  numDetections: number;
  /** AP@[.50:.95], area all, maxDets 100; -1 without ground truth */
  AP: number;
  AP50: number;
  AP75: number;
  AR100: number;
}

export interface CocoEvaluation {
  summary: CocoSummary;
  perClass: CocoClassResult[];
  /** pycocotools' eval["precision"], C order [T][R][K][A][M]: see precisionAt */
  precision: Float64Array;
  /** pycocotools' eval["recall"], C order [T][K][A][M] */
  recall: Float64Array;
  numClasses: number;
  /** per class, at IoU 0.50, area all, maxDets 100, in accumulate()'s ranking: for operating points */
  matches50: ClassMatches[];
}

/** Index into CocoEvaluation.precision. */
export function precisionIndex(K: number, t: number, r: number, k: number, a: number, m: number): number {
  return (((t * R + r) * K + k) * A + a) * M + m;
}

function recallIndex(K: number, t: number, k: number, a: number, m: number): number {
  return ((t * K + k) * A + a) * M + m;
}

/** The 101-point interpolated PR curve of a class (area all, maxDets 100) at IoU threshold index t. */
export function interpolatedPrCurve(result: CocoEvaluation, k: number, t = 0): { recall: number[]; precision: number[] } {
  const recall: number[] = [];
  const precision: number[] = [];
  for (let r = 0; r < R; r++) {
    recall.push(COCO_RECALL_THRESHOLDS[r]!);
    precision.push(result.precision[precisionIndex(result.numClasses, t, r, k, 0, M - 1)]!);
  }
  return { recall, precision };
}

/** COCO bbox evaluation of the input; see the module comment for the exact rules. */
export function evaluateCoco(input: EvaluationInput | PreparedEvaluation): CocoEvaluation {
  const p = "gtStart" in input ? input : prepareEvaluation(input);
  const K = p.numClasses;
  const I = p.numImages;
  const precision = new Float64Array(T * R * K * A * M).fill(-1);
  const recall = new Float64Array(T * K * A * M).fill(-1);
  const matches50: ClassMatches[] = [];
  const numGtAll: number[] = [];
  const numDetections: number[] = [];

  // Scratch buffers, grown as needed and reused for every image (no allocation per detection).
  let ious = new Float64Array(64);
  let gtOrder = new Int32Array(16);
  let gtIg = new Uint8Array(16);
  let gtTaken = new Uint8Array(16 * T);
  let rc = new Float64Array(64);
  let pr = new Float64Array(64);

  for (let k = 0; k < K; k++) {
    // The category's detections in accumulate()'s concatenation order: image order, then rank.
    let N = 0;
    for (let i = 0; i < I; i++) N += Math.min(p.dtStart[k * I + i + 1]! - p.dtStart[k * I + i]!, MAX_DET);
    const scores = new Float64Array(N);
    const rank = new Uint8Array(N);
    const matched = new Uint8Array(A * T * N);
    const ignored = new Uint8Array(A * T * N);
    const npig = new Int32Array(A);
    let pos = 0;

    for (let i = 0; i < I; i++) {
      const group = k * I + i;
      const g0 = p.gtStart[group]!;
      const G = p.gtStart[group + 1]! - g0;
      const d0 = p.dtStart[group]!;
      const D = Math.min(p.dtStart[group + 1]! - d0, MAX_DET);
      if (G === 0 && D === 0) continue;
      for (let d = 0; d < D; d++) {
        scores[pos + d] = p.dtScore[d0 + d]!;
        rank[pos + d] = d;
      }
      if (G > gtOrder.length) {
        gtOrder = new Int32Array(G * 2);
        gtIg = new Uint8Array(G * 2);
        gtTaken = new Uint8Array(G * 2 * T);
      }
      if (D * G > ious.length) ious = new Float64Array(D * G * 2);
      for (let d = 0; d < D; d++) {
        const dt = d0 + d;
        for (let g = 0; g < G; g++) {
          const gt = g0 + g;
          ious[d * G + g] = cocoIou(p.dtX[dt]!, p.dtY[dt]!, p.dtW[dt]!, p.dtH[dt]!, p.gtX[gt]!, p.gtY[gt]!, p.gtW[gt]!, p.gtH[gt]!, p.gtCrowd[gt] === 1);
        }
      }

      for (let a = 0; a < A; a++) {
        const lo = COCO_AREA_RANGES[a]!.min;
        const hi = COCO_AREA_RANGES[a]!.max;
        // gts sorted ignore last (stable): gtOrder[j] = group-relative index, gtIg[j] its flag.
        let j = 0;
        for (let pass = 0; pass < 2; pass++) {
          for (let g = 0; g < G; g++) {
            const gt = g0 + g;
            const area = p.gtArea[gt]!;
            const ig = p.gtCrowd[gt] === 1 || p.gtIgnore[gt] === 1 || area < lo || area > hi ? 1 : 0;
            if (ig === pass) {
              gtOrder[j] = g;
              gtIg[j] = ig;
              j++;
            }
          }
          if (pass === 0) npig[a]! += j;
        }
        const base = a * T * N;
        if (G > 0 && D > 0) {
          gtTaken.fill(0, 0, T * G);
          for (let t = 0; t < T; t++) {
            const row = base + t * N + pos;
            const taken = t * G;
            for (let d = 0; d < D; d++) {
              let best = Math.min(COCO_IOU_THRESHOLDS[t]!, IOU_CAP);
              let m = -1;
              for (let jj = 0; jj < G; jj++) {
                const g = gtOrder[jj]!;
                if (gtTaken[taken + jj] === 1 && p.gtCrowd[g0 + g] !== 1) continue;
                if (m > -1 && gtIg[m] === 0 && gtIg[jj] === 1) break;
                const v = ious[d * G + g]!;
                if (v < best) continue;
                best = v;
                m = jj;
              }
              if (m === -1) continue;
              ignored[row + d] = gtIg[m]!;
              matched[row + d] = 1;
              gtTaken[taken + m] = 1;
            }
          }
        }
        for (let d = 0; d < D; d++) {
          const dt = d0 + d;
          const area = p.dtW[dt]! * p.dtH[dt]!;
          if (area < lo || area > hi) {
            for (let t = 0; t < T; t++) if (matched[base + t * N + pos + d] === 0) ignored[base + t * N + pos + d] = 1;
          }
        }
      }
      pos += D;
    }
    numGtAll.push(npig[0]!);
    numDetections.push(N);

    // accumulate(): one stable ranking per category; maxDets 1 and 10 keep its subsequence of
    // per-image ranks below maxDets, which is exactly what sorting the shorter concatenation gives.
    const order = new Uint32Array(N);
    for (let q = 0; q < N; q++) order[q] = q;
    order.sort((x, y) => scores[y]! - scores[x]! || x - y);
    if (N > rc.length) {
      rc = new Float64Array(N * 2);
      pr = new Float64Array(N * 2);
    }
    const kept = new Uint32Array(N);
    for (let m = 0; m < M; m++) {
      const maxDet = COCO_MAX_DETS[m]!;
      let nd = 0;
      for (let q = 0; q < N; q++) if (rank[order[q]!]! < maxDet) kept[nd++] = order[q]!;
      for (let a = 0; a < A; a++) {
        if (npig[a] === 0) continue;
        for (let t = 0; t < T; t++) {
          const row = a * T * N + t * N;
          let tp = 0;
          let fp = 0;
          for (let q = 0; q < nd; q++) {
            const at = row + kept[q]!;
            if (ignored[at] === 0) {
              if (matched[at] === 1) tp++;
              else fp++;
            }
            rc[q] = tp / npig[a]!;
            pr[q] = tp / (fp + tp + SPACING_1);
          }
          recall[recallIndex(K, t, k, a, m)] = nd > 0 ? rc[nd - 1]! : 0;
          for (let q = nd - 1; q > 0; q--) if (pr[q]! > pr[q - 1]!) pr[q - 1] = pr[q]!;
          let q = 0;
          for (let r = 0; r < R; r++) {
            const threshold = COCO_RECALL_THRESHOLDS[r]!;
            while (q < nd && rc[q]! < threshold) q++;
            precision[precisionIndex(K, t, r, k, a, m)] = q < nd ? pr[q]! : 0;
          }
        }
      }
      if (maxDet === MAX_DET) {
        const outcome = new Uint8Array(nd);
        const ranked = new Float64Array(nd);
        for (let q = 0; q < nd; q++) {
          const at = kept[q]!;
          ranked[q] = scores[at]!;
          outcome[q] = ignored[at] === 1 ? OUTCOME_IGNORED : matched[at] === 1 ? OUTCOME_TP : OUTCOME_FP;
        }
        matches50.push({ className: p.classes[k]!, numGt: npig[0]!, scores: ranked, outcome });
      }
    }
  }

  const result = { precision, recall, numClasses: K };
  const ap = (opts: SummarizeOptions) => summarizeCoco(result, { ...opts, ap: true });
  const ar = (opts: SummarizeOptions) => summarizeCoco(result, { ...opts, ap: false });
  const summary: CocoSummary = {
    AP: ap({}),
    AP50: ap({ iou: 0 }),
    AP75: ap({ iou: 5 }),
    APs: ap({ area: 1 }),
    APm: ap({ area: 2 }),
    APl: ap({ area: 3 }),
    AR1: ar({ maxDets: 0 }),
    AR10: ar({ maxDets: 1 }),
    AR100: ar({}),
    ARs: ar({ area: 1 }),
    ARm: ar({ area: 2 }),
    ARl: ar({ area: 3 }),
  };
  const perClass = p.classes.map((className, k) => ({
    className,
    numGt: numGtAll[k]!,
    numDetections: numDetections[k]!,
    AP: ap({ classIndex: k }),
    AP50: ap({ classIndex: k, iou: 0 }),
    AP75: ap({ classIndex: k, iou: 5 }),
    AR100: ar({ classIndex: k }),
  }));
  return { summary, perClass, precision, recall, numClasses: K, matches50 };
}

interface SummarizeOptions {
  /** IoU threshold index (0 = .50, 5 = .75); all thresholds when absent */
  iou?: number;
  /** area range index; default 0 (all) */
  area?: number;
  /** maxDets index; default 2 (100) */
  maxDets?: number;
  /** one class only (pycocotools averages over all); all when absent */
  classIndex?: number;
}

/**
 * summarize()'s _summarize: the mean of the selected precision (ap) or recall entries that are
 * not -1, taken in numpy's C order (IoU, recall threshold, class); -1 when all are.
 */
export function summarizeCoco(
  result: Pick<CocoEvaluation, "precision" | "recall" | "numClasses">,
  options: SummarizeOptions & { ap: boolean },
): number {
  const K = result.numClasses;
  const a = options.area ?? 0;
  const m = options.maxDets ?? M - 1;
  const t0 = options.iou ?? 0;
  const t1 = options.iou === undefined ? T : options.iou + 1;
  const k0 = options.classIndex ?? 0;
  const k1 = options.classIndex === undefined ? K : options.classIndex + 1;
  const values = new Float64Array((t1 - t0) * (options.ap ? R : 1) * (k1 - k0));
  let n = 0;
  for (let t = t0; t < t1; t++) {
    if (options.ap) {
      for (let r = 0; r < R; r++) {
        for (let k = k0; k < k1; k++) {
          const v = result.precision[precisionIndex(K, t, r, k, a, m)]!;
          if (v > -1) values[n++] = v;
        }
      }
    } else {
      for (let k = k0; k < k1; k++) {
        const v = result.recall[recallIndex(K, t, k, a, m)]!;
        if (v > -1) values[n++] = v;
      }
    }
  }
  return n === 0 ? -1 : numpyMean(values, n);
}

/** The summary as summarize() prints it, line for line (values with Python's round-half-even). */
export function formatCocoSummary(summary: CocoSummary): string {
  const lines: Array<[ap: boolean, iou: string, area: string, maxDets: number, value: number]> = [
    [true, "0.50:0.95", "all", 100, summary.AP],
    [true, "0.50", "all", 100, summary.AP50],
    [true, "0.75", "all", 100, summary.AP75],
    [true, "0.50:0.95", "small", 100, summary.APs],
    [true, "0.50:0.95", "medium", 100, summary.APm],
    [true, "0.50:0.95", "large", 100, summary.APl],
    [false, "0.50:0.95", "all", 1, summary.AR1],
    [false, "0.50:0.95", "all", 10, summary.AR10],
    [false, "0.50:0.95", "all", 100, summary.AR100],
    [false, "0.50:0.95", "small", 100, summary.ARs],
    [false, "0.50:0.95", "medium", 100, summary.ARm],
    [false, "0.50:0.95", "large", 100, summary.ARl],
  ];
  return lines
    .map(([ap, iou, area, maxDets, value]) => {
      const title = (ap ? "Average Precision" : "Average Recall").padEnd(18);
      return ` ${title} ${ap ? "(AP)" : "(AR)"} @[ IoU=${iou.padEnd(9)} | area=${area.padStart(6)} | maxDets=${String(maxDets).padStart(3)} ] = ${formatFixed3(value)}`;
    })
    .join("\n");
}

/**
 * Python's "{:0.3f}": like toFixed(3) but exact ties round half to even. A double is exactly
 * halfway between two 3-decimal numbers only when it is an odd multiple of 1/16 (1/2000 =
 * 1/(16 × 125)), where toFixed would round up.
 */
export function formatFixed3(value: number): string {
  const sixteenths = value * 16;
  if (Number.isInteger(sixteenths) && Math.abs(sixteenths) % 2 === 1) {
    const thousandths = value * 1000; // exact: an odd multiple of 62.5
    let n = Math.floor(thousandths);
    if (n % 2 !== 0) n += 1;
    return (n / 1000).toFixed(3);
  }
  return value.toFixed(3);
}
